using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Models;
using Spectre.Console;

namespace Lucene.Splade.Sample.Commands;

internal static class ConsoleExtensions
{
    /// <summary>Loads the model behind a spinner and says which one it is.</summary>
    public static SpladeEncoder LoadModel(this IAnsiConsole console, EncoderSettings settings)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var encoder = console.Status().Start("Loading the SPLADE model...", _ => ModelLoader.Load(settings));
        console.MarkupLineInterpolated(
            $"[grey]Model:[/] {encoder.Config.Description ?? encoder.Files.Folder} [grey](max length {encoder.MaxLength}, loaded in {clock.Elapsed.TotalSeconds:F1} s)[/]");
        return encoder;
    }

    /// <summary>Loads the inference-free query encoder (tokenizer and weights; no model) and says where its weights come from.</summary>
    public static InferenceFreeQueryEncoder LoadInferenceFree(this IAnsiConsole console, EncoderSettings settings)
    {
        var encoder = ModelLoader.LoadInferenceFree(settings);
        console.MarkupLineInterpolated(
            $"[grey]Query encoder:[/] inference-free, weights {encoder.WeightsPath} [grey](max length {encoder.MaxLength}, no model run)[/]");
        return encoder;
    }

    public static void Warn(this IAnsiConsole console, string message) =>
        console.MarkupLineInterpolated($"[yellow]warning:[/] {message}");
}
