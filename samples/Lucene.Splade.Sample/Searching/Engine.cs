using Lucene.Splade.Search;

namespace Lucene.Splade.Sample.Searching;

/// <summary>Which field answers a query.</summary>
internal enum Engine
{
    /// <summary>BM25 and SPLADE fused into one ranking (the default).</summary>
    Hybrid,

    /// <summary>SPLADE alone.</summary>
    Splade,

    /// <summary>BM25 alone.</summary>
    Bm25,

    /// <summary>SPLADE and BM25 side by side.</summary>
    Both,
}

/// <summary>One result: its rank (from 1), score, id, title and a short passage of its text.</summary>
/// <param name="Hybrid">For a hybrid hit, its BM25 and SPLADE scores and ranks; null otherwise.</param>
internal sealed record SearchHit(int Rank, double Score, string Id, string Title, string Snippet, int DocId, HybridScoreDoc? Hybrid = null);
