using Lucene.Splade.Corpora;
using System.ComponentModel;
using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Eval.Reporting;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>Settings of an evaluation run (also the base of a sweep).</summary>
internal class RunSettings : DatasetSettings
{
    [CommandOption("--split <SPLIT>")]
    [Description("The qrels split evaluated.")]
    [DefaultValue("test")]
    public string Split { get; init; } = "test";

    [CommandOption("--tune-split <SPLIT>")]
    [Description("Split the hybrid weights are tuned on: a name, or 'none'. Default: dev, else train, when present (never the evaluated split).")]
    public string? TuneSplit { get; init; }

    [CommandOption("--runs <LIST>")]
    [Description("Runs to make: all, or a comma list of bm25, splade, hybrid (hybrid implies both).")]
    [DefaultValue("all")]
    public string Runs { get; init; } = "all";

    [CommandOption("--bm25-lengths <ENCODING>")]
    [Description("BM25 document lengths: lucene48 (BM25Similarity of Lucene.NET 4.8) or byte4 (Lucene 8+ encoding, as Anserini; a diagnostic).")]
    [DefaultValue("lucene48")]
    public string Bm25Lengths { get; init; } = "lucene48";

    [CommandOption("--depth <N>")]
    [Description("Documents retrieved per query.")]
    [DefaultValue(1000)]
    public int Depth { get; init; } = 1000;

    [CommandOption("--doc-top-k <N>")]
    [Description("Keep the N heaviest terms of each document vector.")]
    public int? DocTopK { get; init; }

    [CommandOption("--doc-min-weight <W>")]
    [Description("Drop document terms below weight W.")]
    public float? DocMinWeight { get; init; }

    [CommandOption("--doc-mass <F>")]
    [Description("Keep the heaviest document terms holding fraction F of the vector's weight.")]
    public double? DocMass { get; init; }

    [CommandOption("--doc-min-ratio <R>")]
    [Description("Drop document terms below R times the vector's largest weight.")]
    public double? DocMinRatio { get; init; }

    [CommandOption("--scale <S>")]
    [Description("Quantization scale: term frequency = round(weight x S).")]
    [DefaultValue(TermFrequencyQuantizer.DefaultScale)]
    public float Scale { get; init; } = TermFrequencyQuantizer.DefaultScale;

    [CommandOption("--query-top-k <N>")]
    [Description("Keep the N heaviest terms of each query vector.")]
    public int? QueryTopK { get; init; }

    [CommandOption("--query-min-weight <W>")]
    [Description("Drop query terms below weight W.")]
    public float? QueryMinWeight { get; init; }

    [CommandOption("--query-mass <F>")]
    [Description("Keep the heaviest query terms holding fraction F of the vector's weight.")]
    public double? QueryMass { get; init; }

    [CommandOption("--query-min-ratio <R>")]
    [Description("Drop query terms below R times the vector's largest weight.")]
    public double? QueryMinRatio { get; init; }

    [CommandOption("--rrf-k <K>")]
    [Description("k of reciprocal rank fusion.")]
    [DefaultValue(60)]
    public int RrfK { get; init; } = 60;

    [CommandOption("--weight-step <STEP>")]
    [Description("Grid step of the SPLADE weight tuned for the weighted-sum hybrids.")]
    [DefaultValue(0.05)]
    public double WeightStep { get; init; } = 0.05;

    [CommandOption("--weight <W>")]
    [Description("SPLADE weight of the weighted-sum hybrids when there is no tuning split. Default: the library's HybridFusion.DefaultSpladeWeight.")]
    [DefaultValue(HybridFusion.DefaultSpladeWeight)]
    public double Weight { get; init; } = HybridFusion.DefaultSpladeWeight;

    [CommandOption("--timing-docs <N>")]
    [Description("Documents encoded live to time tokenization and the model (0: skip).")]
    [DefaultValue(200)]
    public int TimingDocs { get; init; } = 200;

    [CommandOption("--timing-queries <N>")]
    [Description("Queries encoded live, one at a time, to time query encoding (0: skip).")]
    [DefaultValue(200)]
    public int TimingQueries { get; init; } = 200;

    [CommandOption("-o|--output <FOLDER>")]
    [Description("Where the report, run files and (temporary) indexes go. Default: artifacts/eval/<dataset>.")]
    public string? Output { get; init; }

    [CommandOption("--keep-indexes")]
    [Description("Keep the index folders.")]
    public bool KeepIndexes { get; init; }

    [CommandOption("--via-anserini")]
    [Description("Index the SPLADE field from an Anserini JsonVectorCollection file written and read back (the interchange round trip; the file stays in the output folder).")]
    public bool ViaAnserini { get; init; }

    [CommandOption("--two-phase <TERMS>")]
    [Description("Search SPLADE in two phases: candidates from each query's TERMS heaviest terms, re-scored exactly from a forward index of the document vectors (built beside the SPLADE index). Default: the exhaustive query.")]
    public int? TwoPhase { get; init; }

    [CommandOption("--two-phase-candidates <N>")]
    [Description("Documents the two-phase search re-scores per query. Default: --depth.")]
    public int? TwoPhaseCandidates { get; init; }

    public override ValidationResult Validate()
    {
        var basic = base.Validate();
        if (!basic.Successful)
        {
            return basic;
        }

        try
        {
            _ = ParseRuns(Runs);
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error(e.Message);
        }

        if (!PruningOptionNames.TryCreate(() => ToOptions().DocumentPruning, "doc", out var error)
            || !PruningOptionNames.TryCreate(() => ToOptions().QueryPruning, "query", out error))
        {
            return ValidationResult.Error(error!);
        }

        if (Bm25Lengths is not ("lucene48" or "byte4"))
        {
            return ValidationResult.Error("--bm25-lengths must be lucene48 or byte4.");
        }

        if (TwoPhase is < 1 || TwoPhaseCandidates is < 1)
        {
            return ValidationResult.Error("--two-phase and --two-phase-candidates must be at least 1.");
        }

        return Depth < 1 || RrfK < 1 || WeightStep is <= 0 or > 1 || Weight is < 0 or > 1 || Scale <= 0
            ? ValidationResult.Error("--depth and --rrf-k must be positive, --weight-step in (0, 1], --weight in [0, 1], --scale > 0.")
            : ValidationResult.Success();
    }

    public string OutputFolder => Output ?? Path.Combine("artifacts", "eval", DatasetName);

    public ExperimentOptions ToOptions() => new()
    {
        Split = Split,
        TuneSplit = TuneSplit,
        Runs = ParseRuns(Runs),
        Depth = Depth,
        Bm25Lengths = Bm25Lengths == "byte4" ? Retrieval.Bm25Lengths.Byte4 : Retrieval.Bm25Lengths.Lucene48,
        DocumentPruning = new PruningOptions { TopK = DocTopK, MinWeight = DocMinWeight, MassFraction = DocMass, MinRatioToMax = DocMinRatio },
        QuantizationScale = Scale,
        QueryPruning = new PruningOptions { TopK = QueryTopK, MinWeight = QueryMinWeight, MassFraction = QueryMass, MinRatioToMax = QueryMinRatio },
        RrfK = RrfK,
        WeightStep = WeightStep,
        DefaultWeight = Weight,
        TimingDocuments = TimingDocs,
        TimingQueries = TimingQueries,
        KeepIndexes = KeepIndexes,
        ViaAnserini = ViaAnserini,
        TwoPhaseTerms = TwoPhase,
        TwoPhaseCandidates = TwoPhaseCandidates,
    };

    public static RunKinds ParseRuns(string text)
    {
        RunKinds kinds = 0;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            kinds |= part.ToLowerInvariant() switch
            {
                "all" => RunKinds.All,
                "bm25" => RunKinds.Bm25,
                "splade" => RunKinds.Splade,
                "hybrid" => RunKinds.Hybrid,
                _ => throw new ArgumentException($"Unknown run '{part}' (use bm25, splade, hybrid or all)."),
            };
        }

        return kinds == 0 ? throw new ArgumentException("--runs names no run.") : kinds;
    }
}

/// <summary>Evaluates BM25, SPLADE and their hybrids on one collection and writes the report, JSON and run files.</summary>
internal sealed class RunCommand : Command<RunSettings>
{
    public override int Execute(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        using var model = options.Runs.HasFlag(RunKinds.Splade) ? settings.ResolveModel() : null;
        var experiment = new Experiment(settings.Dataset, model, settings.OpenCache(), settings.OutputFolder, m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]"))
        {
            Progress = !settings.NoProgress,
        };
        var report = experiment.Run(options);
        var (json, md) = ReportWriter.Write(report, settings.OutputFolder);
        Console.WriteLine();
        Console.WriteLine(ReportWriter.ToMarkdown(report));
        AnsiConsole.MarkupLineInterpolated($"Wrote {md} and {json}.");
        return 0;
    }
}
