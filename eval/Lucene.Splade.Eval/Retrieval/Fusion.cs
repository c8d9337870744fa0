using Lucene.Splade.Eval.Metrics;

namespace Lucene.Splade.Eval.Retrieval;

/// <summary>How scores of one query's result list are put on a common scale before a weighted sum.</summary>
internal enum Normalization
{
    /// <summary>(s - min) / (max - min); all equal scores become 1 (0 for an empty list).</summary>
    MinMax,

    /// <summary>(s - mean) / standard deviation (population); a constant list becomes all 0.</summary>
    ZScore,
}

/// <summary>
/// Hybrid runs from two runs. A document missing from one list gets that list's lowest normalized score (0 for
/// min-max), i.e. it is treated as ranked just at the bottom of that list.
/// </summary>
internal static class Fusion
{
    /// <summary>Reciprocal rank fusion: sum over the runs of 1 / (k + rank), rank from 1 in trec_eval order.</summary>
    public static Run ReciprocalRank(Run a, Run b, int k, int depth, string name)
    {
        var run = new Run(name);
        foreach (var queryId in a.QueryIds.Union(b.QueryIds, StringComparer.Ordinal))
        {
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var list in new[] { a.For(queryId), b.For(queryId) })
            {
                for (var i = 0; i < list.Count; i++)
                {
                    scores[list[i].DocId] = scores.GetValueOrDefault(list[i].DocId) + (1.0 / (k + i + 1));
                }
            }

            run.Add(queryId, Top(scores, depth));
        }

        return run;
    }

    /// <summary>(1 - <paramref name="weightB"/>) x norm(a) + <paramref name="weightB"/> x norm(b), per query.</summary>
    public static Run WeightedSum(Run a, Run b, double weightB, Normalization normalization, int depth, string name)
    {
        var run = new Run(name);
        foreach (var queryId in a.QueryIds.Union(b.QueryIds, StringComparer.Ordinal))
        {
            var (na, floorA) = Normalize(a.For(queryId), normalization);
            var (nb, floorB) = Normalize(b.For(queryId), normalization);
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var doc in na.Keys.Union(nb.Keys, StringComparer.Ordinal))
            {
                scores[doc] = ((1 - weightB) * na.GetValueOrDefault(doc, floorA)) + (weightB * nb.GetValueOrDefault(doc, floorB));
            }

            run.Add(queryId, Top(scores, depth));
        }

        return run;
    }

    /// <summary>Normalized scores of a list and the value given to documents missing from it (its minimum).</summary>
    public static (Dictionary<string, double> Scores, double Floor) Normalize(IReadOnlyList<ScoredDocument> list, Normalization normalization)
    {
        var result = new Dictionary<string, double>(list.Count, StringComparer.Ordinal);
        if (list.Count == 0)
        {
            return (result, 0);
        }

        var min = list.Min(d => d.Score);
        var max = list.Max(d => d.Score);
        var mean = list.Average(d => d.Score);
        var sd = Math.Sqrt(list.Average(d => (d.Score - mean) * (d.Score - mean)));
        foreach (var doc in list)
        {
            result[doc.DocId] = normalization switch
            {
                Normalization.MinMax => max > min ? (doc.Score - min) / (max - min) : 1.0,
                _ => sd > 0 ? (doc.Score - mean) / sd : 0.0,
            };
        }

        return (result, normalization == Normalization.MinMax ? 0.0 : result.Values.Min());
    }

    private static IEnumerable<ScoredDocument> Top(Dictionary<string, double> scores, int depth)
    {
        var all = scores.Select(p => new ScoredDocument(p.Key, p.Value)).ToArray();
        Array.Sort(all, Run.TrecOrder);
        return all.Take(depth);
    }
}
