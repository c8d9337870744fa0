using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Eval.Reporting;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>Settings of a sweep: a run's settings, the setting swept and its values.</summary>
internal sealed class SweepSettings : RunSettings
{
    public static readonly string[] Parameters = ["query-top-k", "query-mass", "query-min-weight", "query-min-ratio", "doc-top-k", "doc-mass", "doc-min-weight", "doc-min-ratio", "scale"];

    [CommandOption("--param <NAME>")]
    [Description("The setting swept: query-top-k, query-mass, query-min-weight, query-min-ratio, doc-top-k, doc-mass, doc-min-weight, doc-min-ratio or scale.")]
    public string Parameter { get; init; } = "";

    [CommandOption("--values <LIST>")]
    [Description("Comma list of values; 'none' (or 'all') leaves the setting off.")]
    public string Values { get; init; } = "";

    [CommandOption("--plot-x <AXIS>")]
    [Description("Plot x axis: latency (SPLADE p50 search ms), size (SPLADE index MiB) or auto (size for doc-* and scale, else latency).")]
    [DefaultValue("auto")]
    public string XAxis { get; init; } = "auto";

    public override ValidationResult Validate()
    {
        var basic = base.Validate();
        if (!basic.Successful)
        {
            return basic;
        }

        if (!Parameters.Contains(Parameter))
        {
            return ValidationResult.Error($"--param must be one of {string.Join(", ", Parameters)}.");
        }

        if (XAxis is not ("auto" or "latency" or "size"))
        {
            return ValidationResult.Error("--plot-x must be auto, latency or size.");
        }

        try
        {
            return ParseValues().Count == 0 ? ValidationResult.Error("--values is empty.") : ValidationResult.Success();
        }
        catch (FormatException e)
        {
            return ValidationResult.Error(e.Message);
        }
    }

    public IReadOnlyList<double?> ParseValues() =>
        Values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => v is "none" or "all" ? (double?)null
                : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : throw new FormatException($"'{v}' is not a number."))
            .ToArray();

    /// <summary>The SPLADE index shared by the sweep's points (rebuilt only when document settings change).</summary>
    public string IndexFolder => Path.GetFullPath(Path.Combine(SweepOutput, "index-splade"));

    public string SweepOutput => Output ?? Path.Combine("artifacts", "eval", $"{DatasetName}-sweep-{Parameter}");

    public bool PlotsSize => XAxis == "size" || (XAxis == "auto" && (Parameter.StartsWith("doc-", StringComparison.Ordinal) || Parameter == "scale"));

    /// <summary>The run options with the swept setting at <paramref name="value"/>; SPLADE only, no live encoding timings.</summary>
    public ExperimentOptions OptionsFor(double? value)
    {
        var o = ToOptions() with { Runs = RunKinds.Splade, TimingDocuments = 0, TimingQueries = 0, SpladeIndexFolder = IndexFolder };
        int? k = value is { } v ? (int)v : null;
        float? f = value is { } w ? (float)w : null;
        return Parameter switch
        {
            "query-top-k" => o with { QueryPruning = o.QueryPruning with { TopK = k } },
            "query-mass" => o with { QueryPruning = o.QueryPruning with { MassFraction = value } },
            "query-min-weight" => o with { QueryPruning = o.QueryPruning with { MinWeight = f } },
            "query-min-ratio" => o with { QueryPruning = o.QueryPruning with { MinRatioToMax = value } },
            "doc-top-k" => o with { DocumentPruning = o.DocumentPruning with { TopK = k } },
            "doc-mass" => o with { DocumentPruning = o.DocumentPruning with { MassFraction = value } },
            "doc-min-weight" => o with { DocumentPruning = o.DocumentPruning with { MinWeight = f } },
            "doc-min-ratio" => o with { DocumentPruning = o.DocumentPruning with { MinRatioToMax = value } },
            "scale" => o with { QuantizationScale = f ?? TermFrequencyQuantizer.DefaultScale },
            _ => throw new InvalidOperationException(Parameter),
        };
    }
}

/// <summary>One point of a sweep.</summary>
internal sealed record SweepPoint(string Value, MetricSet Metrics, double SpladeP50Ms, double SpladeP95Ms, double SpladeQps, long SpladeIndexBytes, double DocumentTermsIndexed, double QueryTermsUsed);

/// <summary>A sweep's outcome: the points, the BM25 reference and the settings.</summary>
internal sealed record SweepReport(string Parameter, string Dataset, string Split, string? Commit, ModelInfo? Model, ExperimentSettingsInfo BaseOptions, IReadOnlyList<SweepPoint> Points, SweepPoint? Bm25);

/// <summary>Runs SPLADE over a list of values of one setting and writes a table, JSON and a PNG plot.</summary>
internal sealed class SweepCommand : Command<SweepSettings>
{
    public override int Execute(CommandContext context, SweepSettings settings, CancellationToken cancellationToken)
    {
        using var model = settings.ResolveModel();
        var cache = settings.OpenCache();
        var output = settings.SweepOutput;
        var points = new List<SweepPoint>();
        Report? last = null;
        foreach (var value in settings.ParseValues())
        {
            var label = value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "none";
            AnsiConsole.MarkupLineInterpolated($"[bold]{settings.Parameter} = {label}[/]");
            var folder = Path.Combine(output, $"{settings.Parameter}-{label}");
            var report = new Experiment(settings.Dataset, model, cache, folder, m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]")) { Progress = !settings.NoProgress }
                .Run(settings.OptionsFor(value));
            ReportWriter.Write(report, folder);
            points.Add(ToPoint(label, report, "splade"));
            last = report;
        }

        if (!settings.KeepIndexes && Directory.Exists(settings.IndexFolder))
        {
            Directory.Delete(settings.IndexFolder, recursive: true);
            File.Delete(settings.IndexFolder + ".built");
        }

        AnsiConsole.MarkupLine("[bold]BM25 reference[/]");
        var bm25Report = new Experiment(settings.Dataset, null, cache, Path.Combine(output, "bm25")) { Progress = false }
            .Run(settings.ToOptions() with { Runs = RunKinds.Bm25, TimingDocuments = 0, TimingQueries = 0 });
        var bm25 = ToPoint("bm25", bm25Report, "bm25");

        var sweep = new SweepReport(settings.Parameter, settings.DatasetName, settings.Split, last?.Commit, last?.Model, Experiment.Settings(settings.ToOptions()), points, bm25);
        File.WriteAllText(Path.Combine(output, "sweep.json"), JsonSerializer.Serialize(sweep, ReportWriter.Json));
        var markdown = SweepMarkdown(sweep);
        File.WriteAllText(Path.Combine(output, "sweep.md"), markdown);
        var png = Path.Combine(output, "sweep.png");
        SweepPlot.Save(sweep, settings.PlotsSize, png);
        Console.WriteLine(markdown);
        AnsiConsole.MarkupLineInterpolated($"Wrote {Path.Combine(output, "sweep.md")}, sweep.json and {png}.");
        return 0;
    }

    private static SweepPoint ToPoint(string label, Report report, string runName)
    {
        var run = report.Runs.First(r => r.Name == runName);
        var e = report.Efficiency;
        var search = runName == "bm25" ? e.Bm25Search! : e.SpladeSearch!;
        var size = runName == "bm25" ? e.Bm25Index!.SizeBytes : e.SpladeIndex!.SizeBytes;
        return new SweepPoint(label, run.Metrics, search.P50Ms, search.P95Ms, search.QueriesPerSecond, size, e.Sparsity?.DocumentTermsIndexed ?? double.NaN, e.Sparsity?.QueryTermsUsed ?? double.NaN);
    }

    public static string SweepMarkdown(SweepReport sweep)
    {
        var s = new StringBuilder();
        s.AppendLine($"# Sweep of {sweep.Parameter} on {sweep.Dataset} ({sweep.Split})");
        s.AppendLine();
        s.AppendLine($"Model: {sweep.Model?.Description.TrimEnd('.') ?? "-"}{(sweep.Model is { } model ? $"; queries {model.QueryEncoderText}" : "")}. Commit {sweep.Commit ?? "unknown"}. Other settings: documents pruning {sweep.BaseOptions.DocumentPruning}, scale {sweep.BaseOptions.QuantizationScale}, queries pruning {sweep.BaseOptions.QueryPruning}.");
        s.AppendLine();
        s.AppendLine($"| {sweep.Parameter} | nDCG@10 | RR@10 | R@100 | R@1000 | p50 ms | p95 ms | QPS | index | doc terms | query terms |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in sweep.Points.Append(sweep.Bm25).OfType<SweepPoint>())
        {
            var m = p.Metrics;
            s.AppendLine($"| {p.Value} | {ReportWriter.F(m.Ndcg10)} | {ReportWriter.F(m.RecipRank10)} | {ReportWriter.F(m.Recall100)} | {ReportWriter.F(m.Recall1000)} | " +
                         $"{ReportWriter.F(p.SpladeP50Ms, "0.00")} | {ReportWriter.F(p.SpladeP95Ms, "0.00")} | {ReportWriter.F(p.SpladeQps, "0")} | {ReportWriter.Mib(p.SpladeIndexBytes)} | " +
                         $"{ReportWriter.F(p.DocumentTermsIndexed, "0.0")} | {ReportWriter.F(p.QueryTermsUsed, "0.0")} |");
        }

        return s.ToString();
    }
}
