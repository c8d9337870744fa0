using System.Text;
using Lucene.Splade.Embedded;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Tests.Tokenization;

/// <summary>Vocabularies and oracle tokenizers shared by the tokenization tests.</summary>
internal static class TokenizerFixtures
{
    private static readonly Lazy<byte[]> MiniLmVocabularyBytes = new(() =>
        File.ReadAllBytes(Path.Combine(EmbeddedSpladeModel.FolderPath, SpladeModelFolder.VocabularyFileName)));

    /// <summary>
    /// The uncased MiniLM vocabulary file (30,522 tokens) of the embedded model's folder, which the test project's
    /// build places beside the tests.
    /// </summary>
    public static byte[] MiniLmVocabularyFile => MiniLmVocabularyBytes.Value;

    /// <summary>The uncased MiniLM vocabulary.</summary>
    public static Vocabulary MiniLmVocabulary => Vocabulary.Load(new MemoryStream(MiniLmVocabularyFile), "embedded model vocab.txt");

    /// <summary>
    /// FastBertTokenizer over the MiniLM vocabulary, uncased: the oracle for Hugging Face's <c>BertTokenizerFast</c>
    /// of bert-base-uncased-style models. Not thread-safe; one per test.
    /// </summary>
    public static FastBertTokenizer.BertTokenizer CreateUncasedOracle()
    {
        var oracle = new FastBertTokenizer.BertTokenizer();
        using var reader = new StreamReader(new MemoryStream(MiniLmVocabularyFile), Encoding.UTF8);
        oracle.LoadVocabulary(reader, convertInputToLowercase: true);
        return oracle;
    }

    /// <summary>The oracle's ids for <paramref name="text"/>, at most <paramref name="maxLength"/> of them, as ints.</summary>
    /// <remarks>
    /// Uses the span overload: in 1.2.6 the <c>Encode(string, int)</c> overload returns a slice of a reused internal
    /// buffer whose length can come from an earlier call with a larger maximum (it returned 17 ids for a maximum of 16).
    /// </remarks>
    public static int[] OracleEncode(FastBertTokenizer.BertTokenizer oracle, string text, int maxLength)
    {
        var inputIds = new long[maxLength];
        var attentionMask = new long[maxLength];
        var written = oracle.Encode(text, inputIds, attentionMask);
        return inputIds.Take(written).Select(id => checked((int)id)).ToArray();
    }

    /// <summary>
    /// A small cased vocabulary written by hand: special tokens, a few cased words, accented forms, punctuation and
    /// continuations, enough to check casing, accent handling and WordPiece splitting without the uncased vocabulary.
    /// </summary>
    public static Vocabulary CasedVocabulary { get; } = Vocabulary.FromTokens(
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", // 0-4
        "Hello", "hello", "World", "world", "Café", // 5-9
        "Cafe", "café", "cafe", "!", ",", // 10-14
        ".", "$", "<", ">", "=", // 15-19
        "un", "##aff", "##able", "New", "York", // 20-24
        "Ä", "A", "a", "##b", "b", // 25-29
        "Σ", "σ", "##ς", "##σ", "e", // 30-34
        "##\u0301", "中", "文", "_", "x", // 35-39
        "##α", "\U0001D4B3", "##\U0001D4B3", // 40-42
    ], "hand-made cased vocabulary");
}
