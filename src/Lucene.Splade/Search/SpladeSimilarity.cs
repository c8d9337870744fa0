using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace Lucene.Splade.Search;

/// <summary>
/// Scores SPLADE fields with the dot product of query and document weights: a matching term contributes
/// <c>query weight x tf</c>, where the query weight is the term query's boost times any enclosing boost and
/// <c>tf</c> the quantized document weight. No idf, no length norms, no coord, no query normalization.
/// </summary>
/// <remarks>
/// <para>
/// Since <c>tf = round(weight x scale)</c> (<see cref="Vectors.TermFrequencyQuantizer"/>), a score is
/// <c>scale x dot(query, dequantized document)</c>: the exact dot product up to one constant factor per index, so
/// rankings equal those of the dequantized dot product.
/// </para>
/// <para>
/// Exactness: a frequency reaches the scorer as a float, which holds every integer up to 2^24 (16,777,216)
/// exactly; quantized frequencies stay far below that (<see cref="Vectors.TermFrequencyQuantizer.MaxFrequency"/>,
/// 10,000 by default), so each matching term contributes the correctly rounded float product of its query weight
/// and its exact frequency, and Lucene returns the document's sum of contributions as a float. A score therefore
/// equals the double-precision dot product to float precision (a relative error of a few 1e-7). When the query
/// weights are multiples of a power of two (such as 1/8) and every product and sum, counted in those units, stays
/// below 2^24, each step is exact: equal dot products give equal scores, and ties fall to the lower doc id.
/// </para>
/// <para>
/// Use it for SPLADE fields only (see <see cref="ForFields"/>), on both <c>IndexWriterConfig.Similarity</c> and
/// <c>IndexSearcher.Similarity</c>. Stateless and thread-safe.
/// </para>
/// </remarks>
public sealed class SpladeSimilarity : Similarity
{
    /// <summary>A shared instance (the similarity has no state).</summary>
    public static SpladeSimilarity Instance { get; } = new();

    /// <summary>
    /// A per-field similarity: <see cref="SpladeSimilarity"/> on <paramref name="spladeFields"/>,
    /// <paramref name="otherFields"/> (BM25 when null) on every other field. See <see cref="SpladePerFieldSimilarity"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="spladeFields"/> or one of its items is null.</exception>
    public static SpladePerFieldSimilarity ForFields(IEnumerable<string> spladeFields, Similarity? otherFields = null) =>
        new(spladeFields, otherFields);

    /// <summary>1: a query's score is the sum of its terms' contributions, whatever share of them matches.</summary>
    public override float Coord(int overlap, int maxOverlap) => 1f;

    /// <summary>1: query weights are used as given, so scores of one index stay comparable across queries.</summary>
    public override float QueryNorm(float valueForNormalization) => 1f;

    /// <summary>0: SPLADE scores do not depend on document length (SPLADE fields omit norms anyway).</summary>
    public override long ComputeNorm(FieldInvertState state) => 0;

    /// <summary>The term's query weight is <paramref name="queryBoost"/>; collection statistics are not used (no idf).</summary>
    public override SimWeight ComputeWeight(float queryBoost, CollectionStatistics collectionStats, params TermStatistics[] termStats) =>
        new SpladeSimWeight(queryBoost);

    /// <inheritdoc />
    public override SimScorer GetSimScorer(SimWeight weight, AtomicReaderContext context)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight is not SpladeSimWeight spladeWeight)
        {
            throw new ArgumentException($"Expected a weight made by {nameof(SpladeSimilarity)}, got {weight.GetType().Name}.", nameof(weight));
        }

        return new SpladeSimScorer(spladeWeight.Value);
    }

    /// <summary>The query weight of one term: its boost times the boosts of the queries around it.</summary>
    private sealed class SpladeSimWeight : SimWeight
    {
        private readonly float _queryBoost;

        public SpladeSimWeight(float queryBoost)
        {
            _queryBoost = queryBoost;
            Value = queryBoost;
        }

        public float Value { get; private set; }

        // The square of the weight, as elsewhere in Lucene; it only feeds QueryNorm, which this similarity ignores.
        public override float GetValueForNormalization() => _queryBoost * _queryBoost;

        // queryNorm is ignored so that weights stay the model's; enclosing boosts still scale the query.
        public override void Normalize(float queryNorm, float topLevelBoost) => Value = _queryBoost * topLevelBoost;
    }

    private sealed class SpladeSimScorer : SimScorer
    {
        private readonly float _weight;

        public SpladeSimScorer(float weight) => _weight = weight;

        public override float Score(int doc, float freq) => _weight * freq;

        // SPLADE fields hold no positions; sloppy matches, if ever scored, are damped as in Lucene's other models.
        public override float ComputeSlopFactor(int distance) => 1f / (distance + 1);

        public override float ComputePayloadFactor(int doc, int start, int end, BytesRef payload) => 1f;

        public override Explanation Explain(int doc, Explanation freq)
        {
            var result = new Explanation(Score(doc, freq.Value), $"score(doc={doc},freq={freq.Value}), query weight x tf, product of:");
            result.AddDetail(new Explanation(_weight, "query weight"));
            result.AddDetail(freq);
            return result;
        }
    }
}
