namespace Lucene.Splade.Evaluation;

/// <summary>
/// Effectiveness measures of a ranked list against graded relevance judgments, with trec_eval's definitions, for
/// tuning and checking a search on your own queries.
/// </summary>
public static class RankingMetrics
{
    /// <summary>
    /// nDCG at <paramref name="cutoff"/> as trec_eval's <c>ndcg_cut</c> computes it: gain = the judged grade (grades
    /// below 1 and unjudged documents gain nothing), discount <c>log2(rank + 1)</c>, ideal ranking = the judged grades
    /// in descending order, both cut at <paramref name="cutoff"/>. The list is taken in the order given.
    /// </summary>
    /// <param name="ranked">Document ids, best first.</param>
    /// <param name="judgments">Document id to grade, for one query.</param>
    /// <param name="cutoff">The rank to cut at, at least 1 (10 for nDCG@10).</param>
    /// <returns>A value in [0, 1]; 0 when nothing is relevant.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cutoff"/> is less than 1.</exception>
    public static double Ndcg(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judgments, int cutoff)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(judgments);
        ArgumentOutOfRangeException.ThrowIfLessThan(cutoff, 1);
        var dcg = 0.0;
        for (var i = 0; i < Math.Min(cutoff, ranked.Count); i++)
        {
            if (judgments.TryGetValue(ranked[i], out var gain) && gain > 0)
            {
                dcg += gain / Math.Log2(i + 2);
            }
        }

        var ideal = 0.0;
        var gains = judgments.Values.Where(g => g > 0).OrderDescending().Take(cutoff).ToArray();
        for (var i = 0; i < gains.Length; i++)
        {
            ideal += gains[i] / Math.Log2(i + 2);
        }

        return ideal > 0 ? dcg / ideal : 0.0;
    }

    /// <summary>
    /// trec_eval's order of a run: score descending, then document id descending (it compares ids with <c>strcmp</c>,
    /// so ordinally). Use it to rank scored documents before <see cref="Ndcg"/> to get trec_eval's figures.
    /// </summary>
    public static IComparer<string> TrecEvalTieBreak { get; } = Comparer<string>.Create((x, y) => string.CompareOrdinal(y, x));
}
