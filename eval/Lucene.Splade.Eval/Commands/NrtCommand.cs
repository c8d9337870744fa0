using System.ComponentModel;
using System.Diagnostics;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Corpora;
using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;
using Lucene.Splade.Indexing;
using Spectre.Console;
using Spectre.Console.Cli;
using Directory = System.IO.Directory;

namespace Lucene.Splade.Eval.Commands;

/// <summary>
/// Near-real-time search while indexing: how long <c>SearcherManager.MaybeRefreshBlocking</c> takes while documents
/// are indexed through <see cref="SpladeAnalyzer"/> (the model runs inside <c>AddDocument</c>, on several indexing
/// threads) and through <see cref="SpladeIndexingQueue"/> (the model runs ahead of the writer), on the same documents.
/// </summary>
internal sealed class NrtCommand : Command<NrtCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DATASET>")]
        [Description("A folder in BEIR layout; its corpus.jsonl is indexed.")]
        public string Dataset { get; init; } = "";

        [CommandOption("-m|--model <FOLDER>")]
        [Description("A SPLADE model folder. Default: the embedded model.")]
        public string? Model { get; init; }

        [CommandOption("--limit <N>")]
        [Description("Index the first N documents.")]
        [DefaultValue(400)]
        public int Limit { get; init; } = 400;

        [CommandOption("--threads <N>")]
        [Description("Indexing threads calling AddDocument with the analyzer; encoder calls at once with the queue.")]
        [DefaultValue(4)]
        public int Threads { get; init; } = 4;

        [CommandOption("--interval <MS>")]
        [Description("Milliseconds between the end of one reopen and the start of the next.")]
        [DefaultValue(100)]
        public int IntervalMs { get; init; } = 100;

        public override ValidationResult Validate() =>
            !Directory.Exists(Dataset) ? ValidationResult.Error($"No dataset folder '{Dataset}'.")
            : Limit < 1 || Threads < 1 || IntervalMs < 0 ? ValidationResult.Error("--limit and --threads must be at least 1, --interval at least 0.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var corpus = BeirCollection.ReadCorpus(settings.Dataset).Take(settings.Limit).ToArray();
        var options = new SpladeEncoderOptions { IntraOpThreads = 1 };
        using var encoder = settings.Model is null ? EmbeddedSpladeModel.LoadEncoder(options) : SpladeEncoder.Load(settings.Model, options);

        // Warm the model up so neither path pays for the first call.
        encoder.EncodeDocuments(corpus.Take(settings.Threads).Select(d => d.Contents).ToArray());

        var analyzer = Measure("SpladeAnalyzer inside AddDocument", corpus, settings, encoder, IndexWithAnalyzer);
        var queue = Measure("SpladeIndexingQueue ahead of the writer", corpus, settings, encoder, IndexWithQueue);

        var table = new Table().AddColumns("indexing path", "documents/s", "reopens", "reopen p50 ms", "reopen p95 ms", "reopen max ms");
        foreach (var m in new[] { analyzer, queue })
        {
            table.AddRow(m.Name, $"{m.DocumentsPerSecond:F1}", m.Reopens.Count.ToString(), $"{Percentile(m.Reopens, 0.50):F0}", $"{Percentile(m.Reopens, 0.95):F0}", $"{m.Reopens.Max():F0}");
        }

        AnsiConsole.MarkupLineInterpolated($"{corpus.Length} documents of {Path.GetFileName(Path.GetFullPath(settings.Dataset))}; model {encoder.Config.Description ?? encoder.Files.Folder}; {settings.Threads} indexing threads / encoder calls, one ONNX thread each; {Environment.ProcessorCount} cores; a reopen every {settings.IntervalMs} ms.");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"p95 reopen time, analyzer / queue: {Percentile(analyzer.Reopens, 0.95) / Math.Max(Percentile(queue.Reopens, 0.95), 0.001):F1}x");
        return 0;
    }

    private sealed record Measurement(string Name, double DocumentsPerSecond, List<double> Reopens);

    private static Measurement Measure(string name, CorpusDocument[] corpus, Settings settings, SpladeEncoder encoder, Action<IndexWriter, CorpusDocument[], Settings, SpladeEncoder> index)
    {
        var folder = Path.Combine(Path.GetTempPath(), "splade-nrt-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var directory = FSDirectory.Open(folder);
            using var analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer> { [CorpusFields.Splade] = new SpladeAnalyzer(encoder) });
            using var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer) { Similarity = CorpusFields.CreateSimilarity() });
            using var manager = new SearcherManager(writer, applyAllDeletes: true, searcherFactory: null);

            var reopens = new List<double>();
            var done = new ManualResetEventSlim(false);
            var refresher = new Thread(() =>
            {
                while (!done.IsSet)
                {
                    var clock = Stopwatch.StartNew();
                    manager.MaybeRefreshBlocking();
                    reopens.Add(clock.Elapsed.TotalMilliseconds);
                    done.Wait(settings.IntervalMs);
                }
            }) { Name = "reopen" };

            var total = Stopwatch.StartNew();
            refresher.Start();
            index(writer, corpus, settings, encoder);
            var seconds = total.Elapsed.TotalSeconds;
            done.Set();
            refresher.Join();
            writer.Commit();
            return new Measurement(name, corpus.Length / seconds, reopens);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The drop-in path: several threads call AddDocument, and the analyzer runs the model in it.</summary>
    private static void IndexWithAnalyzer(IndexWriter writer, CorpusDocument[] corpus, Settings settings, SpladeEncoder encoder) =>
        Parallel.ForEach(corpus, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, doc =>
            writer.AddDocument([CorpusFields.IdField(doc.Id), SpladeField.CreateTextField(CorpusFields.Splade, doc.Contents)]));

    /// <summary>The same documents through the queue: the writer gets them encoded.</summary>
    private static void IndexWithQueue(IndexWriter writer, CorpusDocument[] corpus, Settings settings, SpladeEncoder encoder)
    {
        using var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { DegreeOfParallelism = settings.Threads });
        foreach (var doc in corpus)
        {
            queue.AddDocument([CorpusFields.IdField(doc.Id), SpladeField.CreateTextField(CorpusFields.Splade, doc.Contents)]);
        }

        queue.Flush();
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
