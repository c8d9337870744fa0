using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Search;

[TestFixture]
public sealed class SpladeSimilarityTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void EveryHitScoresTheDotProductOfQueryWeightsAndQuantizedFrequencies(int seed)
    {
        var random = new Random(seed);
        using var index = new ScoringFixture(Vectors(random, 300, RandomVectors.ContinuousWeight));
        var builder = new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field);

        for (var q = 0; q < 20; q++)
        {
            var query = RandomVectors.Create(random, random.Next(1, 40), idRange: 250, RandomVectors.ContinuousWeight);
            var expected = index.BruteForceRanking(query);

            var hits = index.Searcher.Search(builder.Build(query), index.Documents.Count).ScoreDocs;

            Assert.That(hits.Select(h => index.DocumentIndex(h.Doc)), Is.EquivalentTo(expected.Select(e => e.Document)), $"query {q}: matching documents");
            for (var rank = 0; rank < hits.Length; rank++)
            {
                var document = index.DocumentIndex(hits[rank].Doc);
                ScoringFixture.AssertClose(hits[rank].Score, index.BruteForceScore(query, document), $"query {q}, document {document}");
                ScoringFixture.AssertClose(hits[rank].Score, expected[rank].Score, $"query {q}, rank {rank}: ranking");
            }
        }
    }

    [Test]
    public void TopKIsTheBruteForceTopK_WithTiesBrokenByDocId()
    {
        // Dyadic weights and integer frequencies make every score exact, so ties are real and the order is fixed.
        var random = new Random(4);
        var options = new Lucene.Splade.Analysis.SpladeIndexingOptions { Quantizer = new TermFrequencyQuantizer(scale: 8) };
        using var index = new ScoringFixture(Vectors(random, 200, RandomVectors.DyadicWeight), options: options);
        var builder = new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field);
        var tied = 0;

        for (var q = 0; q < 30; q++)
        {
            var query = RandomVectors.Create(random, random.Next(1, 6), idRange: 250, RandomVectors.DyadicWeight);
            var expected = index.BruteForceRanking(query).Take(10).ToList();

            var hits = index.Searcher.Search(builder.Build(query), 10).ScoreDocs;

            Assert.That(hits.Select(h => (index.DocumentIndex(h.Doc), (double)h.Score)), Is.EqualTo(expected), $"query {q}");
            tied += expected.Zip(expected.Skip(1)).Count(p => p.First.Score == p.Second.Score);
        }

        Assert.That(tied, Is.GreaterThan(0), "the data should contain ties, or the tie order went untested");
    }

    [Test]
    public void AScoreIsTheQuantizerScaleTimesTheDotProductWithTheDequantizedDocument()
    {
        var random = new Random(5);
        using var index = new ScoringFixture(Vectors(random, 50, RandomVectors.ContinuousWeight));
        var quantizer = index.Options.Quantizer;
        var query = RandomVectors.Create(random, 60, idRange: 250, RandomVectors.ContinuousWeight);

        var hits = index.Searcher.Search(new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field).Build(query), 50).ScoreDocs;

        Assert.That(hits, Is.Not.Empty);
        foreach (var hit in hits)
        {
            var dequantized = quantizer.Dequantize(quantizer.Quantize(index.Documents[index.DocumentIndex(hit.Doc)]));
            ScoringFixture.AssertClose(hit.Score, quantizer.Scale * query.Dot(dequantized), $"doc {hit.Doc}");
        }
    }

    [Test]
    public void BoostsAroundTheQueryMultiplyTheScores_QueryNormDoesNot()
    {
        var random = new Random(6);
        using var index = new ScoringFixture(Vectors(random, 80, RandomVectors.ContinuousWeight));
        var query = RandomVectors.Create(random, 30, idRange: 250, RandomVectors.ContinuousWeight);
        var plain = new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field).Build(query);
        var boosted = new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field).Build(query);
        boosted.Boost = 2.5f;
        var wrapped = new BooleanQuery(disableCoord: true) { { boosted, Occur.MUST } };
        wrapped.Boost = 2f;

        var plainHits = index.Searcher.Search(plain, 80).ScoreDocs;
        var wrappedHits = index.Searcher.Search(wrapped, 80).ScoreDocs;

        Assert.That(plainHits, Is.Not.Empty);
        Assert.That(wrappedHits.Select(h => h.Doc), Is.EqualTo(plainHits.Select(h => h.Doc)));
        for (var i = 0; i < plainHits.Length; i++)
        {
            ScoringFixture.AssertClose(wrappedHits[i].Score, 5.0 * plainHits[i].Score, $"rank {i}");
        }
    }

    [Test]
    public void ExplainGivesTheScore()
    {
        var random = new Random(7);
        using var index = new ScoringFixture(Vectors(random, 40, RandomVectors.ContinuousWeight));
        var query = new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field).Build(RandomVectors.Create(random, 40, 250, RandomVectors.ContinuousWeight));

        var hits = index.Searcher.Search(query, 10).ScoreDocs;

        Assert.That(hits, Is.Not.Empty);
        foreach (var hit in hits)
        {
            var explanation = index.Searcher.Explain(query, hit.Doc);
            Assert.That(explanation.IsMatch, Is.True);
            ScoringFixture.AssertClose(explanation.Value, hit.Score, explanation.ToString());
        }
    }

    [Test]
    public void CoordQueryNormAndNormsAreNeutral()
    {
        var similarity = SpladeSimilarity.Instance;

        Assert.Multiple(() =>
        {
            Assert.That(similarity.Coord(1, 7), Is.EqualTo(1f));
            Assert.That(similarity.QueryNorm(123.4f), Is.EqualTo(1f));
            Assert.That(similarity.ComputeNorm(new FieldInvertState("splade", position: 5, length: 40, numOverlap: 30, offset: 0, boost: 3f)), Is.Zero);
        });
    }

    [Test]
    public void AWeightFromAnotherSimilarityIsRejected()
    {
        var foreign = new Lucene.Net.Search.Similarities.BM25Similarity().ComputeWeight(1f, new CollectionStatistics("f", 10, 10, 10, 10), new TermStatistics(new Lucene.Net.Util.BytesRef("t"), 1, 1));

        Assert.That(() => SpladeSimilarity.Instance.GetSimScorer(foreign, null!), Throws.ArgumentException
            .With.Property("ParamName").EqualTo("weight").And.Message.Contains("Expected a weight made by SpladeSimilarity, got BM25Stats"));
        Assert.That(() => SpladeSimilarity.Instance.GetSimScorer(null!, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("weight"));
    }

    [Test]
    public void ATermsExplanationIsQueryWeightTimesTfWithBothAsDetails()
    {
        var weight = SpladeSimilarity.Instance.ComputeWeight(1.5f, new CollectionStatistics("f", 10, 10, 10, 10));
        weight.Normalize(queryNorm: 0.25f, topLevelBoost: 2f);
        var scorer = SpladeSimilarity.Instance.GetSimScorer(weight, null!);

        var explanation = scorer.Explain(4, new Explanation(7f, "termFreq=7"));

        Assert.Multiple(() =>
        {
            Assert.That(weight.GetValueForNormalization(), Is.EqualTo(2.25f), "the square of the query boost, as Lucene's other models");
            Assert.That(explanation.Value, Is.EqualTo(21f), "query weight 1.5 x enclosing boost 2 x tf 7; queryNorm ignored");
            Assert.That(explanation.Description, Is.EqualTo("score(doc=4,freq=7), query weight x tf, product of:"));
            Assert.That(explanation.GetDetails().Select(d => (d.Value, d.Description)), Is.EqualTo(new[] { (3f, "query weight"), (7f, "termFreq=7") }));
            Assert.That(scorer.ComputeSlopFactor(0), Is.EqualTo(1f));
            Assert.That(scorer.ComputeSlopFactor(3), Is.EqualTo(0.25f));
        });
    }

    internal static List<SparseVector> Vectors(Random random, int count, Func<Random, float> weight) =>
        Enumerable.Range(0, count).Select(_ => RandomVectors.Create(random, random.Next(1, 50), idRange: 250, weight)).ToList();
}
