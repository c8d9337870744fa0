using System.Globalization;

namespace Lucene.Splade.Search;

/// <summary>How a linear fusion puts the scores of one result list on a common scale.</summary>
public enum ScoreNormalization
{
    /// <summary><c>(s - min) / (max - min)</c>; when all scores are equal, 1. A document missing from the list gets 0.</summary>
    MinMax,

    /// <summary>
    /// <c>(s - mean) / sd</c> (population standard deviation); a list of equal scores gives 0. A document missing from
    /// the list gets the list's lowest normalized score.
    /// </summary>
    ZScore,
}

/// <summary>How <see cref="HybridFusion"/> combines the two result lists.</summary>
public enum FusionMethod
{
    /// <summary>Reciprocal rank fusion: <c>sum over the lists of 1 / (k + rank)</c>, rank from 1.</summary>
    ReciprocalRank,

    /// <summary><c>(1 - w) x norm(BM25) + w x norm(SPLADE)</c>, with the normalization of <see cref="HybridFusion.Normalization"/>.</summary>
    Linear,
}

/// <summary>A document's place in one of the fused lists.</summary>
/// <param name="Score">Its score in that list.</param>
/// <param name="Rank">Its rank in that list, from 1.</param>
public readonly record struct HybridComponent(double Score, int Rank);

/// <summary>A fused result: the document, its fused score, and where it stood in each list (null when absent).</summary>
/// <typeparam name="TKey">What identifies a document: a Lucene doc id, or an external id.</typeparam>
/// <param name="Key">The document.</param>
/// <param name="Score">The fused score.</param>
/// <param name="Bm25">Its BM25 score and rank, or null when the BM25 list does not hold it.</param>
/// <param name="Splade">Its SPLADE score and rank, or null when the SPLADE list does not hold it.</param>
public readonly record struct FusedResult<TKey>(TKey Key, double Score, HybridComponent? Bm25, HybridComponent? Splade);

/// <summary>
/// Combines a BM25 result list and a SPLADE result list of the same query into one ranking: reciprocal rank fusion,
/// or a weighted sum of normalized scores. Immutable, with value equality; thread-safe.
/// </summary>
/// <remarks>
/// Create one with <see cref="ReciprocalRank"/> or <see cref="Linear"/>. <see cref="Fuse{TKey}"/> works on any
/// document key, so the same code fuses Lucene hits (<see cref="HybridSearcher"/>) and runs read from files; it is
/// exact and deterministic: ties in the fused score are broken by the key (ascending unless a comparer says
/// otherwise).
/// </remarks>
public sealed record HybridFusion
{
    /// <summary>RRF's constant k when none is given, 60 (Cormack et al.).</summary>
    public const int DefaultRrfK = 60;

    /// <summary>The normalization of <see cref="Default"/>: min-max.</summary>
    public const ScoreNormalization DefaultNormalization = ScoreNormalization.MinMax;

    /// <summary>The SPLADE weight of <see cref="Default"/>: 0.25 (BM25 gets 0.75).</summary>
    public const double DefaultSpladeWeight = 0.25;

    /// <summary>
    /// The fusion <see cref="HybridSearcher"/> uses unless told otherwise: min-max normalized scores with SPLADE weight
    /// 0.25 (<see cref="DefaultNormalization"/>, <see cref="DefaultSpladeWeight"/>).
    /// </summary>
    /// <remarks>
    /// Chosen to do no harm, by leave-one-collection-out on the shared test collections with the embedded default model
    /// (the evaluation harness's <c>loo</c> command): the fusion with the best worst-case gain over BM25 on the other
    /// collections, for each collection in turn; chosen so, the hybrid was above BM25 on every held-out collection.
    /// Min-max at 0.25 is the choice on all five collections with the int8 default model and its default batching
    /// (z-score at 0.2 was the choice with its float predecessor). A
    /// fixed setting, not tuned on your data: <see cref="HybridTuner"/> tunes one on your own judged queries, which is
    /// worth doing where SPLADE alone is far below BM25.
    /// </remarks>
    public static HybridFusion Default { get; } = Linear(DefaultNormalization, DefaultSpladeWeight);

    private HybridFusion(FusionMethod method, int rrfK, ScoreNormalization normalization, double spladeWeight)
    {
        Method = method;
        RrfK = rrfK;
        Normalization = normalization;
        SpladeWeight = spladeWeight;
    }

    /// <summary>The fusion method.</summary>
    public FusionMethod Method { get; }

    /// <summary>RRF's k (for <see cref="FusionMethod.ReciprocalRank"/>; 0 otherwise).</summary>
    public int RrfK { get; }

    /// <summary>The normalization (for <see cref="FusionMethod.Linear"/>).</summary>
    public ScoreNormalization Normalization { get; }

    /// <summary>The weight of the SPLADE list in a linear fusion, in [0, 1]; BM25 gets <c>1 - SpladeWeight</c>.</summary>
    public double SpladeWeight { get; }

    /// <summary>A short name: <c>rrf-k60</c>, <c>minmax-w0.15</c>, <c>zscore-w0.45</c>.</summary>
    public string Name => Method == FusionMethod.ReciprocalRank
        ? string.Create(CultureInfo.InvariantCulture, $"rrf-k{RrfK}")
        : string.Create(CultureInfo.InvariantCulture, $"{(Normalization == ScoreNormalization.MinMax ? "minmax" : "zscore")}-w{SpladeWeight:0.00}");

    /// <summary>Reciprocal rank fusion: a document scores <c>1 / (k + rank)</c> in each list that holds it.</summary>
    /// <param name="k">RRF's constant; at least 1. Larger values flatten the difference between top ranks.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static HybridFusion ReciprocalRank(int k = DefaultRrfK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return new HybridFusion(FusionMethod.ReciprocalRank, k, ScoreNormalization.MinMax, 0.5);
    }

    /// <summary>A weighted sum of normalized scores: <c>(1 - w) x norm(BM25) + w x norm(SPLADE)</c>.</summary>
    /// <param name="normalization">How each list's scores are normalized.</param>
    /// <param name="spladeWeight">w, in [0, 1]: 0 is BM25 alone, 1 SPLADE alone.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="spladeWeight"/> is outside [0, 1], or the normalization is unknown.</exception>
    public static HybridFusion Linear(ScoreNormalization normalization, double spladeWeight)
    {
        if (!(spladeWeight >= 0 && spladeWeight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(spladeWeight), spladeWeight, "The SPLADE weight must be in [0, 1].");
        }

        if (!Enum.IsDefined(normalization))
        {
            throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown normalization.");
        }

        return new HybridFusion(FusionMethod.Linear, 0, normalization, spladeWeight);
    }

    /// <summary>
    /// Fuses two result lists of one query: every document of either list gets a fused score; the best
    /// <paramref name="depth"/> are returned, by fused score descending, ties by <paramref name="tieBreak"/>.
    /// </summary>
    /// <typeparam name="TKey">What identifies a document.</typeparam>
    /// <param name="bm25">The BM25 results, best first (their order gives the ranks).</param>
    /// <param name="splade">The SPLADE results, best first.</param>
    /// <param name="depth">How many fused results to return, at least 1.</param>
    /// <param name="tieBreak">Orders documents with equal fused scores; <see cref="Comparer{T}.Default"/> (ascending) when null.</param>
    /// <returns>The fused results with each document's place in both lists.</returns>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    /// <exception cref="ArgumentException">A list holds a document twice, or a score is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depth"/> is less than 1.</exception>
    public IReadOnlyList<FusedResult<TKey>> Fuse<TKey>(
        IReadOnlyList<(TKey Key, double Score)> bm25,
        IReadOnlyList<(TKey Key, double Score)> splade,
        int depth,
        IComparer<TKey>? tieBreak = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(bm25);
        ArgumentNullException.ThrowIfNull(splade);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var bm25Places = Places(bm25, nameof(bm25));
        var spladePlaces = Places(splade, nameof(splade));
        var (bm25Values, bm25Floor) = Contributions(bm25);
        var (spladeValues, spladeFloor) = Contributions(splade);

        var fused = new List<FusedResult<TKey>>(bm25.Count + splade.Count);
        foreach (var (key, place) in bm25Places)
        {
            var inSplade = spladePlaces.TryGetValue(key, out var other);
            var score = Combine(bm25Values[place.Rank - 1], inSplade ? spladeValues[other.Rank - 1] : spladeFloor);
            fused.Add(new FusedResult<TKey>(key, score, place, inSplade ? other : null));
        }

        foreach (var (key, place) in spladePlaces)
        {
            if (!bm25Places.ContainsKey(key))
            {
                fused.Add(new FusedResult<TKey>(key, Combine(bm25Floor, spladeValues[place.Rank - 1]), null, place));
            }
        }

        var keys = tieBreak ?? Comparer<TKey>.Default;
        fused.Sort((x, y) =>
        {
            var c = y.Score.CompareTo(x.Score);
            return c != 0 ? c : keys.Compare(x.Key, y.Key);
        });
        return fused.Count > depth ? fused.GetRange(0, depth) : fused;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The fused score from one document's contributions (see <see cref="Contributions"/>).</summary>
    private double Combine(double bm25, double splade) =>
        Method == FusionMethod.ReciprocalRank ? bm25 + splade : ((1 - SpladeWeight) * bm25) + (SpladeWeight * splade);

    /// <summary>
    /// What each entry of a list contributes (RRF: <c>1 / (k + rank)</c>; linear: its normalized score) and what a
    /// document missing from the list contributes.
    /// </summary>
    private (double[] Values, double Floor) Contributions<TKey>(IReadOnlyList<(TKey Key, double Score)> list)
    {
        var values = new double[list.Count];
        if (Method == FusionMethod.ReciprocalRank)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = 1.0 / (RrfK + i + 1);
            }

            return (values, 0.0);
        }

        if (values.Length == 0)
        {
            return (values, 0.0);
        }

        // Sequential sums, in list order: results do not depend on how a runtime might vectorize a sum.
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var (_, score) in list)
        {
            min = Math.Min(min, score);
            max = Math.Max(max, score);
            sum += score;
        }

        var mean = sum / list.Count;
        double squares = 0;
        foreach (var (_, score) in list)
        {
            squares += (score - mean) * (score - mean);
        }

        var sd = Math.Sqrt(squares / list.Count);
        var floor = double.PositiveInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            var score = list[i].Score;
            values[i] = Normalization == ScoreNormalization.MinMax
                ? max > min ? (score - min) / (max - min) : 1.0
                : sd > 0 ? (score - mean) / sd : 0.0;
            floor = Math.Min(floor, values[i]);
        }

        return (values, Normalization == ScoreNormalization.MinMax ? 0.0 : floor);
    }

    private static Dictionary<TKey, HybridComponent> Places<TKey>(IReadOnlyList<(TKey Key, double Score)> list, string name)
        where TKey : notnull
    {
        var places = new Dictionary<TKey, HybridComponent>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var (key, score) = list[i];
            if (double.IsNaN(score))
            {
                throw new ArgumentException($"The score of document {key} is NaN.", name);
            }

            if (!places.TryAdd(key, new HybridComponent(score, i + 1)))
            {
                throw new ArgumentException($"Document {key} appears twice in the list.", name);
            }
        }

        return places;
    }
}
