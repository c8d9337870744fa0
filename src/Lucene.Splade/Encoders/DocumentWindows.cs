namespace Lucene.Splade.Encoders;

/// <summary>
/// How <see cref="SpladeEncoder"/> encodes a document longer than the model's window: as overlapping windows of word
/// pieces, each encoded on its own, merged by the largest weight of each term (as Elasticsearch merges the chunks of
/// a <c>sparse_vector</c> field). Queries are never split. Immutable; each value is checked when it is set.
/// </summary>
/// <remarks>
/// A document of at most <see cref="WindowLength"/> pieces is encoded as one window, exactly as without windows.
/// A longer one gets windows starting every <see cref="Stride"/> pieces until one reaches its end, at most
/// <see cref="MaxWindows"/> of them (text beyond the last window is not encoded, so time and memory stay bounded).
/// </remarks>
public sealed record DocumentWindows
{
    /// <summary>Word pieces per window, <c>[CLS]</c> and <c>[SEP]</c> included; null for the encoder's maximum length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 3.</exception>
    public int? WindowLength
    {
        get;
        init
        {
            if (value is < 3)
            {
                throw new ArgumentOutOfRangeException(nameof(WindowLength), value, "A window holds at least 3 word pieces ([CLS], one piece, [SEP]).");
            }

            field = value;
        }
    }

    /// <summary>Word pieces between the starts of two windows; null for half a window (so windows overlap by half).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? Stride
    {
        get;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Stride), value, "The stride must be at least 1 word piece.");
            }

            field = value;
        }
    }

    /// <summary>The most windows one document gets. Default 8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxWindows
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxWindows));
            field = value;
        }
    } = 8;

    /// <summary>The windows of a sequence of word-piece ids that starts with <c>[CLS]</c> and ends with <c>[SEP]</c>.</summary>
    /// <param name="ids">The document's ids, <c>[CLS]</c> first and <c>[SEP]</c> last.</param>
    /// <param name="windowLength">The window length in effect (special tokens included).</param>
    /// <returns>Each window with its own <c>[CLS]</c> and <c>[SEP]</c>; the sequence itself when it fits one window.</returns>
    internal IReadOnlyList<int[]> Split(int[] ids, int windowLength)
    {
        if (ids.Length <= windowLength)
        {
            return [ids];
        }

        var pieces = windowLength - 2;
        var stride = Math.Min(Stride ?? Math.Max(1, pieces / 2), pieces);
        var inner = ids.AsSpan(1, ids.Length - 2);
        var windows = new List<int[]>();
        for (var start = 0; windows.Count < MaxWindows; start += stride)
        {
            var count = Math.Min(pieces, inner.Length - start);
            var window = new int[count + 2];
            window[0] = ids[0];
            inner.Slice(start, count).CopyTo(window.AsSpan(1));
            window[^1] = ids[^1];
            windows.Add(window);
            if (start + count >= inner.Length)
            {
                break;
            }
        }

        return windows;
    }

    /// <summary>How many word pieces a document may need tokenized for <paramref name="windowLength"/>: all windows' worth.</summary>
    internal int MaxPieces(int windowLength)
    {
        var pieces = windowLength - 2;
        var stride = Math.Min(Stride ?? Math.Max(1, pieces / 2), pieces);
        return (int)Math.Min(int.MaxValue - 2, ((long)(MaxWindows - 1) * stride) + pieces) + 2;
    }
}
