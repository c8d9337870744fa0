using Lucene.Splade.Evaluation;
using Lucene.Splade.Search;

namespace Lucene.Splade.Tests.Search;

[TestFixture]
public sealed class HybridTunerTests
{
    [Test]
    public void The_best_candidate_is_the_one_with_the_highest_mean_ndcg_computed_independently()
    {
        var random = new Random(5);
        var queries = Enumerable.Range(0, 25).Select(_ => RandomQuery(random)).ToList();
        var options = new HybridTuningOptions { WeightStep = 0.1 };

        var result = HybridTuner.Tune(queries, options);

        Assert.That(result.Candidates.Select(c => c.Fusion), Is.EqualTo(options.Candidates()));
        Assert.That(result.Candidates, Has.Count.EqualTo(1 + (2 * 11)));
        foreach (var candidate in result.Candidates)
        {
            Assert.That(candidate.Ndcg, Is.EqualTo(queries.Average(q => OracleNdcg10(candidate.Fusion, q))).Within(1e-12), candidate.Fusion.Name);
        }

        var max = result.Candidates.Max(c => c.Ndcg);
        Assert.That(result.BestNdcg, Is.EqualTo(max));
        Assert.That(result.Best, Is.EqualTo(result.Candidates.First(c => c.Ndcg == max).Fusion), "the first of equal candidates wins");
    }

    [Test]
    public void A_weight_that_favours_the_list_holding_the_relevant_documents_wins()
    {
        // SPLADE ranks the relevant document first, BM25 last: the more SPLADE weight, the better.
        var queries = Enumerable.Range(0, 5).Select(q => new HybridTuningQuery(
            [("x", 9.0), ("y", 8.0), ("z", 7.0), ("rel", 1.0)],
            [("rel", 3.0), ("x", 1.0)],
            new Dictionary<string, int> { ["rel"] = 1 })).ToList();

        var result = HybridTuner.Tune(queries, new HybridTuningOptions { IncludeReciprocalRank = false, Normalizations = [ScoreNormalization.MinMax], Cutoff = 1 });

        Assert.That(result.BestNdcg, Is.EqualTo(1.0));
        Assert.That(result.Best.SpladeWeight, Is.GreaterThan(0.5));
        Assert.That(result.Candidates[0].Ndcg, Is.Zero, "weight 0 is BM25 alone, which ranks the relevant document last");
    }

    [Test]
    public void Bad_options_and_input_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => HybridTuner.Tune([]), Throws.ArgumentException);
            Assert.That(() => new HybridTuningOptions { WeightStep = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new HybridTuningOptions { Cutoff = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new HybridTuningOptions { Normalizations = null! }, Throws.ArgumentNullException);
            Assert.That(() => HybridTuner.Tune([new HybridTuningQuery([], [], new Dictionary<string, int>())], new HybridTuningOptions { IncludeReciprocalRank = false, Normalizations = [] }), Throws.ArgumentException);
        });
    }

    /// <summary>nDCG@10 of one query, from scratch: fused scores, sorted as trec_eval sorts, gains over the ideal.</summary>
    private static double OracleNdcg10(HybridFusion fusion, HybridTuningQuery query)
    {
        var ranked = fusion.Fuse(query.Bm25, query.Splade, 1000)
            .OrderByDescending(r => r.Score).ThenByDescending(r => r.Key, StringComparer.Ordinal)
            .Take(10).Select(r => r.Key).ToList();
        var dcg = ranked.Select((id, i) => query.Judgments.GetValueOrDefault(id) / Math.Log(i + 2, 2)).Sum();
        var ideal = query.Judgments.Values.Where(g => g > 0).OrderByDescending(g => g).Take(10).Select((g, i) => g / Math.Log(i + 2, 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }

    private static HybridTuningQuery RandomQuery(Random random)
    {
        var docs = Enumerable.Range(0, 60).Select(i => $"d{i:D2}").ToArray();
        List<(string, double)> List() => docs.OrderBy(_ => random.Next()).Take(random.Next(5, 40)).Select(d => (d, random.Next(1, 20) * 0.25)).OrderByDescending(x => x.Item2).ToList();
        var judgments = docs.OrderBy(_ => random.Next()).Take(random.Next(1, 8)).ToDictionary(d => d, _ => random.Next(0, 3));
        return new HybridTuningQuery(List(), List(), judgments);
    }
}

[TestFixture]
public sealed class RankingMetricsTests
{
    [Test]
    public void Ndcg_follows_trec_eval()
    {
        var judgments = new Dictionary<string, int> { ["a"] = 2, ["b"] = 1, ["c"] = 0, ["z"] = 1 };

        // DCG = 2/log2(2) + 0 + 1/log2(4) = 2.5; ideal = 2/1 + 1/log2(3) + 1/log2(4).
        var ndcg = RankingMetrics.Ndcg(["a", "c", "b", "x"], judgments, 10);

        Assert.That(ndcg, Is.EqualTo(2.5 / (2 + (1 / Math.Log2(3)) + 0.5)).Within(1e-15));
        Assert.That(RankingMetrics.Ndcg(["b"], judgments, 1), Is.EqualTo(0.5), "cut at 1: gain 1 over the ideal gain 2");
        Assert.That(RankingMetrics.Ndcg(["a"], new Dictionary<string, int> { ["a"] = 0 }, 10), Is.Zero, "nothing relevant");
        Assert.That(RankingMetrics.Ndcg([], judgments, 10), Is.Zero);
        Assert.That(() => RankingMetrics.Ndcg([], judgments, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void The_tie_break_orders_ids_as_strcmp_descending()
    {
        var ids = new List<string> { "10", "9", "b", "B", "a" };
        ids.Sort(RankingMetrics.TrecEvalTieBreak);

        Assert.That(ids, Is.EqualTo(new[] { "b", "a", "B", "9", "10" }));
    }
}
