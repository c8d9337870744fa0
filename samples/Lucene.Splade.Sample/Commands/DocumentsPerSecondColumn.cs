using Spectre.Console;
using Spectre.Console.Rendering;

namespace Lucene.Splade.Sample.Commands;

/// <summary>A progress column with the task's current speed in documents per second.</summary>
internal sealed class DocumentsPerSecondColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is { } speed ? $"{speed,7:F1} docs/s" : "      - docs/s", new Style(Color.Grey));
}
