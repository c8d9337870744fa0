using Lucene.Splade.Corpora;
using Lucene.Splade.Evaluation;

namespace Lucene.Splade.Eval.Metrics;

/// <summary>The metrics of one query or their mean over queries.</summary>
internal sealed record MetricValues(double Ndcg10, double RecipRank10, double Recall100, double Recall1000, double Map)
{
    /// <summary>The names trec_eval gives these measures (RR@10 is <c>recip_rank</c> with <c>-M 10</c>).</summary>
    public static readonly string[] Names = ["ndcg_cut_10", "recip_rank@10", "recall_100", "recall_1000", "map"];

    public double[] ToArray() => [Ndcg10, RecipRank10, Recall100, Recall1000, Map];
}

/// <summary>An evaluation: per judged query, and the mean over all judged queries.</summary>
internal sealed record Evaluation(IReadOnlyDictionary<string, MetricValues> PerQuery, MetricValues Mean, int Queries, int QueriesWithoutResults);

/// <summary>
/// Effectiveness measures with trec_eval 9.x semantics, written from its definitions:
/// <list type="bullet">
/// <item>a document is relevant when its grade is at least 1 (the default <c>-l 1</c>); unjudged documents are not relevant;</item>
/// <item>results are ranked by score descending, then document id descending (<see cref="Run.TrecOrder"/>);</item>
/// <item><c>ndcg_cut.10</c>: gain = the qrels grade, discount log2(rank + 1), ideal ranking = all judged documents by grade, both cut at 10;</item>
/// <item>RR@10: 1 / rank of the first relevant document within the top 10, else 0 (trec_eval <c>-M 10 -m recip_rank</c>);</item>
/// <item><c>recall_k</c>: relevant documents in the top k / all relevant documents of the query;</item>
/// <item><c>map</c>: mean over relevant documents of precision at their rank (0 for those not retrieved), over all retrieved.</item>
/// </list>
/// Only queries in the qrels are evaluated; a judged query the run does not answer counts as 0 on every measure,
/// so the mean is over every judged query (trec_eval <c>-c</c>).
/// </summary>
internal static class TrecEval
{
    public static Evaluation Evaluate(Run run, Qrels qrels)
    {
        var perQuery = new Dictionary<string, MetricValues>(StringComparer.Ordinal);
        var empty = 0;
        foreach (var queryId in qrels.QueryIds)
        {
            var results = run.For(queryId);
            if (results.Count == 0)
            {
                empty++;
            }

            perQuery[queryId] = EvaluateQuery(results, qrels.For(queryId));
        }

        return new Evaluation(perQuery, MeanOf(perQuery.Values), perQuery.Count, empty);
    }

    public static MetricValues MeanOf(IReadOnlyCollection<MetricValues> values)
    {
        if (values.Count == 0)
        {
            return new MetricValues(0, 0, 0, 0, 0);
        }

        return new MetricValues(
            values.Average(v => v.Ndcg10),
            values.Average(v => v.RecipRank10),
            values.Average(v => v.Recall100),
            values.Average(v => v.Recall1000),
            values.Average(v => v.Map));
    }

    /// <summary>The measures of one query; <paramref name="ranked"/> must be in <see cref="Run.TrecOrder"/>.</summary>
    public static MetricValues EvaluateQuery(IReadOnlyList<ScoredDocument> ranked, IReadOnlyDictionary<string, int> judgments)
    {
        var relevantCount = judgments.Values.Count(g => g >= 1);
        return new MetricValues(
            NdcgAt(ranked, judgments, 10),
            RecipRankAt(ranked, judgments, 10),
            RecallAt(ranked, judgments, relevantCount, 100),
            RecallAt(ranked, judgments, relevantCount, 1000),
            AveragePrecision(ranked, judgments, relevantCount));
    }

    /// <summary><c>ndcg_cut</c> (the library's <see cref="RankingMetrics.Ndcg"/>, which follows trec_eval).</summary>
    public static double NdcgAt(IReadOnlyList<ScoredDocument> ranked, IReadOnlyDictionary<string, int> judgments, int cutoff) =>
        RankingMetrics.Ndcg(ranked.Take(cutoff).Select(d => d.DocId).ToArray(), judgments, cutoff);

    public static double RecipRankAt(IReadOnlyList<ScoredDocument> ranked, IReadOnlyDictionary<string, int> judgments, int cutoff)
    {
        for (var i = 0; i < Math.Min(cutoff, ranked.Count); i++)
        {
            if (Gain(judgments, ranked[i].DocId) >= 1)
            {
                return 1.0 / (i + 1);
            }
        }

        return 0.0;
    }

    public static double RecallAt(IReadOnlyList<ScoredDocument> ranked, IReadOnlyDictionary<string, int> judgments, int relevantCount, int cutoff)
    {
        if (relevantCount == 0)
        {
            return 0.0;
        }

        var found = 0;
        for (var i = 0; i < Math.Min(cutoff, ranked.Count); i++)
        {
            if (Gain(judgments, ranked[i].DocId) >= 1)
            {
                found++;
            }
        }

        return (double)found / relevantCount;
    }

    public static double AveragePrecision(IReadOnlyList<ScoredDocument> ranked, IReadOnlyDictionary<string, int> judgments, int relevantCount)
    {
        if (relevantCount == 0)
        {
            return 0.0;
        }

        var found = 0;
        var sum = 0.0;
        for (var i = 0; i < ranked.Count; i++)
        {
            if (Gain(judgments, ranked[i].DocId) >= 1)
            {
                found++;
                sum += (double)found / (i + 1);
            }
        }

        return sum / relevantCount;
    }

    private static int Gain(IReadOnlyDictionary<string, int> judgments, string docId) =>
        judgments.TryGetValue(docId, out var grade) ? grade : 0;
}
