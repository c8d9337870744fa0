using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Search;

namespace Lucene.Splade.Eval.Tests.Experiments;

public class LeaveOneOutTests
{
    private static readonly HybridFusion A = HybridFusion.ReciprocalRank();
    private static readonly HybridFusion B = HybridFusion.Linear(ScoreNormalization.MinMax, 0.2);
    private static readonly HybridFusion C = HybridFusion.Linear(ScoreNormalization.MinMax, 0.5);

    private static FusionGains Gains(HybridFusion fusion, params (string Collection, double Gain)[] gains) =>
        new(fusion, gains.ToDictionary(g => g.Collection, g => g.Gain));

    [Test]
    public void ChoosesTheBestWorstCaseGainThenTheBestMean()
    {
        var candidates = new[]
        {
            Gains(A, ("x", 0.050), ("y", -0.010)),
            Gains(B, ("x", 0.010), ("y", 0.005)),
            Gains(C, ("x", 0.030), ("y", 0.005)),
        };

        var (fusion, rule) = LeaveOneOut.Choose(candidates, ["x", "y"]);

        Assert.That(fusion, Is.EqualTo(C), "B and C share the best worst case (0.005); C has the better mean; A's mean is best but it loses on y");
        Assert.That(rule, Does.Contain("worst-case"));
        Assert.That(LeaveOneOut.Choose(candidates, ["x"]).Fusion, Is.EqualTo(A), "on x alone A is best");
    }

    [Test]
    public void WhenEveryCandidateLosesSomewhereTheSmallestLossWins()
    {
        var candidates = new[]
        {
            Gains(A, ("x", 0.050), ("y", -0.030)),
            Gains(B, ("x", -0.010), ("y", -0.008)),
            Gains(C, ("x", -0.020), ("y", 0.040)),
        };

        Assert.That(LeaveOneOut.Choose(candidates, ["x", "y"]).Fusion, Is.EqualTo(B));
    }

    [Test]
    public void TiesGoToTheEarlierCandidate()
    {
        var candidates = new[] { Gains(A, ("x", 0.01)), Gains(B, ("x", 0.01)) };
        Assert.That(LeaveOneOut.Choose(candidates, ["x"]).Fusion, Is.EqualTo(A));
        Assert.That(LeaveOneOut.Choose(candidates.Reverse().ToArray(), ["x"]).Fusion, Is.EqualTo(B));
    }

    [Test]
    public void EmptyInputIsAnError()
    {
        Assert.Throws<ArgumentException>(() => LeaveOneOut.Choose([], ["x"]));
        Assert.Throws<ArgumentException>(() => LeaveOneOut.Choose([Gains(A, ("x", 0))], []));
    }

    [Test]
    public void EachFoldChoosesWithoutItsHeldOutCollection()
    {
        // On x and y together B is best; with z among the training collections C is (B loses on z).
        var candidates = new[]
        {
            Gains(B, ("x", 0.030), ("y", 0.030), ("z", -0.050)),
            Gains(C, ("x", 0.020), ("y", 0.020), ("z", 0.060)),
        };
        var collections = new[] { Collection("x"), Collection("y"), Collection("z") };

        var folds = LeaveOneOut.Folds(collections, candidates);

        Assert.That(folds.Select(f => (f.HeldOut, f.Chosen)), Is.EqualTo(new[] { ("x", C.Name), ("y", C.Name), ("z", B.Name) }));
        Assert.That(folds[2].Gain, Is.EqualTo(-0.050), "z reports the gain of the fusion chosen without it");
        Assert.That(folds[2].HybridNdcg10, Is.EqualTo(folds[2].Bm25Ndcg10 - 0.050).Within(1e-12));
    }

    [Test]
    public void MeasureGivesTheGainOfEachFusionOverBm25()
    {
        // BM25 ranks the relevant document second, SPLADE first: all-SPLADE gains 1 - 1/log2(3); all-BM25 gains nothing.
        var collection = Collection("x");
        var spladeOnly = HybridFusion.Linear(ScoreNormalization.MinMax, 1.0);
        var bm25Only = HybridFusion.Linear(ScoreNormalization.MinMax, 0.0);

        var gains = LeaveOneOut.Measure([collection], [spladeOnly, bm25Only], depth: 10);

        Assert.That(gains[0].Gains["x"], Is.EqualTo(1 - 1 / Math.Log2(3)).Within(1e-9));
        Assert.That(gains[1].Gains["x"], Is.EqualTo(0).Within(1e-12));
    }

    [Test]
    public void MeasureFusesOnlyTheTopDepthOfEachSide()
    {
        // The relevant document is BM25's third and absent from SPLADE; fusing the top 2 of each side loses it.
        var bm25 = new Run("bm25");
        bm25.Add("q", [new ScoredDocument("a", 3), new ScoredDocument("b", 2), new ScoredDocument("r", 1)]);
        var splade = new Run("splade");
        splade.Add("q", [new ScoredDocument("a", 3), new ScoredDocument("b", 2)]);
        var collection = new CollectionRuns("x", bm25, splade, Judgments("q", "r"));

        var bm25Only = HybridFusion.Linear(ScoreNormalization.MinMax, 0.0);
        var deep = LeaveOneOut.Measure([collection], [bm25Only], depth: 3)[0].Gains["x"];
        var shallow = LeaveOneOut.Measure([collection], [bm25Only], depth: 2)[0].Gains["x"];

        Assert.That(deep, Is.EqualTo(0).Within(1e-12));
        Assert.That(shallow, Is.EqualTo(-0.5).Within(1e-9), "BM25 alone has r at rank 3: nDCG 1/log2(4) = 0.5");
    }

    private static CollectionRuns Collection(string name)
    {
        var bm25 = new Run("bm25");
        bm25.Add("q", [new ScoredDocument("n", 2.0), new ScoredDocument("r", 1.0)]);
        var splade = new Run("splade");
        splade.Add("q", [new ScoredDocument("r", 5.0), new ScoredDocument("n", 1.0)]);
        return new CollectionRuns(name, bm25, splade, Judgments("q", "r"));
    }

    private static Qrels Judgments(string query, string relevant) =>
        new(new Dictionary<string, Dictionary<string, int>> { [query] = new() { [relevant] = 1 } });
}
