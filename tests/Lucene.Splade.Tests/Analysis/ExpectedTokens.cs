using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

/// <summary>
/// The tokens a SPLADE stream should emit for a vector, worked out from the documented rules rather than from the
/// code under test (<see cref="ReferenceIndexing"/>): ascending ids, special tokens skipped, each term <c>tf</c> times
/// with position increment 1 then 0.
/// </summary>
internal static class ExpectedTokens
{
    public static List<TokenRecord> For(SparseVector vector, Vocabulary vocabulary, SpladeIndexingOptions options, int startOffset, int endOffset)
    {
        var tokens = new List<TokenRecord>();
        foreach (var (id, tf) in TermFrequencies(vector, vocabulary, options))
        {
            for (var n = 0; n < tf; n++)
            {
                tokens.Add(new TokenRecord(vocabulary[id], n == 0 ? 1 : 0, startOffset, endOffset));
            }
        }

        return tokens;
    }

    /// <summary>(term id, frequency) in ascending id order, for terms that reach the index.</summary>
    public static IEnumerable<(int Id, int Tf)> TermFrequencies(SparseVector vector, Vocabulary vocabulary, SpladeIndexingOptions options) =>
        ReferenceIndexing.TermFrequencies(vector, vocabulary, options.Pruning, options.Quantizer.Scale, options.Quantizer.MaxFrequency);

    /// <summary>The same tokens with offsets dropped, for comparing paths whose offsets legitimately differ.</summary>
    public static List<(string Term, int PositionIncrement)> WithoutOffsets(IEnumerable<TokenRecord> tokens) =>
        tokens.Select(t => (t.Term, t.PositionIncrement)).ToList();

    public static FakeSparseEncoder FixedEncoder(Vocabulary vocabulary, SparseVector vector) => new(vocabulary, _ => vector);
}
