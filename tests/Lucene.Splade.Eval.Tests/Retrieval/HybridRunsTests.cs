using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Eval.Retrieval;
using Lucene.Splade.Search;

namespace Lucene.Splade.Eval.Tests.Retrieval;

/// <summary>The harness's hybrid runs: the library's fusion per query, ranked as trec_eval ranks.</summary>
public sealed class HybridRunsTests
{
    private static Run Make(string name, params (string Doc, double Score)[] docs)
    {
        var run = new Run(name);
        run.Add("q", docs.Select(d => new ScoredDocument(d.Doc, d.Score)));
        return run;
    }

    [Test]
    public void ReciprocalRankFusionSumsOneOverKPlusRank()
    {
        var a = Make("a", ("x", 9), ("y", 5));
        var b = Make("b", ("y", 0.9), ("z", 0.8), ("x", 0.1));

        var fused = HybridRuns.Fuse(HybridFusion.ReciprocalRank(60), a, b, 10, "rrf").For("q");

        // x: 1/61 + 1/63; y: 1/62 + 1/61; z: 1/62.
        Assert.That(fused.Select(d => d.DocId), Is.EqualTo(new[] { "y", "x", "z" }));
        Assert.That(fused[0].Score, Is.EqualTo((1.0 / 62) + (1.0 / 61)).Within(1e-15));
        Assert.That(fused[2].Score, Is.EqualTo(1.0 / 62).Within(1e-15));
    }

    [Test]
    public void MinMaxWeightedSumGivesMissingDocumentsZero()
    {
        var a = Make("a", ("x", 10), ("y", 6), ("w", 2));   // normalized x 1, y 0.5, w 0
        var b = Make("b", ("y", 3), ("z", 1));              // normalized y 1, z 0

        var fused = HybridRuns.Fuse(HybridFusion.Linear(ScoreNormalization.MinMax, 0.25), a, b, 10, "mm").For("q");

        var scores = fused.ToDictionary(d => d.DocId, d => d.Score);
        Assert.That(scores["x"], Is.EqualTo(0.75).Within(1e-12));
        Assert.That(scores["y"], Is.EqualTo((0.75 * 0.5) + 0.25).Within(1e-12));
        Assert.That(scores["z"], Is.EqualTo(0.0).Within(1e-12));
        Assert.That(scores["w"], Is.EqualTo(0.0).Within(1e-12));
        Assert.That(fused.Select(d => d.DocId), Is.EqualTo(new[] { "x", "y", "z", "w" }), "ties by id descending");
    }

    [Test]
    public void ZScoreUsesMeanAndPopulationDeviationAndFloorsMissingDocuments()
    {
        var a = Make("a", ("a", 1), ("b", 2), ("c", 3));
        var b = Make("b");

        var fused = HybridRuns.Fuse(HybridFusion.Linear(ScoreNormalization.ZScore, 0.5), a, b, 10, "z").For("q").ToDictionary(d => d.DocId, d => d.Score);

        // BM25 z-scores -1/sd, 0, 1/sd (population sd of 1, 2, 3); the empty SPLADE list adds 0 for everyone.
        var sd = Math.Sqrt(2.0 / 3);
        Assert.That(fused["a"], Is.EqualTo(0.5 * (-1 / sd)).Within(1e-12));
        Assert.That(fused["c"], Is.EqualTo(0.5 * (1 / sd)).Within(1e-12));
    }

    [Test]
    public void TuningPicksTheFusionThatRanksTheJudgedDocumentFirst()
    {
        var bm25 = Make("bm25", ("x", 9), ("y", 8), ("rel", 1));
        var splade = Make("splade", ("rel", 5), ("x", 1));
        var qrels = new Lucene.Splade.Corpora.Qrels(new() { ["q"] = new(StringComparer.Ordinal) { ["rel"] = 1 } });

        var result = HybridRuns.Tune(bm25, splade, qrels, new HybridTuningOptions { IncludeReciprocalRank = false, Normalizations = [ScoreNormalization.MinMax] });

        Assert.That(result.BestNdcg, Is.EqualTo(1.0));
        Assert.That(result.Best.SpladeWeight, Is.GreaterThan(0.5));
    }

    [Test]
    public void WeightsZeroAndOneReproduceTheInputRankings()
    {
        var a = Make("a", ("x", 3), ("y", 2), ("z", 1));
        var b = Make("b", ("z", 3), ("y", 2), ("x", 1));

        Assert.That(HybridRuns.Fuse(HybridFusion.Linear(ScoreNormalization.ZScore, 0), a, b, 10, "f").For("q").Select(d => d.DocId), Is.EqualTo(new[] { "x", "y", "z" }));
        Assert.That(HybridRuns.Fuse(HybridFusion.Linear(ScoreNormalization.MinMax, 1), a, b, 10, "f").For("q").Select(d => d.DocId), Is.EqualTo(new[] { "z", "y", "x" }));
    }

    [Test]
    public void DepthCutsTheFusedList()
    {
        var a = Make("a", ("x", 3), ("y", 2), ("z", 1));
        Assert.That(HybridRuns.Fuse(HybridFusion.ReciprocalRank(60), a, a, 2, "f").For("q"), Has.Count.EqualTo(2));
    }
}
