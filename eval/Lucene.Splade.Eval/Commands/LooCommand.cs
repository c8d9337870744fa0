using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Search;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>Settings of a leave-one-collection-out choice of the hybrid's fusion.</summary>
internal sealed class LooSettings : RunSettings
{
    [CommandOption("--collections <LIST>")]
    [Description("Comma list of collection folders under DATASET (at least two), e.g. scifact,nfcorpus,cranfield,medline,adi.")]
    public string Collections { get; init; } = "";

    [CommandOption("--fusion-depth <N>")]
    [Description("Results of each side that are fused, as the library's HybridSearcher.Depth.")]
    [DefaultValue(HybridSearcher.DefaultDepth)]
    public int FusionDepth { get; init; } = HybridSearcher.DefaultDepth;

    public IReadOnlyList<string> CollectionNames =>
        Collections.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override ValidationResult Validate()
    {
        var basic = base.Validate();
        if (!basic.Successful)
        {
            return basic;
        }

        if (CollectionNames.Count < 2 || CollectionNames.Distinct(StringComparer.Ordinal).Count() != CollectionNames.Count)
        {
            return ValidationResult.Error("--collections must name at least two different collections.");
        }

        if (CollectionNames.FirstOrDefault(c => !Directory.Exists(Path.Combine(Dataset, c))) is { } missing)
        {
            return ValidationResult.Error($"No collection folder '{Path.Combine(Dataset, missing)}'.");
        }

        return FusionDepth < 1
            ? ValidationResult.Error("--fusion-depth must be positive.")
            : ValidationResult.Success();
    }
}

/// <summary>
/// Runs BM25 and SPLADE on each collection's evaluated split, measures every candidate fusion on every collection, and
/// chooses a fusion by leave-one-collection-out (see <see cref="LeaveOneOut"/>); writes loo.md and loo.json.
/// </summary>
internal sealed class LooCommand : Command<LooSettings>
{
    public override int Execute(CommandContext context, LooSettings settings, CancellationToken cancellationToken)
    {
        var output = settings.Output ?? Path.Combine("artifacts", "eval", "loo");
        Directory.CreateDirectory(output);
        var options = settings.ToOptions() with { Runs = RunKinds.Bm25 | RunKinds.Splade, TimingDocuments = 0, TimingQueries = 0 };
        using var model = settings.ResolveModel();
        var cache = settings.OpenCache();
        var collections = new List<CollectionRuns>();
        foreach (var name in settings.CollectionNames)
        {
            var experiment = new Experiment(Path.Combine(settings.Dataset, name), model, cache, Path.Combine(output, name), m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]"))
            {
                Progress = !settings.NoProgress,
            };
            _ = experiment.Run(options);
            var runs = experiment.Components!;
            collections.Add(new CollectionRuns(name, runs.Bm25!, runs.Splade!, runs.Qrels));
        }

        var candidates = new HybridTuningOptions { RrfK = settings.RrfK, WeightStep = settings.WeightStep }.Candidates();
        var gains = LeaveOneOut.Measure(collections, candidates, settings.FusionDepth);
        var folds = LeaveOneOut.Folds(collections, gains);
        var (overall, rule) = LeaveOneOut.Choose(gains, settings.CollectionNames.ToArray());

        var modelName = Path.GetFileName(model.Files.Folder.TrimEnd(Path.DirectorySeparatorChar));
        var markdown = ToMarkdown(modelName, settings, folds, gains, overall, rule);
        File.WriteAllText(Path.Combine(output, "loo.md"), markdown);
        var json = JsonSerializer.Serialize(
            new
            {
                tool = "splade-eval loo",
                commit = GitInfo.Commit(),
                model = modelName,
                modelDescription = model.Description,
                modelKey = model.CacheKey,
                split = settings.Split,
                fusionDepth = settings.FusionDepth,
                folds,
                chosenOnAll = overall.Name,
                rule,
                candidates = gains.Select(g => new { fusion = g.Fusion.Name, gains = g.Gains }),
            },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        File.WriteAllText(Path.Combine(output, "loo.json"), json);
        Console.WriteLine();
        Console.WriteLine(markdown);
        AnsiConsole.MarkupLineInterpolated($"Wrote {Path.Combine(output, "loo.md")} and {Path.Combine(output, "loo.json")}.");
        return 0;
    }

    private static string ToMarkdown(string model, LooSettings settings, IReadOnlyList<LeaveOneOutFold> folds, IReadOnlyList<FusionGains> gains, HybridFusion overall, string rule)
    {
        static string F(double x) => x.ToString("0.0000", CultureInfo.InvariantCulture);
        static string G(double x) => x.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Leave-one-collection-out fusion ({model}, {settings.Split} splits, nDCG@10)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Each row's fusion is chosen on the other collections only: the best worst-case gain over BM25 on them, then the best mean gain; each side's top {settings.FusionDepth} are fused.");
        md.AppendLine();
        md.AppendLine("| held out | BM25 | SPLADE | SPLADE / BM25 | fusion chosen on the others | hybrid | hybrid - BM25 |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var f in folds)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {f.HeldOut} | {F(f.Bm25Ndcg10)} | {F(f.SpladeNdcg10)} | {f.SpladeNdcg10 / f.Bm25Ndcg10:0.00} | {f.Chosen} | {F(f.HybridNdcg10)} | {G(f.Gain)} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| mean | {F(folds.Average(f => f.Bm25Ndcg10))} | {F(folds.Average(f => f.SpladeNdcg10))} | {folds.Average(f => f.SpladeNdcg10 / f.Bm25Ndcg10):0.00} | | {F(folds.Average(f => f.HybridNdcg10))} | {G(folds.Average(f => f.Gain))} |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Chosen on all {folds.Count} collections ({rule}): **{overall.Name}**.");
        md.AppendLine();
        md.AppendLine("## Gain over BM25 of every candidate");
        md.AppendLine();
        md.AppendLine("| fusion | " + string.Join(" | ", folds.Select(f => f.HeldOut)) + " | mean | worst |");
        md.AppendLine("|---|" + string.Concat(folds.Select(_ => "---|")) + "---|---|");
        foreach (var g in gains)
        {
            var values = folds.Select(f => g.Gains[f.HeldOut]).ToArray();
            md.AppendLine(CultureInfo.InvariantCulture, $"| {g.Fusion.Name} | {string.Join(" | ", values.Select(G))} | {G(values.Average())} | {G(values.Min())} |");
        }

        return md.ToString();
    }
}
