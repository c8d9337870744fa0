using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Eval.Tests.Support;

namespace Lucene.Splade.Eval.Tests.Metrics;

/// <summary>The measures against values worked out by hand from trec_eval's definitions.</summary>
public sealed class TrecEvalTests
{
    private const double Tolerance = 1e-9;

    [Test]
    public void NdcgUsesTheGradeAsGainAndTheIdealOfAllJudgedDocuments()
    {
        // Judged: a=3, b=2, c=1. Ranked: c, x (unjudged), b.
        var qrels = TestData.Qrels(("q", "a", 3), ("q", "b", 2), ("q", "c", 1));
        var run = TestData.Run("q", ("c", 3), ("x", 2), ("b", 1));

        var ndcg = TrecEval.Evaluate(run, qrels).Mean.Ndcg10;

        // DCG = 1/log2(2) + 0 + 2/log2(4) = 2; ideal = 3/log2(2) + 2/log2(3) + 1/log2(4) = 4.761859507...
        Assert.That(ndcg, Is.EqualTo(2.0 / (3 + (2 / Math.Log2(3)) + 0.5)).Within(Tolerance));
        Assert.That(ndcg, Is.EqualTo(0.4200040).Within(1e-7));
    }

    [Test]
    public void NdcgIdealIsCutAtTenToo()
    {
        // Twelve relevant documents of grade 1, the run finds only the first one at rank 1.
        var qrels = TestData.Qrels(Enumerable.Range(1, 12).Select(i => ("q", $"r{i}", 1)).ToArray());
        var run = TestData.Run("q", ("r1", 1));

        var ideal = Enumerable.Range(1, 10).Sum(rank => 1 / Math.Log2(rank + 1));
        Assert.That(TrecEval.Evaluate(run, qrels).Mean.Ndcg10, Is.EqualTo(1 / ideal).Within(Tolerance));
    }

    [Test]
    public void TiesAreBrokenByDocumentIdDescending()
    {
        // a and b tie; trec_eval ranks b (the larger id) first whatever order the run gives them in.
        var qrels = TestData.Qrels(("q", "b", 1));
        var run = TestData.Run("q", ("a", 5), ("b", 5), ("c", 7));

        Assert.That(run.For("q").Select(d => d.DocId), Is.EqualTo(new[] { "c", "b", "a" }));
        var mean = TrecEval.Evaluate(run, qrels).Mean;
        Assert.That(mean.RecipRank10, Is.EqualTo(0.5).Within(Tolerance));
        Assert.That(mean.Ndcg10, Is.EqualTo(1 / Math.Log2(3)).Within(Tolerance));
    }

    [Test]
    public void IdsAreComparedOrdinallyLikeStrcmp()
    {
        // strcmp puts "10" before "9" and "B" before "a"; descending order is then 9, 10 and a, B.
        var run = TestData.Run("q", ("10", 1), ("9", 1), ("B", 2), ("a", 2));
        Assert.That(run.For("q").Select(d => d.DocId), Is.EqualTo(new[] { "a", "B", "9", "10" }));
    }

    [Test]
    public void NoRelevantDocumentRetrievedScoresZeroOnEveryMeasure()
    {
        var qrels = TestData.Qrels(("q", "rel", 2));
        var run = TestData.Run("q", ("x", 3), ("y", 2));

        var mean = TrecEval.Evaluate(run, qrels).Mean;
        Assert.That(mean.ToArray(), Is.All.EqualTo(0.0));
    }

    [Test]
    public void UnjudgedQueriesAreSkippedAndUnansweredJudgedQueriesCountAsZero()
    {
        var qrels = TestData.Qrels(("q1", "a", 1), ("q2", "b", 1));
        var run = new Run("test");
        run.Add("q1", [new ScoredDocument("a", 1)]); // perfect
        run.Add("q9", [new ScoredDocument("b", 1)]); // not judged: ignored

        var evaluation = TrecEval.Evaluate(run, qrels);

        Assert.That(evaluation.Queries, Is.EqualTo(2));
        Assert.That(evaluation.PerQuery.Keys, Is.EquivalentTo(new[] { "q1", "q2" }));
        Assert.That(evaluation.QueriesWithoutResults, Is.EqualTo(1));
        Assert.That(evaluation.Mean.Ndcg10, Is.EqualTo(0.5).Within(Tolerance));
        Assert.That(evaluation.Mean.Map, Is.EqualTo(0.5).Within(Tolerance));
    }

    [Test]
    public void ZeroGradesAreJudgedButNotRelevant()
    {
        var qrels = TestData.Qrels(("q", "zero", 0), ("q", "one", 1));
        var run = TestData.Run("q", ("zero", 2), ("one", 1));

        var mean = TrecEval.Evaluate(run, qrels).Mean;
        Assert.That(mean.RecipRank10, Is.EqualTo(0.5).Within(Tolerance));
        Assert.That(mean.Map, Is.EqualTo(0.5).Within(Tolerance));
        Assert.That(mean.Recall100, Is.EqualTo(1.0).Within(Tolerance));
    }

    [Test]
    public void ReciprocalRankIsCutAtTen()
    {
        var qrels = TestData.Qrels(("q", "d11", 1));
        var run = new Run("test");
        run.Add("q", TestData.Ranked("d", 20));

        var mean = TrecEval.Evaluate(run, qrels).Mean;
        Assert.That(mean.RecipRank10, Is.EqualTo(0.0));
        Assert.That(mean.Map, Is.EqualTo(1.0 / 11).Within(Tolerance));
    }

    [Test]
    public void RecallIsCutAtOneHundredAndOneThousand()
    {
        // Relevant at ranks 50, 150 and 1500 of a 2000-document run.
        var qrels = TestData.Qrels(("q", "d50", 1), ("q", "d150", 1), ("q", "d1500", 1));
        var run = new Run("test");
        run.Add("q", TestData.Ranked("d", 2000));

        var mean = TrecEval.Evaluate(run, qrels).Mean;
        Assert.That(mean.Recall100, Is.EqualTo(1.0 / 3).Within(Tolerance));
        Assert.That(mean.Recall1000, Is.EqualTo(2.0 / 3).Within(Tolerance));
        Assert.That(mean.Map, Is.EqualTo(((1.0 / 50) + (2.0 / 150) + (3.0 / 1500)) / 3).Within(Tolerance));
    }

    /// <summary>
    /// A fixed two-query run. By hand (trec_eval -c -m ndcg_cut.10 -m recall.100 -m map; -M 10 -m recip_rank):
    /// <para>q1: relevant d1, d3, d5 (grade 1); ranked d1 d2 d3 d4. DCG = 1 + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) +
    /// 1/log2(4) = 2.1309298; nDCG = 0.7039180. RR = 1. Recall = 2/3. AP = (1/1 + 2/3) / 3 = 0.5555556.</para>
    /// <para>q2: relevant e3 (grade 2), e7 (grade 1); ranked e1..e12 with e7 moved to rank 12. DCG = 2/log2(4) = 1; ideal =
    /// 2 + 1/log2(3) = 2.6309298; nDCG = 0.3800938. RR@10 = 1/3. Recall = 1. AP = (1/3 + 2/12) / 2 = 0.25.</para>
    /// <para>q3: judged (f1, grade 1) but absent from the run: 0 everywhere.</para>
    /// <para>Means over 3 queries: nDCG@10 0.3613373, RR@10 0.4444444, R@100 0.5555556, MAP 0.2685185.</para>
    /// </summary>
    [Test]
    public void FixedRunMatchesHandComputedTrecEvalValues()
    {
        var qrels = TestData.Qrels(
            ("q1", "d1", 1), ("q1", "d3", 1), ("q1", "d5", 1),
            ("q2", "e3", 2), ("q2", "e7", 1),
            ("q3", "f1", 1));
        var run = new Run("fixed");
        run.Add("q1", [new("d1", 4.0), new("d2", 3.0), new("d3", 2.0), new("d4", 1.0)]);
        var q2 = new[] { "e1", "e2", "e3", "e4", "e5", "e6", "e8", "e9", "e10", "e11", "e12", "e7" };
        run.Add("q2", q2.Select((d, i) => new ScoredDocument(d, 100 - i)));

        var evaluation = TrecEval.Evaluate(run, qrels);

        Assert.Multiple(() =>
        {
            Assert.That(evaluation.PerQuery["q1"].Ndcg10, Is.EqualTo(0.7039180).Within(1e-7));
            Assert.That(evaluation.PerQuery["q2"].Ndcg10, Is.EqualTo(0.3800938).Within(1e-7));
            Assert.That(evaluation.PerQuery["q2"].RecipRank10, Is.EqualTo(1.0 / 3).Within(Tolerance));
            Assert.That(evaluation.PerQuery["q1"].Map, Is.EqualTo(0.5555556).Within(1e-7));
            Assert.That(evaluation.PerQuery["q2"].Map, Is.EqualTo(0.25).Within(Tolerance));
            Assert.That(evaluation.Mean.Ndcg10, Is.EqualTo(0.3613373).Within(1e-7));
            Assert.That(evaluation.Mean.RecipRank10, Is.EqualTo(0.4444444).Within(1e-7));
            Assert.That(evaluation.Mean.Recall100, Is.EqualTo(0.5555556).Within(1e-7));
            Assert.That(evaluation.Mean.Recall1000, Is.EqualTo(0.5555556).Within(1e-7));
            Assert.That(evaluation.Mean.Map, Is.EqualTo(0.2685185).Within(1e-7));
        });
    }

    [Test]
    public void RunFileRoundTripKeepsScoresAndTrecOrder()
    {
        var folder = TestData.TempFolder();
        try
        {
            var run = new Run("tag");
            run.Add("q2", [new("b", 0.1 + 0.2), new("a", 0.1 + 0.2), new("c", 1e-12)]);
            run.Add("q1", [new("x", 12.5f)]);
            var path = Path.Combine(folder, "run.trec");

            TrecRunFile.Write(run, path);
            var lines = File.ReadAllLines(path);
            var read = TrecRunFile.Read(path);

            Assert.That(lines, Is.EqualTo(new[]
            {
                "q1 Q0 x 1 12.5 tag",
                "q2 Q0 b 1 0.30000000000000004 tag",
                "q2 Q0 a 2 0.30000000000000004 tag",
                "q2 Q0 c 3 1E-12 tag",
            }));
            Assert.That(read.For("q2"), Is.EqualTo(run.For("q2")));
            Assert.That(read.Name, Is.EqualTo("tag"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void DuplicateDocumentsInAQueryAreRejected()
    {
        var run = new Run("test");
        Assert.That(() => run.Add("q", [new("a", 1), new("a", 2)]), Throws.ArgumentException.With.Message.Contains("twice"));
    }
}
