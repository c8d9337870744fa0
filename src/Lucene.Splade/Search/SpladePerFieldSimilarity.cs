using Lucene.Net.Search.Similarities;

namespace Lucene.Splade.Search;

/// <summary>
/// <see cref="SpladeSimilarity"/> on the SPLADE fields and another similarity (BM25 by default) on the rest. Set the
/// same instance (or an equal one) on both <c>IndexWriterConfig.Similarity</c> and <c>IndexSearcher.Similarity</c>,
/// since norms are written at index time by the similarity of each field. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// BM25 is the default for the other fields, not Lucene 4.8's own default (TF-IDF, <c>DefaultSimilarity</c>):
/// like every <see cref="PerFieldSimilarityWrapper"/>, this class has one <see cref="Coord"/> and one
/// <see cref="QueryNorm"/> for all fields, and both are 1, as SPLADE scoring requires. BM25 uses neither, so its
/// scores are the same as in a BM25-only index; TF-IDF fields scored through this class lose their coord and query
/// normalization factors.
/// </remarks>
public sealed class SpladePerFieldSimilarity : PerFieldSimilarityWrapper
{
    private readonly HashSet<string> _spladeFields;

    /// <summary>Creates the per-field similarity.</summary>
    /// <param name="spladeFields">Names of the SPLADE fields (ordinal comparison).</param>
    /// <param name="otherFields">Similarity for every other field; a new <see cref="BM25Similarity"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="spladeFields"/> or one of its items is null.</exception>
    public SpladePerFieldSimilarity(IEnumerable<string> spladeFields, Similarity? otherFields = null)
    {
        ArgumentNullException.ThrowIfNull(spladeFields);
        _spladeFields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in spladeFields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(spladeFields));
            _spladeFields.Add(field);
        }

        OtherFields = otherFields ?? new BM25Similarity();
    }

    /// <summary>The SPLADE fields.</summary>
    public IReadOnlyCollection<string> SpladeFields => _spladeFields;

    /// <summary>The similarity of every field that is not a SPLADE field.</summary>
    public Similarity OtherFields { get; }

    /// <summary>1 for every query (see the remarks on the class).</summary>
    public override float Coord(int overlap, int maxOverlap) => 1f;

    /// <summary>1 for every query (see the remarks on the class).</summary>
    public override float QueryNorm(float valueForNormalization) => 1f;

    /// <summary><see cref="SpladeSimilarity.Instance"/> for a SPLADE field, otherwise <see cref="OtherFields"/>.</summary>
    public override Similarity Get(string name) =>
        name is not null && _spladeFields.Contains(name) ? SpladeSimilarity.Instance : OtherFields;
}
