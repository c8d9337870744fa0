using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace Lucene.Splade.Eval.Retrieval;

/// <summary>
/// BM25 as Lucene 8 and later score it, for Lucene.NET 4.8: the document length is stored with
/// <see cref="IntToByte4"/> (exact below 24 terms, 4 significant bits above) instead of 4.8's one-byte float of
/// 1/sqrt(length); idf and the average length use the number of documents that have the field. Scores lack 4.8's
/// constant (k1 + 1) factor, which changes no ranking. A diagnostic: it shows how much of a gap to Anserini (which runs
/// on current Lucene) comes from 4.8's coarser length encoding. Written from Lucene's published formulas.
/// </summary>
internal sealed class Bm25Byte4Similarity : Similarity
{
    private static readonly float[] LengthTable = Enumerable.Range(0, 256).Select(i => (float)Byte4ToInt((byte)i)).ToArray();

    public Bm25Byte4Similarity(float k1, float b)
    {
        K1 = k1;
        B = b;
    }

    public float K1 { get; }

    public float B { get; }

    public override long ComputeNorm(FieldInvertState state)
    {
        var length = state.Length - state.NumOverlap; // discountOverlaps, Lucene's default
        return (sbyte)IntToByte4(length);
    }

    public override SimWeight ComputeWeight(float queryBoost, CollectionStatistics collectionStats, params TermStatistics[] termStats)
    {
        var docCount = collectionStats.DocCount == -1 ? collectionStats.MaxDoc : collectionStats.DocCount;
        var idf = termStats.Sum(t => Math.Log(1 + ((docCount - t.DocFreq + 0.5) / (t.DocFreq + 0.5))));
        var sumTotal = collectionStats.SumTotalTermFreq;
        var avgdl = sumTotal <= 0 ? 1f : (float)(sumTotal / (double)docCount);
        var cache = new float[256];
        for (var i = 0; i < cache.Length; i++)
        {
            cache[i] = K1 * ((1 - B) + (B * LengthTable[i] / avgdl));
        }

        return new Weight(collectionStats.Field, (float)idf, queryBoost, K1, cache);
    }

    public override SimScorer GetSimScorer(SimWeight weight, AtomicReaderContext context)
    {
        var w = (Weight)weight;
        return new Scorer(w, context.AtomicReader.GetNormValues(w.Field));
    }

    /// <summary>Lucene's <c>SmallFloat.intToByte4</c>: exact below 24, then 3 mantissa bits and a shift.</summary>
    public static byte IntToByte4(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        return i < NumFreeValues ? (byte)i : (byte)(NumFreeValues + LongToInt4(i - NumFreeValues));
    }

    /// <summary>Lucene's <c>SmallFloat.byte4ToInt</c>.</summary>
    public static int Byte4ToInt(byte b) => b < NumFreeValues ? b : (int)(NumFreeValues + Int4ToLong(b - NumFreeValues));

    private static readonly int NumFreeValues = 255 - LongToInt4(int.MaxValue);

    private static int LongToInt4(long i)
    {
        var numBits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)i);
        if (numBits < 4)
        {
            return (int)i;
        }

        var shift = numBits - 4;
        var encoded = (int)(i >>> shift) & 0x07;
        return encoded | ((shift + 1) << 3);
    }

    private static long Int4ToLong(int i)
    {
        long bits = i & 0x07;
        var shift = (i >>> 3) - 1;
        return shift == -1 ? bits : (bits | 0x08) << shift;
    }

    private sealed class Weight(string field, float idf, float boost, float k1, float[] cache) : SimWeight
    {
        public float K1 { get; } = k1;

        public string Field { get; } = field;

        public float[] Cache { get; } = cache;

        public float Value { get; private set; } = idf * boost;

        public override float GetValueForNormalization() => Value * Value;

        public override void Normalize(float queryNorm, float topLevelBoost) => Value = idf * boost * topLevelBoost;
    }

    private sealed class Scorer(Weight weight, NumericDocValues? norms) : SimScorer
    {
        public override float Score(int doc, float freq)
        {
            var norm = norms is null ? weight.K1 : weight.Cache[(byte)norms.Get(doc)];
            return weight.Value * freq / (freq + norm);
        }

        public override float ComputeSlopFactor(int distance) => 1f / (distance + 1);

        public override float ComputePayloadFactor(int doc, int start, int end, BytesRef payload) => 1f;
    }
}
