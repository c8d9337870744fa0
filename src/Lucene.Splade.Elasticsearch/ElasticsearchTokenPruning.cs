namespace Lucene.Splade.Elasticsearch;

/// <summary>
/// Elasticsearch's own token pruning of the <c>sparse_vector</c> query (its <c>pruning_config</c>): a query token is
/// left out when it is both frequent in the index (its document frequency ratio above
/// <see cref="TokensFreqRatioThreshold"/> times the average token's) and light (its weight below
/// <see cref="TokensWeightThreshold"/> times the query's heaviest). Immutable; each value is checked when set.
/// </summary>
/// <remarks>
/// This rule needs the index's statistics, so it has no equal in Lucene.Splade's <c>PruningOptions</c>, which prune a
/// vector by its own weights alone (top-k, minimum weight, mass, ratio to the maximum); those are applied before the
/// query is sent, exactly as Lucene.Splade's query builder applies them. <see cref="TokensWeightThreshold"/> looks
/// like <c>PruningOptions.MinRatioToMax</c> but only prunes tokens that are frequent too. Without this option the query
/// says <c>"prune": false</c>, so the score is the exact dot product even on indices whose mapping prunes by default
/// (8.19 and 9.1 onwards).
/// </remarks>
public sealed record ElasticsearchTokenPruning
{
    /// <summary>Elasticsearch's defaults: frequency ratio 5, weight threshold 0.4, pruned tokens left out.</summary>
    public static ElasticsearchTokenPruning Default { get; } = new();

    /// <summary>Tokens more frequent than this many times the average token may be pruned; in [1, 100]. Default 5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [1, 100].</exception>
    public double TokensFreqRatioThreshold
    {
        get;
        init => field = value is >= 1 and <= 100 ? value : throw new ArgumentOutOfRangeException(nameof(TokensFreqRatioThreshold), value, "tokens_freq_ratio_threshold must be in [1, 100].");
    } = 5;

    /// <summary>Tokens lighter than this fraction of the heaviest query token may be pruned; in [0, 1]. Default 0.4.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1].</exception>
    public double TokensWeightThreshold
    {
        get;
        init => field = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(TokensWeightThreshold), value, "tokens_weight_threshold must be in [0, 1].");
    } = 0.4;

    /// <summary>When true, the query scores only the pruned tokens (the second pass of a rescore). Default false.</summary>
    public bool OnlyScorePrunedTokens { get; init; }
}
