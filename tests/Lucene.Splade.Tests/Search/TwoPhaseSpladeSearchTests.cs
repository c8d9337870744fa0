using System.Globalization;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Analysis;
using Lucene.Splade.Interchange;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Search;

/// <summary>
/// <see cref="TwoPhaseSpladeSearch"/> on random corpora: with every query term in the first phase and the index's
/// quantizer it is the exhaustive query; with fewer terms every hit it returns carries its exact score.
/// </summary>
[TestFixture]
public sealed class TwoPhaseSpladeSearchTests
{
    private const string Field = "splade";
    private const string ForwardField = "splade_vector";
    private const int IdRange = 300;
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();
    private static readonly TermFrequencyQuantizer Quantizer = SpladeIndexingOptions.Default.Quantizer;

    [TestCase(1, 10)]
    [TestCase(2, 1)]
    [TestCase(3, 25)]
    public void WithEveryTermAndTheIndexQuantizerItIsTheExhaustiveQuery(int seed, int n)
    {
        var random = new Random(seed);
        using var index = TestIndex.Create(random, documents: 600);
        var builder = new SpladeQueryBuilder(Vocabulary, Field);
        var search = new TwoPhaseSpladeSearch(builder, ForwardField, candidateTerms: 1000, candidates: 600) { Quantizer = Quantizer };
        for (var q = 0; q < 20; q++)
        {
            // Dyadic query weights times integer frequencies: exact float sums, so summation order cannot reorder ties.
            var query = RandomVectors.Create(random, 12, IdRange, RandomVectors.DyadicWeight);

            var expected = index.Searcher.Search(((SpladeQuery)builder.Build(query)).ToBooleanQuery(), n);
            var actual = search.Search(index.Searcher, query, n);

            Assert.That(actual.ScoreDocs.Select(h => h.Doc), Is.EqualTo(expected.ScoreDocs.Select(h => h.Doc)), $"query {q}");
            Assert.That(actual.ScoreDocs.Select(h => h.Score), Is.EqualTo(expected.ScoreDocs.Select(h => h.Score)), $"query {q}");
        }
    }

    [Test]
    public void WithTheHeavyTermsOnlyEveryHitHasItsExactScoreAndTheCandidatesComeFromThoseTerms()
    {
        var random = new Random(4);
        using var index = TestIndex.Create(random, documents: 600);
        var builder = new SpladeQueryBuilder(Vocabulary, Field);
        var search = new TwoPhaseSpladeSearch(builder, ForwardField, candidateTerms: 3, candidates: 40) { Quantizer = Quantizer };
        var differs = false;
        for (var q = 0; q < 20; q++)
        {
            var query = RandomVectors.Create(random, 12, IdRange, RandomVectors.ContinuousWeight);
            var heavy = query.ByDescendingWeight().Take(3).Select(t => t.TermId).ToHashSet();

            var hits = search.Search(index.Searcher, query, 10);
            var exhaustive = index.Searcher.Search(((SpladeQuery)builder.Build(query)).ToBooleanQuery(), 10);

            Assert.That(hits.ScoreDocs, Has.Length.EqualTo(10));
            Assert.That(hits.ScoreDocs.Select(h => h.Score), Is.Ordered.Descending);
            foreach (var hit in hits.ScoreDocs)
            {
                var document = index.Vectors[hit.Doc];
                Assert.That(document.TermIds.ToArray().Any(heavy.Contains), Is.True, $"query {q}: doc {hit.Doc} holds a heavy term");
                Assert.That(hit.Score, Is.EqualTo(ExactScore(query, document)).Within(1e-4), $"query {q}: doc {hit.Doc} re-scored with every term");
            }

            differs |= !hits.ScoreDocs.Select(h => h.Doc).SequenceEqual(exhaustive.ScoreDocs.Select(h => h.Doc));
        }

        Assert.That(differs, Is.True, "three heavy terms and 40 candidates should miss some exhaustive top 10: the test must exercise the approximation");
    }

    [Test]
    public void WithoutAQuantizerTheForwardIndexsFloatWeightsScore()
    {
        var random = new Random(5);
        using var index = TestIndex.Create(random, documents: 200);
        var search = new TwoPhaseSpladeSearch(new SpladeQueryBuilder(Vocabulary, Field), ForwardField, candidateTerms: 5, candidates: 50);
        var query = RandomVectors.Create(random, 10, IdRange, RandomVectors.ContinuousWeight);

        var hits = search.Search(index.Searcher, query, 5);

        Assert.That(hits.ScoreDocs, Is.Not.Empty);
        foreach (var hit in hits.ScoreDocs)
        {
            Assert.That(hit.Score, Is.EqualTo((float)query.Dot(index.Vectors[hit.Doc])).Within(1e-4));
        }
    }

    [Test]
    public void AFilterRestrictsTheCandidates()
    {
        var random = new Random(6);
        using var index = TestIndex.Create(random, documents: 300);
        var search = new TwoPhaseSpladeSearch(new SpladeQueryBuilder(Vocabulary, Field), ForwardField, candidateTerms: 4, candidates: 30);
        var even = new QueryWrapperFilter(new TermQuery(new Term("parity", "even")));

        var hits = search.Search(index.Searcher, RandomVectors.Create(random, 10, IdRange, RandomVectors.ContinuousWeight), 10, even);

        Assert.That(hits.ScoreDocs, Is.Not.Empty);
        Assert.That(hits.ScoreDocs.Select(h => int.Parse(index.Searcher.Doc(h.Doc).Get("id"), CultureInfo.InvariantCulture) % 2), Is.All.Zero);
    }

    [Test]
    public void EmptyQueriesAndBadArguments()
    {
        var random = new Random(7);
        using var index = TestIndex.Create(random, documents: 20);
        var builder = new SpladeQueryBuilder(Vocabulary, Field);
        var search = new TwoPhaseSpladeSearch(builder, ForwardField, candidateTerms: 4, candidates: 30);

        Assert.That(search.Search(index.Searcher, SparseVector.Empty, 10).ScoreDocs, Is.Empty);
        Assert.That(() => search.Search(index.Searcher, SparseVector.Empty, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => search.Search(null!, SparseVector.Empty, 1), Throws.ArgumentNullException);
        Assert.That(() => new TwoPhaseSpladeSearch(builder, ForwardField, candidateTerms: 0, candidates: 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new TwoPhaseSpladeSearch(builder, ForwardField, candidateTerms: 1, candidates: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new TwoPhaseSpladeSearch(builder, null!, 1, 1), Throws.ArgumentNullException);
    }

    /// <summary>The index's score: query weight x quantized document frequency, summed.</summary>
    private static double ExactScore(SparseVector query, SparseVector document) =>
        query.TermIds.ToArray().Zip(query.Weights.ToArray()).Sum(t => t.Second * (double)Quantizer.ToFrequency(document[t.First]));

    /// <summary>Random documents with the SPLADE field and its forward vector, in several segments.</summary>
    private sealed class TestIndex : IDisposable
    {
        private readonly Lucene.Net.Store.Directory _directory;
        private readonly DirectoryReader _reader;

        private TestIndex(Lucene.Net.Store.Directory directory, SparseVector[] vectors)
        {
            _directory = directory;
            _reader = DirectoryReader.Open(directory);
            Searcher = new IndexSearcher(_reader) { Similarity = SpladeSimilarity.ForFields([Field]) };
            Vectors = vectors;
        }

        public IndexSearcher Searcher { get; }

        /// <summary>Each document's vector by doc id (no deletions, no merges: doc id = insertion order).</summary>
        public SparseVector[] Vectors { get; }

        public static TestIndex Create(Random random, int documents)
        {
            var vectors = Enumerable.Range(0, documents).Select(_ => RandomVectors.Create(random, random.Next(5, 40), IdRange, RandomVectors.ContinuousWeight)).ToArray();
            var directory = SpladeTestIndex.NewDirectory();
            var config = new IndexWriterConfig(SpladeTestIndex.Version, new KeywordAnalyzer()) { Similarity = SpladeSimilarity.ForFields([Field]), MaxBufferedDocs = 150, MergePolicy = NoMergePolicy.NO_COMPOUND_FILES };
            using (var writer = new IndexWriter(directory, config))
            {
                for (var i = 0; i < vectors.Length; i++)
                {
                    writer.AddDocument(new Document
                    {
                        new StringField("id", i.ToString(CultureInfo.InvariantCulture), Lucene.Net.Documents.Field.Store.YES),
                        new StringField("parity", i % 2 == 0 ? "even" : "odd", Lucene.Net.Documents.Field.Store.NO),
                        SpladeField.CreateEncodedField(Field, vectors[i], Vocabulary),
                        ForwardVectors.CreateField(ForwardField, vectors[i]),
                    });
                }
            }

            return new TestIndex(directory, vectors);
        }

        public void Dispose()
        {
            _reader.Dispose();
            _directory.Dispose();
        }
    }
}
