namespace Lucene.Splade.Engines;

/// <summary>One hit of a search: the document id and its score (the dot product of query and document weights).</summary>
/// <param name="Id">The document id (<c>_id</c>).</param>
/// <param name="Score">The engine's score (<c>_score</c>).</param>
public sealed record EngineSearchHit(string Id, double Score);
