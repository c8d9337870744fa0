using Lucene.Splade.Eval.Metrics;

namespace Lucene.Splade.Eval.Experiments;

internal sealed record DatasetInfo(string Name, string Path, int Documents, string Split, int JudgedQueries, int JudgedPairs, string? TuneSplit, int TuneQueries);

/// <summary>The model of a SPLADE run and how its queries were encoded.</summary>
/// <param name="QueryEncoder">"model" or "inference-free" (see <see cref="Caching.QueryEncoderNames"/>).</param>
/// <param name="QueryCacheKey">The key of the cached query vectors; equals <paramref name="CacheKey"/> for the model.</param>
/// <param name="QueryWeights">The inference-free query weights file; null for the model.</param>
internal sealed record ModelInfo(string Description, string Folder, bool EmbeddedDefault, string CacheKey, int MaxLength, int VocabularySize, string QueryEncoder, string QueryCacheKey, string? QueryWeights, string? DocumentWindows = null)
{
    public static ModelInfo From(Caching.ModelSource model) => new(
        model.Description, model.Files.Folder, model.IsEmbeddedDefault, model.CacheKey, model.MaxLength, model.Vocabulary.Count,
        model.QueryEncoderName, model.QueryCacheKey, model.QueryWeightsPath, model.WindowsKey.Length == 0 ? null : model.WindowsKey.TrimStart('|'));

    /// <summary>How queries were encoded, for reports.</summary>
    public string QueryEncoderText => QueryWeights is null
        ? "encoded by the model"
        : $"inference-free (weights `{System.IO.Path.GetFileName(QueryWeights)}`, query cache key {QueryCacheKey})";
}

internal sealed record MetricSet(double Ndcg10, double RecipRank10, double Recall100, double Recall1000, double Map)
{
    public static MetricSet From(MetricValues v) => new(v.Ndcg10, v.RecipRank10, v.Recall100, v.Recall1000, v.Map);
}

/// <summary>A hybrid's tuning: the setting chosen and the tuning split's nDCG@10 with it.</summary>
internal sealed record TuningInfo(string Split, string Method, double? Weight, double TuneNdcg10, IReadOnlyList<double[]>? Curve);

internal sealed record RunOutcome(string Name, MetricSet Metrics, int Queries, int QueriesWithoutResults, string? RunFile, TuningInfo? Tuning);

internal sealed record LatencyStats(int Queries, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double QueriesPerSecond)
{
    public static LatencyStats From(IReadOnlyList<double> ms)
    {
        if (ms.Count == 0)
        {
            return new LatencyStats(0, 0, 0, 0, 0, 0);
        }

        var sorted = ms.Order().ToArray();
        var total = sorted.Sum();
        return new LatencyStats(sorted.Length, total / sorted.Length, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), total > 0 ? sorted.Length / (total / 1000) : 0);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record IndexInfo(string Field, long SizeBytes, double Seconds, double DocumentsPerSecond);

/// <summary>
/// Live document encoding of a sample: the whole encoder call, and <see cref="Tokenization.WordPieceTokenizer.Encode"/>
/// alone on the same texts (the encoder does not report its internal timings, so model + pooling is the difference).
/// Indexing per document comes from the SPLADE index build.
/// </summary>
internal sealed record DocumentEncodingTiming(
    int SampleDocuments,
    double EncodeSeconds,
    double TokenizationSeconds,
    double ModelAndPoolingSeconds,
    double IndexingSeconds,
    double DocumentsPerSecondOneThread,
    double TokenizationShare,
    double ModelAndPoolingShare,
    double IndexingShare);

/// <param name="DocumentsOverMaxLength">Documents with more word pieces than the model's maximum length (truncated, or split into windows).</param>
/// <param name="ExpansionPrecision">Of each judged query's expansion weight (terms not in its own text), the share on terms its relevant documents hold (<see cref="Metrics.ExpansionPrecision"/>), averaged.</param>
internal sealed record SparsityInfo(double DocumentTermsRaw, double DocumentTermsIndexed, double DocumentPostingsPerDoc, double QueryTermsRaw, double QueryTermsUsed, double Bm25QueryTerms, int DocumentsOverMaxLength = 0, double? ExpansionPrecision = null);

internal sealed record EfficiencyInfo(
    int Cores,
    double? CachedEncodingDocumentsPerSecond,
    bool CorpusFromCache,
    DocumentEncodingTiming? DocumentEncoding,
    LatencyStats? QueryEncoding,
    LatencyStats? ShortQueryEncoding,
    IndexInfo? Bm25Index,
    IndexInfo? SpladeIndex,
    double QuantizationSeconds,
    LatencyStats? Bm25Search,
    LatencyStats? SpladeSearch,
    SparsityInfo? Sparsity,
    LatencyStats? ShortQueryEncodingQuerySession = null);

/// <summary>Everything one run measured, with every setting; serialized as the run's JSON file.</summary>
internal sealed record Report(
    string Tool,
    DateTime CreatedUtc,
    string? Commit,
    string Machine,
    DatasetInfo Dataset,
    ModelInfo? Model,
    ExperimentSettingsInfo Options,
    IReadOnlyList<RunOutcome> Runs,
    string? BestHybrid,
    EfficiencyInfo Efficiency);

internal sealed record PruningInfo(int? TopK, float? MinWeight, double? MassFraction, double? MinRatioToMax)
{
    public static PruningInfo From(Lucene.Splade.Vectors.PruningOptions p) => new(p.TopK, p.MinWeight, p.MassFraction, p.MinRatioToMax);

    public override string ToString()
    {
        var parts = new List<string>();
        Add("top-k", TopK);
        Add("min weight", MinWeight);
        Add("mass", MassFraction);
        Add("min ratio", MinRatioToMax);
        return parts.Count == 0 ? "none" : string.Join(", ", parts);

        void Add(string name, IFormattable? value)
        {
            if (value is not null)
            {
                parts.Add($"{name} {value.ToString(null, System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }
    }
}

internal sealed record ExperimentSettingsInfo(string Runs, int Depth, PruningInfo DocumentPruning, float QuantizationScale, PruningInfo QueryPruning, int RrfK, double WeightStep, double DefaultWeight, int TimingDocuments, int TimingQueries, string Bm25, int? TwoPhaseTerms = null, int? TwoPhaseCandidates = null);
