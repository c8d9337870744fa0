using Lucene.Splade.Encoders;

namespace Lucene.Splade.Benchmarks;

/// <summary>Builds benchmark inputs of a known length in word pieces.</summary>
internal static class SamplePassages
{
    private const string Seed =
        "Sparse retrieval models expand documents with related vocabulary terms so that an ordinary inverted index can " +
        "match queries that use different words. The weights are learned by a transformer encoder and pooled over the " +
        "tokens of the passage; most of them are zero, which keeps postings short and search fast. ";

    /// <summary>A passage that tokenizes to at least <paramref name="pieces"/> word pieces, special tokens included.</summary>
    public static string OfPieces(SpladeEncoder encoder, int pieces)
    {
        var text = Seed;
        while (encoder.Tokenizer.Encode(text, int.MaxValue).Length < pieces)
        {
            text += Seed;
        }

        return text;
    }
}
