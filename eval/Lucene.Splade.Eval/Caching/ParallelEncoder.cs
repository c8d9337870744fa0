using System.Diagnostics;
using Lucene.Splade.Vectors;
using Spectre.Console;

namespace Lucene.Splade.Eval.Caching;

/// <summary>Encodes many texts in batches spread over the cores (one ONNX thread per batch for a model), with a progress bar.</summary>
/// <remarks><paramref name="encodeBatch"/> encodes one batch and must be thread-safe.</remarks>
internal static class ParallelEncoder
{
    public static (IReadOnlyList<SparseVector> Vectors, double Seconds) Encode(Func<IReadOnlyList<string>, IReadOnlyList<SparseVector>> encodeBatch, IReadOnlyList<string> texts, string what, bool progress = true)
    {
        const int batchSize = 16;
        var vectors = new SparseVector[texts.Count];
        var clock = Stopwatch.StartNew();
        var batches = Enumerable.Range(0, (texts.Count + batchSize - 1) / batchSize).ToArray();

        void Run(Action<int> done) =>
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, b =>
            {
                var start = b * batchSize;
                var count = Math.Min(batchSize, texts.Count - start);
                var slice = new string[count];
                for (var k = 0; k < count; k++)
                {
                    slice[k] = texts[start + k];
                }

                var encoded = encodeBatch(slice);
                for (var k = 0; k < count; k++)
                {
                    vectors[start + k] = encoded[k];
                }

                done(count);
            });

        if (progress && texts.Count > 0)
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"Encoding {texts.Count} {what}", maxValue: texts.Count);
                    Run(n => task.Increment(n));
                });
        }
        else
        {
            Run(_ => { });
        }

        return (vectors, clock.Elapsed.TotalSeconds);
    }
}
