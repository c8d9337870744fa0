using System.Globalization;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;

namespace Lucene.Splade.Tests.Search;

/// <summary>
/// <see cref="SpladeQuery"/> against the exhaustive <see cref="BooleanQuery"/> it replaces, on random corpora and
/// queries: same top k documents in the same order with the same float scores, ties included, over several
/// segments, with deletions, filters, paging and parallel segment search.
/// </summary>
[TestFixture]
public sealed class SpladeQueryTests
{
    private const string Field = "splade";
    private const string IdField = "id";

    [TestCase(1, 1)]
    [TestCase(2, 3)]
    [TestCase(3, 10)]
    [TestCase(4, 10)]
    [TestCase(5, 50)]
    [TestCase(6, 1)]
    public void TopKIsTheExhaustiveQuerysTopK_DocumentsOrderAndScores(int seed, int k)
    {
        var random = new Random(seed);
        // Weights in eighths and small frequencies make exact ties common; seeds 4 and 6 use arbitrary floats.
        var ties = seed % 2 == 1 || seed == 2;
        using var index = RandomIndex.Create(random, documents: 1500, terms: 60, segmentSize: 400, deleteEvery: 7);
        var prunedAny = false;
        for (var q = 0; q < 40; q++)
        {
            var query = RandomQuery(random, terms: 60, ties, k);

            var exhaustive = index.Searcher.Search(query.ToBooleanQuery(), k);
            var pruned = index.Searcher.Search(query, k);

            AssertSameHits(exhaustive, pruned, $"seed {seed}, query {q} ({query})");
            Assert.That(pruned.TotalHits, Is.LessThanOrEqualTo(exhaustive.TotalHits));
            prunedAny |= pruned.TotalHits < exhaustive.TotalHits;
        }

        Assert.That(prunedAny, Is.True, "the test must exercise pruning: some query should score fewer documents than match");
    }

    [Test]
    public void WithoutDynamicPruningEveryMatchIsScored()
    {
        var random = new Random(10);
        using var index = RandomIndex.Create(random, documents: 1000, terms: 40, segmentSize: 300, deleteEvery: 0);
        var pruning = RandomQuery(random, terms: 40, ties: true, topK: 1);
        var plain = new SpladeQuery(Field, pruning.Terms, pruning.Weights, topK: 1);
        Assert.That(plain.DynamicPruning, Is.False, "off by default");
        var exhaustive = index.Searcher.Search(pruning.ToBooleanQuery(), 1);
        var result = index.Searcher.Search(plain, 1);
        AssertSameHits(exhaustive, result, "plain");
        Assert.That(result.TotalHits, Is.EqualTo(exhaustive.TotalHits));
        Assert.That(index.Searcher.Search(pruning, 1).TotalHits, Is.LessThan(exhaustive.TotalHits), "the same query with pruning skips documents");
    }

    [Test]
    public void AskingForFewerHitsThanTopKGivesTheExhaustiveTopHits()
    {
        var random = new Random(11);
        using var index = RandomIndex.Create(random, documents: 800, terms: 40, segmentSize: 300, deleteEvery: 0);
        for (var q = 0; q < 20; q++)
        {
            var query = RandomQuery(random, terms: 40, ties: true, topK: 20);
            AssertSameHits(index.Searcher.Search(query.ToBooleanQuery(), 7), index.Searcher.Search(query, 7), $"query {q}");
        }
    }

    [Test]
    public void PagesWithinTopKAreTheExhaustivePages()
    {
        var random = new Random(12);
        using var index = RandomIndex.Create(random, documents: 900, terms: 40, segmentSize: 250, deleteEvery: 5);
        for (var q = 0; q < 15; q++)
        {
            var query = RandomQuery(random, terms: 40, ties: true, topK: 30);
            var first = index.Searcher.Search(query.ToBooleanQuery(), 10);
            var after = first.ScoreDocs[^1];
            AssertSameHits(index.Searcher.SearchAfter(after, query.ToBooleanQuery(), 10), index.Searcher.SearchAfter(after, query, 10), $"query {q}, page 2");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void AFilterGivesTheExhaustiveFilteredTopK(bool cached)
    {
        var random = new Random(13);
        using var index = RandomIndex.Create(random, documents: 1200, terms: 50, segmentSize: 300, deleteEvery: 9);
        Filter filter = new QueryWrapperFilter(new TermQuery(new Term("parity", "even")));
        if (cached)
        {
            filter = new CachingWrapperFilter(filter);
        }

        for (var q = 0; q < 20; q++)
        {
            var query = RandomQuery(random, terms: 50, ties: q % 2 == 0, topK: 10);
            var pruned = index.Searcher.Search(query, filter, 10);
            AssertSameHits(index.Searcher.Search(query.ToBooleanQuery(), filter, 10), pruned, $"query {q}");
            Assert.That(pruned.ScoreDocs.Select(h => index.Searcher.Doc(h.Doc).Get("parity")), Is.All.EqualTo("even"));
        }
    }

    [Test]
    public void SegmentsSearchedInParallelGiveTheSameTopK()
    {
        var random = new Random(14);
        using var index = RandomIndex.Create(random, documents: 2000, terms: 50, segmentSize: 200, deleteEvery: 0);
        var parallel = new IndexSearcher(index.Reader, TaskScheduler.Default) { Similarity = SpladeSimilarity.Instance };
        for (var q = 0; q < 20; q++)
        {
            var query = RandomQuery(random, terms: 50, ties: true, topK: 10);
            AssertSameHits(index.Searcher.Search(query.ToBooleanQuery(), 10), parallel.Search(query, 10), $"query {q}");
        }
    }

    [Test]
    public void ExplainGivesTheScoreOfEveryHit()
    {
        var random = new Random(15);
        using var index = RandomIndex.Create(random, documents: 300, terms: 30, segmentSize: 100, deleteEvery: 0);
        var query = RandomQuery(random, terms: 30, ties: false, topK: 10);
        foreach (var hit in index.Searcher.Search(query, 10).ScoreDocs)
        {
            var explanation = index.Searcher.Explain(query, hit.Doc);
            Assert.That(explanation.IsMatch, Is.True);
            Assert.That(explanation.Value, Is.EqualTo(hit.Score), explanation.ToString());
        }
    }

    [Test]
    public void InsideABooleanQueryOrWithAnotherCollectorItScoresEveryMatch()
    {
        var random = new Random(16);
        using var index = RandomIndex.Create(random, documents: 600, terms: 30, segmentSize: 200, deleteEvery: 0);
        var query = RandomQuery(random, terms: 30, ties: true, topK: 1);

        // Nested, the outer query adds another clause's score: pruning on the SPLADE part alone would be wrong.
        var nested = new BooleanQuery { { query, Occur.SHOULD }, { new TermQuery(new Term("parity", "even")), Occur.SHOULD } };
        var nestedExhaustive = new BooleanQuery { { query.ToBooleanQuery(), Occur.SHOULD }, { new TermQuery(new Term("parity", "even")), Occur.SHOULD } };
        AssertSameHits(index.Searcher.Search(nestedExhaustive, 10), index.Searcher.Search(nested, 10), "nested");

        var counter = new TotalHitCountCollector();
        index.Searcher.Search(query, counter);
        Assert.That(counter.TotalHits, Is.EqualTo(index.Searcher.Search(query.ToBooleanQuery(), 1).TotalHits), "a counting collector sees every match");
    }

    [Test]
    public void WithAnotherSimilarityItScoresLikeTheExhaustiveQuery()
    {
        var random = new Random(17);
        using var index = RandomIndex.Create(random, documents: 500, terms: 30, segmentSize: 200, deleteEvery: 0);
        var bm25 = new IndexSearcher(index.Reader) { Similarity = new BM25Similarity() };
        var query = RandomQuery(random, terms: 30, ties: false, topK: 5);
        var exhaustive = bm25.Search(query.ToBooleanQuery(), 5);
        var result = bm25.Search(query, 5);
        AssertSameHits(exhaustive, result, "BM25");
        Assert.That(result.TotalHits, Is.EqualTo(exhaustive.TotalHits), "no pruning: BM25's scores are not bounded by query weight x max tf");
    }

    [Test]
    public void ABoostScalesEveryScore()
    {
        var random = new Random(18);
        using var index = RandomIndex.Create(random, documents: 400, terms: 30, segmentSize: 150, deleteEvery: 0);
        var query = RandomQuery(random, terms: 30, ties: true, topK: 10);
        query.Boost = 2.5f;
        AssertSameHits(index.Searcher.Search(query.ToBooleanQuery(), 10), index.Searcher.Search(query, 10), "boosted");
        Assert.That(query.ToBooleanQuery().Boost, Is.EqualTo(2.5f));
    }

    [Test]
    public void AnEmptyQueryOrUnknownTermsMatchNothing()
    {
        var random = new Random(19);
        using var index = RandomIndex.Create(random, documents: 50, terms: 10, segmentSize: 20, deleteEvery: 0);
        Assert.That(index.Searcher.Search(new SpladeQuery(Field, [], []), 10).TotalHits, Is.Zero);
        Assert.That(index.Searcher.Search(new SpladeQuery(Field, ["nowhere"], [1f]), 10).TotalHits, Is.Zero);
        Assert.That(index.Searcher.Search(new SpladeQuery("nofield", ["t1"], [1f]), 10).TotalHits, Is.Zero);
    }

    [Test]
    public void ArgumentsAreChecked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SpladeQuery(null!, [], []), Throws.ArgumentNullException);
            Assert.That(() => new SpladeQuery(Field, null!, []), Throws.ArgumentNullException);
            Assert.That(() => new SpladeQuery(Field, [], null!), Throws.ArgumentNullException);
            Assert.That(() => new SpladeQuery(Field, [null!], [1f]), Throws.ArgumentNullException);
            Assert.That(() => new SpladeQuery(Field, ["a"], []), Throws.ArgumentException);
            Assert.That(() => new SpladeQuery(Field, ["a"], [float.NaN]), Throws.ArgumentException);
            Assert.That(() => new SpladeQuery(Field, ["a"], [1f], topK: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SpladeQuery(Field, ["a"], [1f]).WithTopK(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void EqualityToStringAndTerms()
    {
        var a = new SpladeQuery(Field, ["cat", "dog"], [0.5f, 1.25f], topK: 10);
        var b = new SpladeQuery(Field, ["cat", "dog"], [0.5f, 1.25f], topK: 10);
        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a, Is.Not.EqualTo(a.WithTopK(11)));
            Assert.That(a, Is.Not.EqualTo(new SpladeQuery(Field, ["cat", "dog"], [0.5f, 1.25f], topK: 10) { DynamicPruning = true }));
            Assert.That(new SpladeQuery(Field, ["cat"], [0.5f], topK: 10) { DynamicPruning = true }.WithTopK(5).DynamicPruning, Is.True);
            Assert.That(new SpladeQuery(Field, ["cat"], [0.5f], topK: 10) { DynamicPruning = true }.ToString(Field), Is.EqualTo("splade(cat^0.5, top 10, pruning)"));
            Assert.That(a, Is.Not.EqualTo(new SpladeQuery(Field, ["cat", "dog"], [0.5f, 1.5f], topK: 10)));
            Assert.That(a, Is.Not.EqualTo(new SpladeQuery(Field, ["cat", "cow"], [0.5f, 1.25f], topK: 10)));
            Assert.That(a, Is.Not.EqualTo(new SpladeQuery("other", ["cat", "dog"], [0.5f, 1.25f], topK: 10)));
            Assert.That(a, Is.Not.EqualTo(new SpladeQuery(Field, ["cat", "dog"], [0.5f, 1.25f], topK: 10) { Boost = 2 }));
            Assert.That(a.WithTopK(20).TopK, Is.EqualTo(20));
            Assert.That(a.ToString(Field), Is.EqualTo("splade(cat^0.5 dog^1.25, top 10)"));
            Assert.That(a.ToString("x"), Is.EqualTo("splade(splade:cat^0.5 splade:dog^1.25, top 10)"));
            var terms = new HashSet<Term>();
            a.ExtractTerms(terms);
            Assert.That(terms, Is.EquivalentTo(new[] { new Term(Field, "cat"), new Term(Field, "dog") }));
        });
    }

    private static SpladeQuery RandomQuery(Random random, int terms, bool ties, int topK)
    {
        var count = random.Next(1, Math.Min(terms, 25));
        var chosen = Enumerable.Range(0, terms).OrderBy(_ => random.Next()).Take(count).ToArray();
        var weights = chosen.Select(_ => ties ? random.Next(1, 17) / 8f : (float)(random.NextDouble() * 3) + 1e-3f).ToArray();
        return new SpladeQuery(Field, chosen.Select(t => "t" + t.ToString(CultureInfo.InvariantCulture)).ToArray(), weights, topK) { DynamicPruning = true };
    }

    private static void AssertSameHits(TopDocs expected, TopDocs actual, string because)
    {
        Assert.That(actual.ScoreDocs.Select(h => h.Doc), Is.EqualTo(expected.ScoreDocs.Select(h => h.Doc)), because + ": documents");
        Assert.That(actual.ScoreDocs.Select(h => h.Score), Is.EqualTo(expected.ScoreDocs.Select(h => h.Score)), because + ": scores (exactly)");
    }

    /// <summary>
    /// Random documents over terms t0..tN with Zipf-like document frequencies and skewed term frequencies, written
    /// as repeated tokens, in several segments, with some documents deleted.
    /// </summary>
    private sealed class RandomIndex : IDisposable
    {
        private readonly RAMDirectory _directory = new();

        private RandomIndex(Random random, int documents, int terms, int segmentSize, int deleteEvery)
        {
            var config = new IndexWriterConfig(SpladeTestIndex.Version, new WhitespaceAnalyzer(SpladeTestIndex.Version))
            {
                Similarity = SpladeSimilarity.Instance,
                MaxBufferedDocs = segmentSize,
                MergePolicy = NoMergePolicy.NO_COMPOUND_FILES,
            };
            var type = new FieldType { IsIndexed = true, IsTokenized = true, OmitNorms = true, IndexOptions = IndexOptions.DOCS_AND_FREQS };
            type.Freeze();
            using (var writer = new IndexWriter(_directory, config))
            {
                for (var d = 0; d < documents; d++)
                {
                    var tokens = new List<string>();
                    for (var t = 0; t < terms; t++)
                    {
                        if (random.NextDouble() < 0.6 / (1 + (t * 0.15)))
                        {
                            // Mostly small frequencies (ties), now and then a large one (a high bound).
                            var tf = random.NextDouble() < 0.05 ? random.Next(10, 40) : random.Next(1, 5);
                            tokens.AddRange(Enumerable.Repeat("t" + t.ToString(CultureInfo.InvariantCulture), tf));
                        }
                    }

                    writer.AddDocument(new Document
                    {
                        new StringField(IdField, d.ToString(CultureInfo.InvariantCulture), Lucene.Net.Documents.Field.Store.YES),
                        new StringField("parity", d % 2 == 0 ? "even" : "odd", Lucene.Net.Documents.Field.Store.YES),
                        new Field(Field, string.Join(' ', tokens), type),
                    });
                }

                if (deleteEvery > 0)
                {
                    for (var d = 0; d < documents; d += deleteEvery)
                    {
                        writer.DeleteDocuments(new Term(IdField, d.ToString(CultureInfo.InvariantCulture)));
                    }
                }
            }

            Reader = DirectoryReader.Open(_directory);
            Searcher = new IndexSearcher(Reader) { Similarity = SpladeSimilarity.Instance };
        }

        public DirectoryReader Reader { get; }

        public IndexSearcher Searcher { get; }

        public static RandomIndex Create(Random random, int documents, int terms, int segmentSize, int deleteEvery)
        {
            var index = new RandomIndex(random, documents, terms, segmentSize, deleteEvery);
            Assert.That(index.Reader.Leaves, Has.Count.GreaterThan(1), "several segments");
            return index;
        }

        public void Dispose()
        {
            Reader.Dispose();
            _directory.Dispose();
        }
    }
}
