using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lucene.Splade.Analysis;
using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Eval.Scale;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>Settings of <c>scale-fit</c>.</summary>
internal sealed class ScaleFitSettings : DatasetSettings
{
    [CommandOption("--split <SPLIT>")]
    [Description("The qrels split whose judged queries are kept as the benchmark's query vectors.")]
    [DefaultValue("test")]
    public string Split { get; init; } = "test";

    [CommandOption("--scale <SCALE>")]
    [Description("The quantization scale of the indexed term frequencies (default: the library's).")]
    public float? Scale { get; init; }

    [CommandOption("-o|--output <FILE>")]
    [Description("The statistics file to write (JSON).")]
    public string Output { get; init; } = "scale-statistics.json";
}

/// <summary>
/// Fits the scale benchmark's corpus generator to a collection: its document vectors as the index holds them (default
/// indexing options) and its judged query vectors, from the harness's vector cache (encoded now when absent).
/// </summary>
internal sealed class ScaleFitCommand : Command<ScaleFitSettings>
{
    public override int Execute(CommandContext context, ScaleFitSettings settings, CancellationToken cancellationToken)
    {
        var corpus = BeirCollection.ReadCorpus(settings.Dataset);
        var queries = BeirCollection.ReadJudgedQueries(settings.Dataset, settings.Split);
        using var model = settings.ResolveModel();
        var encoded = EncodedCollection.Load(settings.Dataset, corpus, queries, model, settings.OpenCache(), !settings.NoProgress);
        var indexing = settings.Scale is { } scale ? new SpladeIndexingOptions { Quantizer = new TermFrequencyQuantizer(scale) } : SpladeIndexingOptions.Default;
        var documents = encoded.Documents.Vectors.Select(indexing.ToTermFrequencies).ToArray();
        var source = $"{settings.DatasetName} corpus and {settings.Split} queries, model '{model.Description.Split(':')[0]}' (cache key {model.CacheKey}), scale {indexing.Quantizer.Scale}";
        var stats = ScaleStatistics.Fit(source, documents, encoded.Queries.Vectors);
        stats.Save(settings.Output);
        AnsiConsole.MarkupLineInterpolated($"{stats.Documents} documents ({stats.TermIds.Length} distinct terms, {stats.TermsPerDocument.Average():F1} terms/doc), {stats.Queries.Length} queries -> {settings.Output}");
        return 0;
    }
}

/// <summary>Settings of <c>scale</c>.</summary>
internal sealed class ScaleSettings : CommandSettings
{
    [CommandOption("--stats <FILE>")]
    [Description("Statistics written by scale-fit (eval/scale/ holds the committed ones).")]
    public string Stats { get; init; } = "";

    [CommandOption("--sizes <LIST>")]
    [Description("Corpus sizes, comma-separated, ascending (documents are added between sizes).")]
    [DefaultValue("100000")]
    public string Sizes { get; init; } = "100000";

    [CommandOption("--queries <N>")]
    [Description("Queries per size (the real query vectors, cycled).")]
    [DefaultValue(300)]
    public int Queries { get; init; } = 300;

    [CommandOption("--seed <N>")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    [CommandOption("-m|--model <FOLDER>")]
    [Description("The model folder whose vocabulary names the terms. Default: the embedded model.")]
    public string? Model { get; init; }

    [CommandOption("--index-folder <FOLDER>")]
    [Description("Where the two indexes are built (deleted first). Default: <output>/indexes.")]
    public string? IndexFolder { get; init; }

    [CommandOption("-o|--output <FOLDER>")]
    [DefaultValue("scale-results")]
    public string Output { get; init; } = "scale-results";

    [CommandOption("--two-phase")]
    [Description("Also store forward vectors and time two-phase search (the 20 heaviest terms, 100 candidates re-scored exactly). SPLADE indexing time then includes the forward vectors; its size leaves them out.")]
    public bool TwoPhase { get; init; }

    public override ValidationResult Validate()
    {
        if (!File.Exists(Stats))
        {
            return ValidationResult.Error($"--stats: '{Stats}' not found (write one with scale-fit, or use eval/scale/*.json)");
        }

        return ParseSizes() is null ? ValidationResult.Error("--sizes: a comma-separated list of positive document counts") : ValidationResult.Success();
    }

    public int[]? ParseSizes()
    {
        var parts = Sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sizes = parts.Select(p => int.TryParse(p.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
        return sizes.Length == 0 || sizes.Any(n => n <= 0) ? null : sizes;
    }
}

/// <summary>Runs the scale benchmark and writes scale.md, scale.json and scale.png.</summary>
internal sealed class ScaleCommand : Command<ScaleSettings>
{
    public override int Execute(CommandContext context, ScaleSettings settings, CancellationToken cancellationToken)
    {
        var stats = ScaleStatistics.Load(settings.Stats);
        var folder = settings.Model ?? Lucene.Splade.Embedded.EmbeddedSpladeModel.FolderPath;
        var vocabulary = Vocabulary.Load(Path.Combine(folder, "vocab.txt"));
        Directory.CreateDirectory(settings.Output);
        var benchmark = new ScaleBenchmark(stats, vocabulary, settings.Seed, line => AnsiConsole.WriteLine(line), settings.TwoPhase);
        var report = benchmark.Run(settings.ParseSizes()!, settings.Queries, settings.IndexFolder ?? Path.Combine(settings.Output, "indexes"));
        File.WriteAllText(Path.Combine(settings.Output, "scale.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        var markdown = Markdown(report, settings);
        File.WriteAllText(Path.Combine(settings.Output, "scale.md"), markdown);
        Plot(report, benchmark.Modes, Path.Combine(settings.Output, "scale.png"));
        AnsiConsole.Write(new Text(markdown));
        return 0;
    }

    internal static string Markdown(ScaleReport report, ScaleSettings settings)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Scale benchmark (top {ScaleBenchmark.TopHits}, one thread, warmed, modes interleaved per query)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fitted to: {report.Source}; seed {report.Seed}; {report.Queries} queries per size. Command: `splade-eval scale --stats {Path.GetFileName(settings.Stats)} --sizes {settings.Sizes} --queries {settings.Queries} --seed {settings.Seed}{(settings.TwoPhase ? " --two-phase" : "")}`.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Generated corpus: {report.Fit.GeneratedTermsPerDocument:F1} terms/doc (fitted {report.Fit.FittedTermsPerDocument:F1}); the 20 commonest terms in {report.Fit.GeneratedTop20DocumentFrequency:P1} of documents (fitted {report.Fit.FittedTop20DocumentFrequency:P1}).");
        text.AppendLine();
        text.AppendLine("| documents | mode | p50 ms | p95 ms | p99 ms | p50 / BM25 | p50 / exhaustive |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var point in report.Points)
        {
            var bm25 = point.Mode("bm25").P50;
            var exhaustive = point.Mode("splade-exhaustive").P50;
            foreach (var l in point.Latencies)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {point.Documents:N0} | {l.Mode} | {l.P50:F2} | {l.P95:F2} | {l.P99:F2} | {l.P50 / bm25:F1}x | {l.P50 / exhaustive:F2} |");
            }
        }

        text.AppendLine();
        text.AppendLine("| documents | segments | MaxScore top 10 identical | MaxScore scored / matches | top-20 terms: overlap with exact top 10 | SPLADE index MiB | BM25 index MiB | SPLADE / BM25 size | indexing docs/s SPLADE | BM25 | ratio | SPLADE tokens/doc |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in report.Points)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Documents:N0} | {p.Segments} | {p.IdenticalTop10}/{p.Queries} | {p.ScoredShare:P1} | {p.Top20Overlap:P1}{(p.TwoPhaseOverlap is { } two ? $" (two phases: {two:P1})" : "")} | {p.SpladeIndexBytes / 1048576.0:F0} | {p.Bm25IndexBytes / 1048576.0:F0} | {p.SpladeIndexBytes / (double)p.Bm25IndexBytes:F2} | {p.SpladeIndexDocsPerSecond:F0} | {p.Bm25IndexDocsPerSecond:F0} | {p.SpladeIndexDocsPerSecond / p.Bm25IndexDocsPerSecond:F2} | {p.SpladeTokensPerDocument:F0} |");
        }

        return text.ToString();
    }

    private static void Plot(ScaleReport report, IReadOnlyList<string> modes, string path)
    {
        var plot = new ScottPlot.Plot();
        var xs = report.Points.Select(p => (double)p.Documents).ToArray();
        foreach (var mode in modes)
        {
            var line = plot.Add.Scatter(xs, report.Points.Select(p => p.Mode(mode).P50).ToArray());
            line.LegendText = mode;
        }

        plot.Title($"Top-{ScaleBenchmark.TopHits} latency p50 against corpus size (one thread)");
        plot.XLabel("documents");
        plot.YLabel("p50 latency (ms)");
        plot.ShowLegend();
        plot.SavePng(path, 900, 600);
    }
}
