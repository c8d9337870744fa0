using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Lucene.Splade.Search;

/// <summary>
/// The largest term frequency of a term in a segment, overall and in each window of <see cref="WindowSize"/>
/// document ids (block-max bounds): the score bounds of <see cref="SpladeQuery"/>'s pruning. Computed from the postings
/// on a term's first use in a segment and cached per segment core, so they live as long as the segment's readers do
/// and are shared by every reader reopened on that segment.
/// </summary>
/// <remarks>
/// Lucene.NET 4.8's postings keep no per-term or per-block maximum (no impacts), so the maxima are read once from the
/// postings, deleted documents included (a deletion can only lower the true maximum, so the bounds stay valid).
/// </remarks>
internal static class TermFrequencyBounds
{
    /// <summary>Documents per window: <c>doc &gt;&gt; WindowShift</c> is a document's window.</summary>
    public const int WindowShift = 11;

    /// <summary>The window size (2048, as Lucene's BooleanScorer uses).</summary>
    public const int WindowSize = 1 << WindowShift;

    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<(string Field, string Term), TermBounds>> Cache = new();

    /// <summary>The bounds of the term on which <paramref name="positioned"/> stands, over all of the segment's documents.</summary>
    public static TermBounds For(AtomicReader reader, string field, string term, TermsEnum positioned)
    {
        var segment = Cache.GetValue(reader.CoreCacheKey, _ => new ConcurrentDictionary<(string, string), TermBounds>());
        var key = (field, term);
        if (segment.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var windows = new int[(reader.MaxDoc >> WindowShift) + 1];
        var max = 0;
        var docs = positioned.Docs(null, null, DocsFlags.FREQS);
        for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
        {
            var freq = docs.Freq;
            ref var window = ref windows[doc >> WindowShift];
            window = Math.Max(window, freq);
            max = Math.Max(max, freq);
        }

        var bounds = new TermBounds(max, windows);
        segment.TryAdd(key, bounds);
        return bounds;
    }
}

/// <summary>A term's largest frequency in a segment, and in each window of document ids (0 where it has no document).</summary>
internal sealed record TermBounds(int Max, int[] WindowMax);
