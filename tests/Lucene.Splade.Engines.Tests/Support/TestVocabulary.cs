using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Engines.Tests;

/// <summary>A small WordPiece vocabulary with special tokens and terms that hold dots and percent signs.</summary>
internal static class TestVocabulary
{
    public static Vocabulary Instance { get; } = Vocabulary.FromTokens(
    [
        "[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        ".", "...", "u.s.", "%", "##.", "dog", "##s", "puppy", "care", "bread", "oven", "bike", "tyre", "walk",
    ], "test vocabulary");

    public static int Id(string term) => Instance.TryGetId(term, out var id) ? id : throw new ArgumentException(term);
}
