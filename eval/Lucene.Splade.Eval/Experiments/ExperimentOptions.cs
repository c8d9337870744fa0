using Lucene.Splade.Analysis;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Experiments;

/// <summary>Which runs an experiment makes.</summary>
[Flags]
internal enum RunKinds
{
    Bm25 = 1,
    Splade = 2,
    Hybrid = 4 | Bm25 | Splade,
    All = Bm25 | Splade | Hybrid,
}

/// <summary>Every setting of one evaluation run; all of it goes into the JSON report.</summary>
internal sealed record ExperimentOptions
{
    /// <summary>The qrels split evaluated.</summary>
    public string Split { get; init; } = "test";

    /// <summary>
    /// The split the hybrid weight is tuned on: null picks <c>dev</c>, else <c>train</c>, when present; "none" disables
    /// tuning. Never the evaluated split.
    /// </summary>
    public string? TuneSplit { get; init; }

    public RunKinds Runs { get; init; } = RunKinds.All;

    /// <summary>BM25's document length encoding: Lucene 4.8's (default) or Lucene 8+'s, for comparison with Anserini.</summary>
    public Retrieval.Bm25Lengths Bm25Lengths { get; init; } = Retrieval.Bm25Lengths.Lucene48;

    /// <summary>Documents retrieved per query.</summary>
    public int Depth { get; init; } = 1000;

    public PruningOptions DocumentPruning { get; init; } = PruningOptions.None;

    public float QuantizationScale { get; init; } = TermFrequencyQuantizer.DefaultScale;

    public PruningOptions QueryPruning { get; init; } = PruningOptions.None;

    /// <summary>k of reciprocal rank fusion.</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>Step of the grid of SPLADE weights (0..1) tried for the weighted-sum hybrids.</summary>
    public double WeightStep { get; init; } = 0.05;

    /// <summary>SPLADE weight of the weighted-sum hybrids when no tuning split exists.</summary>
    public double DefaultWeight { get; init; } = HybridFusion.DefaultSpladeWeight;

    /// <summary>Documents encoded live (not from the cache) to time tokenization and the model; 0 skips it.</summary>
    public int TimingDocuments { get; init; } = 200;

    /// <summary>Queries encoded live one at a time to time query encoding; 0 skips it.</summary>
    public int TimingQueries { get; init; } = 200;

    /// <summary>Write TREC run files.</summary>
    public bool WriteRunFiles { get; init; } = true;

    /// <summary>
    /// A SPLADE index folder kept across runs: reused when it was built from the same vectors with the same pruning and
    /// quantization (sweeps of query settings index once). Null: a fresh folder under the output.
    /// </summary>
    public string? SpladeIndexFolder { get; init; }

    /// <summary>Keep the index folders after the run.</summary>
    public bool KeepIndexes { get; init; }

    /// <summary>
    /// Index the SPLADE field from an Anserini JsonVectorCollection file written from the quantized vectors and read
    /// back (the interchange round trip), instead of from the vectors directly.
    /// </summary>
    public bool ViaAnserini { get; init; }

    /// <summary>
    /// Search SPLADE in two phases (<see cref="Lucene.Splade.Search.TwoPhaseSpladeSearch"/>): candidates from this many
    /// of each query's heaviest terms, re-scored exactly (at the index's quantization) from a forward index built beside
    /// the SPLADE index. Null: the exhaustive query.
    /// </summary>
    public int? TwoPhaseTerms { get; init; }

    /// <summary>Candidates the two-phase search re-scores per query. Null: the run's depth.</summary>
    public int? TwoPhaseCandidates { get; init; }

    public SpladeIndexingOptions IndexingOptions => new()
    {
        Pruning = DocumentPruning,
        Quantizer = new TermFrequencyQuantizer(QuantizationScale),
    };
}
