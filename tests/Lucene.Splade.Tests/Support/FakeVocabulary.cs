using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Tests.Support;

/// <summary>A BERT-shaped vocabulary: special tokens first, then ordinary word pieces.</summary>
internal static class FakeVocabulary
{
    /// <summary>Ids below this are special (<c>[PAD]</c>, <c>[unusedN]</c>, <c>[UNK]</c>, <c>[CLS]</c>, <c>[SEP]</c>, <c>[MASK]</c>).</summary>
    public const int FirstTermId = 8;

    public const int ClsId = 5;

    public static Vocabulary Create(int size = 4096)
    {
        var tokens = new List<string> { "[PAD]", "[unused0]", "[unused1]", "[unused2]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };

        // Mix whole words, "##" continuations and non-ASCII text so index terms are not all plain ASCII words.
        for (var i = tokens.Count; i < size; i++)
        {
            tokens.Add((i % 3) switch
            {
                0 => $"word{i}",
                1 => $"##piece{i}",
                _ => $"mot{i}é",
            });
        }

        return Vocabulary.FromTokens(tokens, "fake test vocabulary");
    }
}
