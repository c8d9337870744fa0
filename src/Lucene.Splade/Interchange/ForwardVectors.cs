using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Interchange;

/// <summary>
/// A forward index of SPLADE vectors: each document's vector, with its float weights, in a
/// <see cref="BinaryDocValuesField"/> beside the SPLADE field's postings. The postings hold the quantized term
/// frequencies the index scores with; the forward vector keeps the weights before quantization, so an export to an
/// engine that takes floats (Elasticsearch, OpenSearch) sends the model's weights rather than <c>tf / scale</c>, and a
/// document can be re-scored exactly without reading postings.
/// </summary>
/// <remarks>
/// <para>
/// Optional and opt-in: it costs about 5 bytes per term of each document (a 350-term document adds about 1.7 KB,
/// several times its postings), which is why the library does not write it unless asked. Store the vector the index
/// was built from after pruning (<see cref="SparseVectorPruner.Prune"/>), so both hold the same terms.
/// </para>
/// <para>
/// The value is a version byte, the term count, the weights as little-endian 32-bit floats, then the ascending term ids
/// as variable-length deltas (weights first, so a reader that walks the ids knows where each weight is without
/// decoding the whole value). Lucene.NET stores bytes; no library serializes a sparse vector into them, so the
/// small format is written here. Reading checks every field of it and reports a damaged value as
/// <see cref="InvalidDataException"/>. Stateless and thread-safe.
/// </para>
/// </remarks>
public static class ForwardVectors
{
    private const byte FormatVersion = 1;

    /// <summary>The doc-values field holding <paramref name="vector"/>'s term ids and float weights.</summary>
    /// <param name="name">The field name (not the SPLADE field's own: a doc-values field of another name, for example <c>splade_vector</c>).</param>
    /// <param name="vector">The document's vector (pruned as the index's postings were).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static BinaryDocValuesField CreateField(string name, SparseVector vector)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(vector);
        return new BinaryDocValuesField(name, new BytesRef(Encode(vector)));
    }

    /// <summary>The bytes <see cref="CreateField"/> stores for <paramref name="vector"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="vector"/> is null.</exception>
    public static byte[] Encode(SparseVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var ids = vector.TermIds;
        var buffer = new byte[1 + (5 * (ids.Length + 1)) + (4 * ids.Length)];
        var at = 0;
        buffer[at++] = FormatVersion;
        at = WriteVarInt(buffer, at, (uint)ids.Length);
        foreach (var weight in vector.Weights)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(at), weight);
            at += 4;
        }

        var previous = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            at = WriteVarInt(buffer, at, (uint)(ids[i] - previous));
            previous = ids[i];
        }

        return buffer.AsSpan(0, at).ToArray();
    }

    /// <summary>The vector stored in <paramref name="bytes"/> (an empty value is the empty vector: a document indexed without one).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a forward vector of this format.</exception>
    public static SparseVector Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return SparseVector.Empty;
        }

        var count = ReadHeader(bytes, out var at);

        var weights = new float[count];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(at + (4 * i))..]);
        }

        at += 4 * weights.Length;
        var ids = new int[count];
        long id = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            id += ReadVarInt(bytes, ref at);
            if ((i > 0 && id == ids[i - 1]) || id > int.MaxValue)
            {
                throw new InvalidDataException("Forward vector term ids are not strictly ascending: damaged value.");
            }

            ids[i] = (int)id;
            if (!(weights[i] > 0) || !float.IsFinite(weights[i]))
            {
                // Stored vectors hold positive finite weights only; SparseVector would drop the others silently.
                throw new InvalidDataException($"Forward vector weight of term {ids[i]} is {weights[i]}: damaged value.");
            }
        }

        if (at != bytes.Length)
        {
            throw new InvalidDataException($"Forward vector of {count} terms has {bytes.Length - at} bytes left over: damaged value.");
        }

        // Checked above: ids strictly ascending, weights positive and finite; the validating constructor would repeat it.
        return SparseVector.FromSortedUnchecked(ids, weights);
    }

    /// <summary>
    /// The dot product of <paramref name="query"/> with the vector stored in <paramref name="bytes"/>, read in place
    /// (no vector is built): each common term's query weight times the stored weight, or times its term frequency under
    /// <paramref name="quantizer"/> (the index's own score). Summed in float in term id order.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a forward vector of this format.</exception>
    /// <remarks>The re-scoring loop of two-phase search: compiled fully optimized from the first call, since a search
    /// makes few calls of it and tiered compilation would time its first queries unoptimized.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Dot(ReadOnlySpan<byte> bytes, SparseVector query, TermFrequencyQuantizer? quantizer)
    {
        if (bytes.IsEmpty || query.IsEmpty)
        {
            return 0f;
        }

        var count = ReadHeader(bytes, out var at);

        var weightsAt = at;
        at += 4 * (int)count;
        ReadOnlySpan<int> queryIds = query.TermIds;
        ReadOnlySpan<float> queryWeights = query.Weights;
        var q = 0;
        long id = 0;
        var score = 0f;
        for (var i = 0; i < count && q < queryIds.Length; i++)
        {
            id += ReadVarInt(bytes, ref at);
            while (q < queryIds.Length && queryIds[q] < id)
            {
                q++;
            }

            if (q < queryIds.Length && queryIds[q] == id)
            {
                var weight = BinaryPrimitives.ReadSingleLittleEndian(bytes[(weightsAt + (4 * i))..]);
                score += queryWeights[q] * (quantizer is null ? weight : quantizer.ToFrequency(weight));
                q++;
            }
        }

        return score;
    }

    /// <summary>Whether <paramref name="reader"/> has forward vectors in <paramref name="field"/> (in any segment).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool Exists(IndexReader reader, string field)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(field);
        return reader.Leaves.Any(leaf => leaf.AtomicReader.FieldInfos.FieldInfo(field)?.DocValuesType == DocValuesType.BINARY);
    }

    /// <summary>Every live document of <paramref name="reader"/> with its forward vector in <paramref name="field"/>, in doc
    /// id order (documents without one get the empty vector).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidDataException">A stored value is damaged.</exception>
    public static IEnumerable<(int Doc, SparseVector Vector)> Read(IndexReader reader, string field)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(field);
        return ReadIterator(reader, field);
    }

    private static IEnumerable<(int Doc, SparseVector Vector)> ReadIterator(IndexReader reader, string field)
    {
        var bytes = new BytesRef();
        foreach (var leaf in reader.Leaves)
        {
            var segment = leaf.AtomicReader;
            var values = segment.GetBinaryDocValues(field);
            var docsWithField = segment.GetDocsWithField(field);
            var live = segment.LiveDocs;
            for (var doc = 0; doc < segment.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc))
                {
                    continue;
                }

                var vector = SparseVector.Empty;
                if (values is not null && (docsWithField is null || docsWithField.Get(doc)))
                {
                    values.Get(doc, bytes);
                    vector = Decode(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length));
                }

                yield return (leaf.DocBase + doc, vector);
            }
        }
    }

    /// <summary>Checks the version byte and reads the term count; <paramref name="at"/> is then where the weights start.</summary>
    private static uint ReadHeader(ReadOnlySpan<byte> bytes, out int at)
    {
        if (bytes[0] != FormatVersion)
        {
            throw new InvalidDataException($"Forward vector format {bytes[0]} is not known (this library writes {FormatVersion}).");
        }

        at = 1;
        var count = ReadVarInt(bytes, ref at);
        if (count > (uint)(bytes.Length - at) / 5)
        {
            // Each term takes 4 bytes of weight and at least 1 of id.
            throw new InvalidDataException($"Forward vector of {count} terms in {bytes.Length} bytes: truncated or damaged.");
        }

        return count;
    }

    private static int WriteVarInt(byte[] buffer, int at, uint value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[at++] = (byte)value;
        return at;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint ReadVarInt(ReadOnlySpan<byte> bytes, ref int at)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (at >= bytes.Length)
            {
                throw new InvalidDataException("Forward vector ends inside a number: truncated value.");
            }

            var b = bytes[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("Forward vector holds a number longer than 5 bytes: damaged value.");
    }
}
