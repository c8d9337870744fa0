namespace Lucene.Splade.Engines.Tests;

/// <summary>Documents for the bulk tests: ids d0, d1, ...; each holds a term with a dot and float weights.</summary>
internal static class TestDocuments
{
    private static readonly string[] Topics = ["dog", "bread", "bike", "puppy", "oven", "tyre", "walk", "care"];

    public static EngineDocument[] Create(int count) =>
        Enumerable.Range(0, count).Select(i => new EngineDocument(
            $"d{i}",
            [new TermWeight(Topics[i % Topics.Length], 1.25f + i), new TermWeight("u.s.", 0.3f), new TermWeight("%", 0.0625f)],
            new Dictionary<string, string> { ["text"] = $"document {i} about {Topics[i % Topics.Length]}" })).ToArray();
}
