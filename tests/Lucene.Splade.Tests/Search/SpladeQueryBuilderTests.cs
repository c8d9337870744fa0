using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Search;

[TestFixture]
[NonParallelizable] // Some tests change BooleanQuery.MaxClauseCount, which is process-wide.
public sealed class SpladeQueryBuilderTests
{
    private const string Field = "splade";
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    [Test]
    public void OneShouldTermClausePerTerm_BoostedByItsWeight_WithoutCoord()
    {
        var vector = new SparseVector([300, 20, 41], [0.75f, 1.25f, 0.1234567f]);

        var query = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field).Build(vector));

        Assert.That(query.CoordDisabled, Is.True);
        Assert.That(Clauses(query), Is.EqualTo(new[] { (Vocabulary[20], 1.25f), (Vocabulary[41], 0.1234567f), (Vocabulary[300], 0.75f) }));
        Assert.That(query.Clauses.Select(c => c.Occur).Distinct(), Is.EqualTo(new[] { Occur.SHOULD }));
        Assert.That(query.Clauses.Select(c => ((TermQuery)c.Query).Term.Field).Distinct(), Is.EqualTo(new[] { Field }));
    }

    [Test]
    public void TextIsEncodedWithTheEncoder()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        var builder = new SpladeQueryBuilder(encoder, Field);
        const string text = "what is learned sparse retrieval";

        var query = builder.Build(text);

        Assert.That(encoder.ReceivedTexts, Is.EqualTo(new[] { text }));
        Assert.That(query, Is.EqualTo(builder.Build(encoder.EncodeDocument(text))));
        Assert.That(Exhaustive(query).Clauses, Is.Not.Empty);
    }

    [Test]
    public void QueryPruningIsApplied()
    {
        var vector = new SparseVector([10, 11, 12, 13], [0.4f, 0.1f, 0.9f, 0.5f]);

        var query = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field) { QueryPruning = new PruningOptions { TopK = 2 } }.Build(vector));

        Assert.That(Clauses(query).Select(c => c.Term), Is.EqualTo(new[] { Vocabulary[12], Vocabulary[13] }));
    }

    [Test]
    public void SpecialTokensNeverBecomeClauses()
    {
        var vector = new SparseVector([FakeVocabulary.ClsId, 0, 50], [3f, 2f, 0.5f]);

        var query = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field).Build(vector));

        Assert.That(Clauses(query).Select(c => c.Term), Is.EqualTo(new[] { Vocabulary[50] }));
    }

    [Test]
    public void AnEmptyQueryMatchesNothing()
    {
        using var index = new ScoringFixture(SpladeSimilarityTests.Vectors(new Random(8), 30, RandomVectors.ContinuousWeight));
        var builder = new SpladeQueryBuilder(new FakeSparseEncoder(ScoringFixture.Vocabulary), ScoringFixture.Field);

        var fromVector = Exhaustive(builder.Build(SparseVector.Empty));
        var fromText = Exhaustive(builder.Build("  "));

        Assert.That(fromVector.Clauses, Is.Empty);
        Assert.That(fromText.Clauses, Is.Empty);
        Assert.That(index.Searcher.Search(fromVector, 10).TotalHits, Is.Zero);
    }

    [Test]
    public void AVectorLongerThanMaxClauseCountKeepsTheHeaviestTerms()
    {
        var vector = ManyTerms(3000);
        var limit = BooleanQuery.MaxClauseCount;

        var query = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field).Build(vector));

        Assert.That(limit, Is.LessThan(3000), "the default limit (1024) is what this test exceeds");
        Assert.That(Clauses(query).Select(c => c.Term), Is.EquivalentTo(Heaviest(vector, limit).Select(id => Vocabulary[id])));
    }

    [Test]
    public void RaisingMaxClauseCountAllowsMoreClauses()
    {
        var vector = ManyTerms(3000);
        var saved = BooleanQuery.MaxClauseCount;
        try
        {
            BooleanQuery.MaxClauseCount = 2500;
            var query = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field).Build(vector));
            Assert.That(Clauses(query).Select(c => c.Term), Is.EquivalentTo(Heaviest(vector, 2500).Select(id => Vocabulary[id])));

            BooleanQuery.MaxClauseCount = 5000;
            Assert.That(Exhaustive(new SpladeQueryBuilder(Vocabulary, Field).Build(vector)).Clauses, Has.Count.EqualTo(3000));
        }
        finally
        {
            BooleanQuery.MaxClauseCount = saved;
        }
    }

    [Test]
    public void MaxClausesLowersTheLimit_ButNeverRaisesIt()
    {
        var vector = ManyTerms(3000);

        var lower = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field) { MaxClauses = 10 }.Build(vector));
        var higher = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field) { MaxClauses = 2000 }.Build(vector));

        Assert.That(Clauses(lower).Select(c => c.Term), Is.EquivalentTo(Heaviest(vector, 10).Select(id => Vocabulary[id])));
        Assert.That(higher.Clauses, Has.Count.EqualTo(BooleanQuery.MaxClauseCount));
        Assert.That(() => new SpladeQueryBuilder(Vocabulary, Field) { MaxClauses = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void TiesAtTheCutKeepTheLowerTermIds()
    {
        var vector = new SparseVector([30, 20, 10, 40], [1f, 1f, 1f, 2f]);

        var query = Exhaustive(new SpladeQueryBuilder(Vocabulary, Field) { MaxClauses = 3 }.Build(vector));

        Assert.That(Clauses(query).Select(c => c.Term), Is.EqualTo(new[] { Vocabulary[10], Vocabulary[20], Vocabulary[40] }));
    }

    [Test]
    public void AQueryWithMoreTermsThanTheLimitStillSearches()
    {
        using var index = new ScoringFixture(SpladeSimilarityTests.Vectors(new Random(9), 50, RandomVectors.ContinuousWeight));
        var vector = new SparseVector(
            Enumerable.Range(FakeVocabulary.FirstTermId, 3000).ToArray(),
            Enumerable.Range(0, 3000).Select(i => 0.01f + i % 97 / 50f).ToArray());

        var query = Exhaustive(new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field).Build(vector));
        var hits = index.Searcher.Search(query, 5).ScoreDocs;

        Assert.That(hits, Is.Not.Empty);
    }

    [Test]
    public void QueriesAreExactToTheBuildersTopK()
    {
        var vector = new SparseVector([300, 20], [0.75f, 1.25f]);
        Assert.That(((SpladeQuery)new SpladeQueryBuilder(Vocabulary, Field).Build(vector)).TopK, Is.EqualTo(SpladeQuery.DefaultTopK));
        Assert.That(((SpladeQuery)new SpladeQueryBuilder(Vocabulary, Field) { TopK = 10 }.Build(vector)).TopK, Is.EqualTo(10));
        Assert.That(() => new SpladeQueryBuilder(Vocabulary, Field) { TopK = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(((SpladeQuery)new SpladeQueryBuilder(Vocabulary, Field).Build(vector)).DynamicPruning, Is.False);
        Assert.That(((SpladeQuery)new SpladeQueryBuilder(Vocabulary, Field) { DynamicPruning = true }.Build(vector)).DynamicPruning, Is.True);
    }

    [Test]
    public void WithoutAnEncoderOnlyVectorsCanBeBuilt()
    {
        var builder = new SpladeQueryBuilder(Vocabulary, Field);

        Assert.That(builder.CanEncode, Is.False);
        Assert.That(() => builder.Build("text"), Throws.InvalidOperationException);
        Assert.That(new SpladeQueryBuilder(new FakeSparseEncoder(Vocabulary), Field).CanEncode, Is.True);
    }

    [Test]
    public void InvalidInput_IsRejected()
    {
        var builder = new SpladeQueryBuilder(Vocabulary, Field);

        Assert.Multiple(() =>
        {
            Assert.That(() => builder.Build(new SparseVector([Vocabulary.Count], [1f])), Throws.ArgumentException.With.Message.Contains("outside the vocabulary"));
            Assert.That(() => builder.Build((SparseVector)null!), Throws.ArgumentNullException);
            Assert.That(() => new SpladeQueryBuilder((Lucene.Splade.Encoders.IQueryEncoder)null!, Field), Throws.ArgumentNullException);
            Assert.That(() => new SpladeQueryBuilder(Vocabulary, null!), Throws.ArgumentNullException);
            Assert.That(() => new SpladeQueryBuilder(Vocabulary, Field) { QueryPruning = null! }, Throws.ArgumentNullException);
        });
    }

    /// <summary>The exhaustive query the built <see cref="SpladeQuery"/> stands for: its clauses are what the builder chose.</summary>
    private static BooleanQuery Exhaustive(Query built) => ((SpladeQuery)built).ToBooleanQuery();

    private static List<(string Term, float Boost)> Clauses(BooleanQuery query) =>
        query.Clauses.Select(c => (((TermQuery)c.Query).Term.Text, c.Query.Boost)).ToList();

    private static SparseVector ManyTerms(int count)
    {
        // Distinct weights in shuffled id order, so "heaviest" is not "lowest ids".
        var random = new Random(count);
        var ids = Enumerable.Range(FakeVocabulary.FirstTermId, count).OrderBy(_ => random.Next()).ToArray();
        return new SparseVector(ids, Enumerable.Range(1, count).Select(i => i / 1000f).ToArray());
    }

    private static IEnumerable<int> Heaviest(SparseVector vector, int count) =>
        vector.ByDescendingWeight().Take(count).Select(t => t.TermId);
}
