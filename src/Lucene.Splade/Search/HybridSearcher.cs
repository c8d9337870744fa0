using Lucene.Net.Search;

namespace Lucene.Splade.Search;

/// <summary>A hit of a hybrid search: the Lucene document, its fused score, and its BM25 and SPLADE scores and ranks.</summary>
/// <remarks>
/// <see cref="ScoreDoc.Score"/> holds the fused score as a float (for code that reads any <see cref="TopDocs"/>);
/// <see cref="FusedScore"/> holds it exactly.
/// </remarks>
public sealed class HybridScoreDoc : ScoreDoc
{
    /// <summary>Creates a hit.</summary>
    /// <param name="doc">The Lucene document id.</param>
    /// <param name="fusedScore">The fused score.</param>
    /// <param name="bm25">The BM25 score and rank, or null when BM25 did not return the document.</param>
    /// <param name="splade">The SPLADE score and rank, or null when SPLADE did not return the document.</param>
    public HybridScoreDoc(int doc, double fusedScore, HybridComponent? bm25, HybridComponent? splade)
        : base(doc, (float)fusedScore)
    {
        FusedScore = fusedScore;
        Bm25 = bm25;
        Splade = splade;
    }

    /// <summary>The fused score, exactly.</summary>
    public double FusedScore { get; }

    /// <summary>The document's BM25 score and rank (from 1), or null when it was not in the BM25 results.</summary>
    public HybridComponent? Bm25 { get; }

    /// <summary>The document's SPLADE score and rank (from 1), or null when it was not in the SPLADE results.</summary>
    public HybridComponent? Splade { get; }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"doc={Doc} fused={FusedScore:G6} bm25={(Bm25 is { } b ? $"{b.Score:G6}@{b.Rank}" : "-")} splade={(Splade is { } s ? $"{s.Score:G6}@{s.Rank}" : "-")}");
}

/// <summary>The results of a hybrid search, best first.</summary>
public sealed class HybridTopDocs : TopDocs
{
    /// <summary>Creates the results.</summary>
    /// <param name="candidates">How many distinct documents the two searches returned together.</param>
    /// <param name="hits">The fused hits, best first.</param>
    public HybridTopDocs(int candidates, HybridScoreDoc[] hits)
        : base(candidates, hits, hits.Length == 0 ? float.NaN : hits[0].Score)
    {
        Hits = hits;
    }

    /// <summary>The hits with their fused and component scores and ranks (the same objects as <see cref="TopDocs.ScoreDocs"/>).</summary>
    public IReadOnlyList<HybridScoreDoc> Hits { get; }
}

/// <summary>
/// Searches one index that holds a BM25 field and a SPLADE field over the same documents with both, and fuses the two
/// result lists (<see cref="HybridFusion"/>). Thread-safe, like the <see cref="IndexSearcher"/> it wraps; its
/// settings are fixed once created.
/// </summary>
/// <remarks>
/// Each side retrieves its top <see cref="Depth"/> documents (with the optional <see cref="Filter"/>), the two lists are
/// fused, and the best <c>n</c> are returned with both component scores and ranks, so a caller can explain any hit.
/// Ties in the fused score go to the lower Lucene document id, as Lucene's own collectors break ties. Set the
/// searcher's similarity to <see cref="SpladeSimilarity.ForFields"/> (BM25 on the BM25 field, the dot product on the
/// SPLADE field), as for any SPLADE search.
/// </remarks>
public sealed class HybridSearcher
{
    /// <summary>The depth per side when none is set: 100.</summary>
    public const int DefaultDepth = 100;

    private readonly IndexSearcher _searcher;
    private readonly Bm25QueryBuilder? _bm25;
    private readonly SpladeQueryBuilder? _splade;

    /// <summary>Creates a hybrid searcher that builds both queries from the query text.</summary>
    /// <param name="searcher">The searcher of the index that holds both fields.</param>
    /// <param name="bm25">Builds the BM25 query (its field and analyzer).</param>
    /// <param name="splade">Builds the SPLADE query; it needs a query encoder for <see cref="Search(string, int)"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public HybridSearcher(IndexSearcher searcher, Bm25QueryBuilder bm25, SpladeQueryBuilder splade)
        : this(searcher)
    {
        ArgumentNullException.ThrowIfNull(bm25);
        ArgumentNullException.ThrowIfNull(splade);
        _bm25 = bm25;
        _splade = splade;
    }

    /// <summary>Creates a hybrid searcher for queries built by the caller (<see cref="Search(Query, Query, Filter?, int)"/>).</summary>
    /// <param name="searcher">The searcher of the index that holds both fields.</param>
    /// <exception cref="ArgumentNullException"><paramref name="searcher"/> is null.</exception>
    public HybridSearcher(IndexSearcher searcher)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        _searcher = searcher;
    }

    /// <summary>How the two lists are fused. Default: <see cref="HybridFusion.Default"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public HybridFusion Fusion
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Fusion));
    } = HybridFusion.Default;

    /// <summary>How many documents each side retrieves before fusion; at least the number of hits asked for. Default 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Depth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Depth));
            field = value;
        }
    } = DefaultDepth;

    /// <summary>The searcher both sides run on.</summary>
    public IndexSearcher IndexSearcher => _searcher;

    /// <summary>Builds both queries from <paramref name="text"/> and searches (see <see cref="Search(Query, Query, Filter?, int)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The searcher was created without query builders, or the SPLADE builder has no encoder.</exception>
    public HybridTopDocs Search(string text, int n) => Search(text, null, n);

    /// <summary>Builds both queries from <paramref name="text"/> and searches (see <see cref="Search(Query, Query, Filter?, int)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The searcher was created without query builders, or the SPLADE builder has no encoder.</exception>
    public HybridTopDocs Search(string text, Filter? filter, int n)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_bm25 is null || _splade is null)
        {
            throw new InvalidOperationException("This HybridSearcher was created without query builders; pass the two queries instead.");
        }

        return Search(_bm25.Build(text), _splade.Build(text), filter, n);
    }

    /// <summary>Runs both queries and fuses their results (see <see cref="Search(Query, Query, Filter?, int)"/>).</summary>
    /// <exception cref="ArgumentNullException">A query is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public HybridTopDocs Search(Query bm25Query, Query spladeQuery, int n) => Search(bm25Query, spladeQuery, null, n);

    /// <summary>
    /// Runs both queries for their top <see cref="Depth"/> (or <paramref name="n"/>, if larger) documents, fuses the two
    /// lists and returns the best <paramref name="n"/>.
    /// </summary>
    /// <param name="bm25Query">The query on the BM25 field.</param>
    /// <param name="spladeQuery">The query on the SPLADE field (<see cref="SpladeQueryBuilder.Build(Vectors.SparseVector)"/>).</param>
    /// <param name="filter">Restricts both sides to the documents it accepts; none when null.</param>
    /// <param name="n">How many hits to return; at least 1.</param>
    /// <exception cref="ArgumentNullException">A query is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public HybridTopDocs Search(Query bm25Query, Query spladeQuery, Filter? filter, int n)
    {
        ArgumentNullException.ThrowIfNull(bm25Query);
        ArgumentNullException.ThrowIfNull(spladeQuery);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var (bm25, splade) = SearchBothSides(bm25Query, spladeQuery, Math.Max(Depth, n), filter);
        var fused = Fusion.Fuse(bm25, splade, n);
        var hits = new HybridScoreDoc[fused.Count];
        for (var i = 0; i < hits.Length; i++)
        {
            var f = fused[i];
            hits[i] = new HybridScoreDoc(f.Key, f.Score, f.Bm25, f.Splade);
        }

        return new HybridTopDocs(bm25.Select(b => b.Key).Union(splade.Select(s => s.Key)).Count(), hits);
    }

    /// <summary>Both sides' results for <paramref name="text"/> at <see cref="Depth"/>, unfused (for tuning).</summary>
    internal ((int Key, double Score)[] Bm25, (int Key, double Score)[] Splade) SearchBothSides(string text)
    {
        if (_bm25 is null || _splade is null)
        {
            throw new InvalidOperationException("This HybridSearcher was created without query builders; pass the two queries instead.");
        }

        return SearchBothSides(_bm25.Build(text), _splade.Build(text), Depth, null);
    }

    private ((int Key, double Score)[] Bm25, (int Key, double Score)[] Splade) SearchBothSides(Query bm25Query, Query spladeQuery, int depth, Filter? filter)
    {
        // A pruning SPLADE query is exact to its TopK only: deepen it to the depth fused here.
        if (spladeQuery is SpladeQuery pruning && pruning.TopK < depth)
        {
            spladeQuery = pruning.WithTopK(depth);
        }

        return (Ranked(_searcher.Search(bm25Query, filter, depth)), Ranked(_searcher.Search(spladeQuery, filter, depth)));
    }

    private static (int Key, double Score)[] Ranked(TopDocs top) =>
        Array.ConvertAll(top.ScoreDocs, s => (s.Doc, (double)s.Score));
}
