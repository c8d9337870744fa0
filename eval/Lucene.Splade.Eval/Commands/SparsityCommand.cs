using System.ComponentModel;
using System.Diagnostics;
using Lucene.Splade.Analysis;
using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;
using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Corpora;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>
/// Encodes a BEIR collection's corpus and judged queries and reports how sparse the vectors are: average nonzero
/// terms per document and per query (raw and after quantization), and encoding throughput.
/// </summary>
internal sealed class SparsityCommand : Command<SparsityCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DATASET>")]
        [Description("A folder in BEIR layout (corpus.jsonl, queries.jsonl, qrels/).")]
        public string Dataset { get; init; } = "";

        [CommandOption("--split <SPLIT>")]
        [Description("The qrels split whose judged queries are encoded.")]
        [DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("-m|--model <FOLDER>")]
        [Description("A SPLADE model folder. Default: the embedded model.")]
        public string? Model { get; init; }

        [CommandOption("--limit <N>")]
        [Description("Encode only the first N documents (0 = all).")]
        [DefaultValue(0)]
        public int Limit { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var corpus = BeirCollection.ReadCorpus(settings.Dataset);
        if (settings.Limit > 0)
        {
            corpus = corpus.Take(settings.Limit).ToArray();
        }

        var queries = BeirCollection.ReadJudgedQueries(settings.Dataset, settings.Split);
        var options = new SpladeEncoderOptions { IntraOpThreads = 1 };
        using var encoder = settings.Model is null ? EmbeddedSpladeModel.LoadEncoder(options) : SpladeEncoder.Load(settings.Model, options);

        var clock = Stopwatch.StartNew();
        var docs = EncodeParallel(encoder, corpus.Select(d => d.Contents).ToArray(), "documents");
        var docSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var qs = EncodingProgress.Queries(encoder, queries.Select(q => q.Text).ToArray(), "queries").Vectors.ToArray();
        var querySeconds = clock.Elapsed.TotalSeconds;

        var indexing = SpladeIndexingOptions.Default;
        var table = new Table().AddColumns("", "count", "avg nonzero terms", "median", "avg nonzero after quantization (scale 100)", "texts/s");
        table.AddRow("documents", docs.Length.ToString(), $"{docs.Average(v => v.Count):F1}", Median(docs).ToString(),
            $"{docs.Average(v => indexing.ToTermFrequencies(v).Count):F1}", $"{docs.Length / docSeconds:F1}");
        table.AddRow($"queries ({settings.Split})", qs.Length.ToString(), $"{qs.Average(v => v.Count):F1}", Median(qs).ToString(), "-", $"{qs.Length / querySeconds:F1}");
        AnsiConsole.MarkupLineInterpolated($"Model: {encoder.Config.Description ?? encoder.Files.Folder}; {Environment.ProcessorCount} cores, one ONNX thread per batch.");
        AnsiConsole.Write(table);
        return 0;
    }

    private static int Median(SparseVector[] vectors)
    {
        var counts = vectors.Select(v => v.Count).Order().ToArray();
        return counts.Length == 0 ? 0 : counts[counts.Length / 2];
    }

    private static SparseVector[] EncodeParallel(SpladeEncoder encoder, string[] texts, string what) =>
        EncodingProgress.Documents(encoder, texts, what).Vectors.ToArray();
}
