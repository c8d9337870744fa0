namespace Lucene.Splade.Sample.Searching;

/// <summary>Which field answers a query.</summary>
internal enum Engine
{
    Splade,
    Bm25,
    Both,
}

/// <summary>One result: its rank (from 1), score, id, title and a short passage of its text.</summary>
internal sealed record SearchHit(int Rank, float Score, string Id, string Title, string Snippet, int DocId);
