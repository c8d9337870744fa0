using Lucene.Net.Analysis.Standard;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Splade.Analysis;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Search;

[TestFixture]
public sealed class SpladePerFieldSimilarityTests
{
    private const string TextField = "text";
    private const string Field = "splade";
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    private static readonly string[] Words = ["sparse", "dense", "retrieval", "lucene", "vector", "model", "query", "index", "term", "score"];

    [Test]
    public void Bm25ScoresOnATextFieldEqualThoseOfAPlainBm25Index()
    {
        var random = new Random(31);
        var texts = Enumerable.Range(0, 120).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 30)).Select(_ => Words[random.Next(Words.Length)]))).ToList();
        var vectors = texts.Select(_ => RandomVectors.Create(random, random.Next(1, 30), 200, RandomVectors.ContinuousWeight)).ToList();
        var perField = SpladeSimilarity.ForFields([Field]);
        using var mixed = Build(texts, vectors, perField);
        using var plain = Build(texts, vectors: null, new BM25Similarity());
        using var mixedReader = DirectoryReader.Open(mixed);
        using var plainReader = DirectoryReader.Open(plain);
        var mixedSearcher = new IndexSearcher(mixedReader) { Similarity = perField };
        var plainSearcher = new IndexSearcher(plainReader) { Similarity = new BM25Similarity() };

        foreach (var query in TextQueries())
        {
            var expected = plainSearcher.Search(query, texts.Count).ScoreDocs;
            var actual = mixedSearcher.Search(query, texts.Count).ScoreDocs;

            Assert.That(expected, Is.Not.Empty, query.ToString());
            Assert.That(actual.Select(h => (h.Doc, h.Score)), Is.EqualTo(expected.Select(h => (h.Doc, h.Score))), query.ToString());
        }
    }

    [Test]
    public void TheSpladeFieldOfTheSameIndexScoresTheDotProduct()
    {
        var random = new Random(32);
        var vectors = SpladeSimilarityTests.Vectors(random, 100, RandomVectors.ContinuousWeight);
        var perField = SpladeSimilarity.ForFields([ScoringFixture.Field]);
        using var index = new ScoringFixture(vectors, perField);
        var query = RandomVectors.Create(random, 40, 250, RandomVectors.ContinuousWeight);

        var hits = index.Searcher.Search(new SpladeQueryBuilder(ScoringFixture.Vocabulary, ScoringFixture.Field).Build(query), vectors.Count).ScoreDocs;

        Assert.That(hits, Is.Not.Empty);
        foreach (var hit in hits)
        {
            ScoringFixture.AssertClose(hit.Score, index.BruteForceScore(query, index.DocumentIndex(hit.Doc)), $"doc {hit.Doc}");
        }
    }

    [Test]
    public void SpladeFieldsGetSpladeSimilarity_OtherFieldsBm25UnlessToldOtherwise()
    {
        var byDefault = SpladeSimilarity.ForFields([Field, "splade2"]);
        var custom = new DefaultSimilarity();
        var withCustom = SpladeSimilarity.ForFields([Field], custom);

        Assert.Multiple(() =>
        {
            Assert.That(byDefault.Get(Field), Is.SameAs(SpladeSimilarity.Instance));
            Assert.That(byDefault.Get("splade2"), Is.SameAs(SpladeSimilarity.Instance));
            Assert.That(byDefault.Get(TextField), Is.InstanceOf<BM25Similarity>());
            Assert.That(withCustom.Get(TextField), Is.SameAs(custom));
            Assert.That(withCustom.Get("Splade"), Is.SameAs(custom), "field names compare ordinally");
            Assert.That(byDefault.SpladeFields, Is.EquivalentTo(new[] { Field, "splade2" }));
        });
    }

    [Test]
    public void CoordAndQueryNormAreOne_WhateverTheOtherSimilarity()
    {
        var withTfIdf = SpladeSimilarity.ForFields([Field], new DefaultSimilarity());

        Assert.Multiple(() =>
        {
            Assert.That(withTfIdf.Coord(1, 4), Is.EqualTo(1f));
            Assert.That(withTfIdf.QueryNorm(9f), Is.EqualTo(1f));
        });
    }

    [Test]
    public void NullFieldNamesAreRejected()
    {
        Assert.That(() => SpladeSimilarity.ForFields(null!), Throws.ArgumentNullException);
        Assert.That(() => SpladeSimilarity.ForFields([Field, null!]), Throws.ArgumentNullException);
    }

    private static IEnumerable<Query> TextQueries()
    {
        yield return new TermQuery(new Term(TextField, "sparse"));
        yield return new TermQuery(new Term(TextField, "score")) { Boost = 3f };
        yield return new BooleanQuery { { new TermQuery(new Term(TextField, "lucene")), Occur.SHOULD }, { new TermQuery(new Term(TextField, "vector")), Occur.SHOULD } };
        yield return new BooleanQuery { { new TermQuery(new Term(TextField, "model")), Occur.MUST }, { new TermQuery(new Term(TextField, "query")), Occur.SHOULD } };
    }

    private static RAMDirectory Build(IReadOnlyList<string> texts, IReadOnlyList<SparseVector>? vectors, Similarity similarity)
    {
        var directory = new RAMDirectory();
        using var analyzer = new StandardAnalyzer(SpladeTestIndex.Version);
        using var writer = SpladeTestIndex.OpenWriter(directory, analyzer, similarity);
        for (var i = 0; i < texts.Count; i++)
        {
            var doc = new Document { new Lucene.Net.Documents.TextField(TextField, texts[i], Lucene.Net.Documents.Field.Store.NO) };
            if (vectors is not null)
            {
                doc.Add(SpladeField.CreateEncodedField(Field, vectors[i], Vocabulary));
            }

            writer.AddDocument(doc);
        }

        return directory;
    }
}
