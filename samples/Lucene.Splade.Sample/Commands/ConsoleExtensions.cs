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

    /// <summary>
    /// Runs <paramref name="work"/> behind a live progress bar on a terminal; when the output is piped or redirected
    /// (no live display), it says what it does before and how long it took after, since a live bar would leave a
    /// frozen partial frame in the output.
    /// </summary>
    public static T RunWithProgress<T>(this IAnsiConsole console, string description, int total, Func<IProgress<int>, T> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            console.MarkupLineInterpolated($"{description}: {total} ...");
            var result = work(new Progress<int>(_ => { }));
            console.MarkupLineInterpolated($"{description}: {total} done in {clock.Elapsed.TotalSeconds:F1} s.");
            return result;
        }

        T value = default!;
        console.Progress().Start(ctx =>
        {
            var task = ctx.AddTask(description, maxValue: Math.Max(1, total));
            value = work(new SynchronousProgress(done => task.Value = Math.Max(task.Value, done)));
            task.Value = task.MaxValue;
        });
        return value;
    }

    public static void Warn(this IAnsiConsole console, string message) =>
        console.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        private readonly System.Threading.Lock _lock = new();

        public void Report(int value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }
}
