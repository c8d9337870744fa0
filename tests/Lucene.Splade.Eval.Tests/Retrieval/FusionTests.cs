using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Eval.Retrieval;

namespace Lucene.Splade.Eval.Tests.Retrieval;

public sealed class FusionTests
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

        var fused = Fusion.ReciprocalRank(a, b, k: 60, depth: 10, "rrf").For("q");

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

        var fused = Fusion.WeightedSum(a, b, weightB: 0.25, Normalization.MinMax, depth: 10, "mm").For("q");

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
        var (scores, floor) = Fusion.Normalize([new("a", 1), new("b", 2), new("c", 3)], Normalization.ZScore);

        var sd = Math.Sqrt(2.0 / 3);
        Assert.That(scores["a"], Is.EqualTo(-1 / sd).Within(1e-12));
        Assert.That(scores["c"], Is.EqualTo(1 / sd).Within(1e-12));
        Assert.That(floor, Is.EqualTo(-1 / sd).Within(1e-12));
    }

    [Test]
    public void WeightsZeroAndOneReproduceTheInputRankings()
    {
        var a = Make("a", ("x", 3), ("y", 2), ("z", 1));
        var b = Make("b", ("z", 3), ("y", 2), ("x", 1));

        Assert.That(Fusion.WeightedSum(a, b, 0, Normalization.ZScore, 10, "f").For("q").Select(d => d.DocId), Is.EqualTo(new[] { "x", "y", "z" }));
        Assert.That(Fusion.WeightedSum(a, b, 1, Normalization.MinMax, 10, "f").For("q").Select(d => d.DocId), Is.EqualTo(new[] { "z", "y", "x" }));
    }

    [Test]
    public void DepthCutsTheFusedList()
    {
        var a = Make("a", ("x", 3), ("y", 2), ("z", 1));
        Assert.That(Fusion.ReciprocalRank(a, a, 60, 2, "f").For("q"), Has.Count.EqualTo(2));
    }
}
