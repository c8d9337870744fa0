using System.Numerics;
using Lucene.Splade.Modeling;

namespace Lucene.Splade.Encoders;

/// <summary>
/// SPLADE pooling of MLM logits: <c>w_j = max_t log(1 + ReLU(logit_tj))</c> (or the sum over t for SPLADE v1),
/// over the real tokens of one sequence, <c>[UNK]</c> positions left out.
/// </summary>
internal static class LogitPooling
{
    /// <summary>Pools the rows of a <c>[seq, vocab]</c> logits block that hold the real tokens into <paramref name="weights"/>.</summary>
    /// <param name="logits">Row-major logits of one sequence; rows past the tokens (padding) are ignored.</param>
    /// <param name="ids">The sequence's token ids ([CLS] and [SEP] included, padding excluded): one row each.</param>
    /// <param name="unknownId">
    /// The <c>[UNK]</c> id: its rows are left out, since what the model predicts there does not depend on the text the
    /// vocabulary could not spell.
    /// </param>
    /// <param name="mode">Max or sum pooling.</param>
    /// <param name="weights">Output, one weight per vocabulary id.</param>
    public static void Pool(ReadOnlySpan<float> logits, ReadOnlySpan<int> ids, int unknownId, SpladePooling mode, Span<float> weights)
    {
        var vocab = weights.Length;
        var length = ids.Length;
        if (logits.Length < length * vocab)
        {
            throw new ArgumentException($"Logits hold {logits.Length} values; {length} x {vocab} expected.", nameof(logits));
        }

        if (mode == SpladePooling.Max)
        {
            // log(1 + ReLU(x)) is monotonic, so max_t f(x_t) = f(max_t x_t): take a (vectorized) max of the raw
            // logits first and apply the log once per term instead of once per token and term.
            weights.Fill(0f);
            for (var t = 0; t < length; t++)
            {
                if (ids[t] != unknownId)
                {
                    MaxInto(weights, logits.Slice(t * vocab, vocab));
                }
            }

            for (var j = 0; j < vocab; j++)
            {
                weights[j] = Activate(weights[j]);
            }

            return;
        }

        weights.Fill(0f);
        for (var t = 0; t < length; t++)
        {
            if (ids[t] == unknownId)
            {
                continue;
            }

            var row = logits.Slice(t * vocab, vocab);
            for (var j = 0; j < vocab; j++)
            {
                weights[j] += Activate(row[j]);
            }
        }
    }

    /// <summary><c>log(1 + ReLU(x))</c>; NaN becomes 0 so a broken model cannot poison an index.</summary>
    public static float Activate(float x) => x > 0 ? MathF.Log(1f + x) : 0f;

    private static void MaxInto(Span<float> accumulator, ReadOnlySpan<float> row)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            for (; i <= row.Length - width; i += width)
            {
                var acc = new Vector<float>(accumulator.Slice(i, width));
                Vector.Max(acc, new Vector<float>(row.Slice(i, width))).CopyTo(accumulator.Slice(i, width));
            }
        }

        for (; i < row.Length; i++)
        {
            if (row[i] > accumulator[i])
            {
                accumulator[i] = row[i];
            }
        }
    }
}
