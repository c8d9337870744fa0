using System.Diagnostics;
using Lucene.Splade.Encoders;
using Lucene.Splade.Vectors;
using Spectre.Console;

namespace Lucene.Splade.Eval.Caching;

/// <summary>
/// Runs the library's parallel encoding (<see cref="ParallelEncoding"/>) of many texts behind a progress bar and times
/// it. One ONNX thread per call (the harness loads models so), one call per core.
/// </summary>
internal static class EncodingProgress
{
    public static (IReadOnlyList<SparseVector> Vectors, double Seconds) Documents(IDocumentEncoder encoder, IReadOnlyList<string> texts, string what, bool progress = true) =>
        Run(texts.Count, what, progress, reporter => encoder.EncodeDocumentsInParallel(texts, new ParallelEncodingOptions { Progress = reporter }));

    public static (IReadOnlyList<SparseVector> Vectors, double Seconds) Queries(IQueryEncoder encoder, IReadOnlyList<string> texts, string what, bool progress = true) =>
        Run(texts.Count, what, progress, reporter => encoder.EncodeQueriesInParallel(texts, new ParallelEncodingOptions { Progress = reporter }));

    private static (IReadOnlyList<SparseVector> Vectors, double Seconds) Run(int count, string what, bool progress, Func<IProgress<int>?, IReadOnlyList<SparseVector>> encode)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<SparseVector> vectors = [];
        if (progress && count > 0)
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"Encoding {count} {what}", maxValue: count);
                    vectors = encode(new Reporter(done => task.Value = done));
                });
        }
        else
        {
            vectors = encode(null);
        }

        return (vectors, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Reports on the calling (worker) thread; the progress task is thread-safe.</summary>
    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        private int _highest;

        public void Report(int value)
        {
            // Workers finish out of order: show a count only when it is the highest seen.
            int current;
            do
            {
                current = Volatile.Read(ref _highest);
                if (value <= current)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref _highest, value, current) != current);

            report(value);
        }
    }
}
