using Lucene.Splade.Eval.Retrieval;

namespace Lucene.Splade.Eval.Tests.Retrieval;

public sealed class Bm25Byte4SimilarityTests
{
    [Test]
    public void LengthsBelowFortyAreExact()
    {
        // 24 values are stored as they are, then 8 more exactly through the subnormal range of the 4-bit code.
        foreach (var length in Enumerable.Range(0, 32))
        {
            Assert.That(Bm25Byte4Similarity.Byte4ToInt(Bm25Byte4Similarity.IntToByte4(length)), Is.EqualTo(length));
        }
    }

    [Test]
    public void EncodingIsMonotoneAndNeverOverstates()
    {
        var previous = -1;
        foreach (var length in new[] { 32, 33, 40, 47, 48, 100, 250, 1000, 123_456, int.MaxValue })
        {
            var decoded = Bm25Byte4Similarity.Byte4ToInt(Bm25Byte4Similarity.IntToByte4(length));
            Assert.That(decoded, Is.LessThanOrEqualTo(length).And.GreaterThanOrEqualTo(previous));
            Assert.That(decoded, Is.GreaterThan(length * 0.87), "3 bits of mantissa after the leading one");
            previous = decoded;
        }

        Assert.That(Bm25Byte4Similarity.IntToByte4(int.MaxValue), Is.EqualTo((byte)255));
    }
}
