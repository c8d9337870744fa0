namespace Lucene.Splade.Engines;

/// <summary>One term of a document or query vector and its float weight.</summary>
/// <param name="Term">The vocabulary's own term (for example <c>##ing</c> or <c>.</c>), not yet mapped to an engine key.</param>
/// <param name="Weight">The weight; documents and queries built by this library hold positive, finite weights.</param>
public readonly record struct TermWeight(string Term, float Weight);
