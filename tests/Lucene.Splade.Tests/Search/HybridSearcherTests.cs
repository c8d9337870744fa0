using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Search;

/// <summary>
/// <see cref="HybridSearcher"/> on one index with a BM25 field and a SPLADE field, against an oracle that scores
/// SPLADE by brute-force dot products, takes BM25 from a plain search, and fuses by the definitions.
/// </summary>
[TestFixture]
public sealed class HybridSearcherTests
{
    private const string Body = "body";
    private const string Splade = "splade";
    private const string Group = "group";
    private const string Id = "id";

    private static readonly string[] Words = ["river", "bank", "money", "loan", "water", "fish", "boat", "rate", "city", "bridge", "stone", "gold"];

    private RAMDirectory _directory = null!;
    private DirectoryReader _reader = null!;
    private IndexSearcher _searcher = null!;
    private FakeSparseEncoder _encoder = null!;
    private List<(string Text, string Group, SparseVector Vector)> _documents = null!;

    [OneTimeSetUp]
    public void BuildIndex()
    {
        var vocabulary = FakeVocabulary.Create(64);

        // SPLADE weights are multiples of 1/4 and quantize exactly, so Lucene's float scores equal the exact dot
        // products and ranks are comparable with the oracle's.
        _encoder = new FakeSparseEncoder(vocabulary, text =>
        {
            var weights = new Dictionary<int, float>();
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var index = Array.IndexOf(Words, word);
                if (index >= 0)
                {
                    weights[FakeVocabulary.FirstTermId + index] = weights.GetValueOrDefault(FakeVocabulary.FirstTermId + index) + (1 + (index % 4)) / 4f;
                    weights[FakeVocabulary.FirstTermId + 20 + (index % 5)] = 0.5f; // an "expansion" term
                }
            }

            return new SparseVector(weights.Keys.ToArray(), weights.Values.ToArray());
        });

        var random = new Random(11);
        _documents = Enumerable.Range(0, 120)
            .Select(i => string.Join(' ', Enumerable.Range(0, random.Next(1, 9)).Select(_ => Words[random.Next(Words.Length)])))
            .Select((text, i) => (text, i % 3 == 0 ? "a" : "b", _encoder.EncodeDocument(text)))
            .ToList();

        _directory = new RAMDirectory();
        var analyzer = new PerFieldAnalyzerWrapper(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), new Dictionary<string, Analyzer> { [Splade] = new SpladeAnalyzer(_encoder) });
        var similarity = SpladeSimilarity.ForFields([Splade]);
        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer) { Similarity = similarity }))
        {
            foreach (var ((text, group, _), i) in _documents.Select((d, i) => (d, i)))
            {
                writer.AddDocument(new Document
                {
                    new StringField(Id, "d" + i, Field.Store.YES),
                    new TextField(Body, text, Field.Store.YES),
                    new StringField(Group, group, Field.Store.YES),
                    SpladeField.CreateTextField(Splade, text),
                });
            }
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = similarity };
    }

    [OneTimeTearDown]
    public void Close()
    {
        _reader.Dispose();
        _directory.Dispose();
    }

    private HybridSearcher Hybrid(HybridFusion fusion, int depth) =>
        new(_searcher, new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body), new SpladeQueryBuilder(_encoder, Splade)) { Fusion = fusion, Depth = depth };

    [Test]
    public void Total_hits_count_the_distinct_documents_of_both_lists_and_max_score_is_the_first_fused_score()
    {
        var hybrid = Hybrid(HybridFusion.Default, 100);
        var bm25 = new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body).Build("river gold");
        var splade = new SpladeQueryBuilder(_encoder, Splade).Build("river gold");
        var union = _searcher.Search(bm25, 100).ScoreDocs.Select(h => h.Doc).Union(_searcher.Search(splade, 100).ScoreDocs.Select(h => h.Doc)).Count();

        var top = hybrid.Search(bm25, splade, 5);

        Assert.That(top.TotalHits, Is.EqualTo(union));
        Assert.That(top.MaxScore, Is.EqualTo(top.ScoreDocs[0].Score));
        Assert.That(top.Hits[0].ToString(), Does.StartWith($"doc={top.Hits[0].Doc} fused=").And.Contains(" bm25=").And.Contains(" splade="));
    }

    [Test]
    public void A_splade_query_exact_to_fewer_hits_than_the_depth_is_deepened_to_the_depth()
    {
        var hybrid = Hybrid(HybridFusion.Default, 100);
        var bm25 = new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body).Build("river gold");
        var deep = new SpladeQueryBuilder(_encoder, Splade).Build("river gold");
        var shallow = new SpladeQueryBuilder(_encoder, Splade) { TopK = 1, DynamicPruning = true }.Build("river gold");

        var expected = hybrid.Search(bm25, deep, 10).Hits;
        var actual = hybrid.Search(bm25, shallow, 10).Hits;

        Assert.That(actual.Select(h => (h.Doc, h.FusedScore)), Is.EqualTo(expected.Select(h => (h.Doc, h.FusedScore))));
    }

    [Test]
    public void Arguments_are_checked_where_they_are_given()
    {
        var bm25 = new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body);
        var splade = new SpladeQueryBuilder(_encoder, Splade);
        var query = bm25.Build("river");
        Assert.Multiple(() =>
        {
            Assert.That(() => new HybridSearcher(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("searcher"));
            Assert.That(() => new HybridSearcher(_searcher, null!, splade), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("bm25"));
            Assert.That(() => new HybridSearcher(_searcher, bm25, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("splade"));
            var hybrid = new HybridSearcher(_searcher, bm25, splade);
            Assert.That(() => hybrid.Search((string)null!, 10), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
            Assert.That(() => hybrid.Search(null!, query, 10), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("bm25Query"));
            Assert.That(() => hybrid.Search(query, null!, 10), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("spladeQuery"));
            Assert.That(() => hybrid.Search(query, query, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("n"));
            Assert.That(() => new HybridSearcher(_searcher).Search("river", 10), Throws.InvalidOperationException
                .With.Message.EqualTo("This HybridSearcher was created without query builders; pass the two queries instead."));
            Assert.That(() => new HybridSearcher(_searcher).Search("river", null, 10), Throws.InvalidOperationException);
            Assert.That(() => new Bm25QueryBuilder(null!, Body), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("analyzer"));
            Assert.That(() => new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("field"));
            Assert.That(() => bm25.Build(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
            Assert.That(() => splade.Build((string)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
            Assert.That(() => new SpladeQueryBuilder((Lucene.Splade.Tokenization.Vocabulary)null!, Splade), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("vocabulary"));
            Assert.That(() => new SpladeQueryBuilder(_encoder.Vocabulary, Splade).Build("river"), Throws.InvalidOperationException.With.Message.StartsWith("This SpladeQueryBuilder was created without an encoder"));
            Assert.That(() => new SpladeQueryBuilder(_encoder, Splade) { MaxClauses = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("MaxClauses must be positive."));
        });
    }

    [TestCase("river bank", 10, 100)]
    [TestCase("money loan rate", 5, 20)]
    [TestCase("boat", 30, 15)]
    [TestCase("gold stone bridge city water", 50, 200)]
    public void Fused_hits_match_the_oracle(string query, int n, int depth)
    {
        foreach (var fusion in new[] { HybridFusion.ReciprocalRank(), HybridFusion.Linear(ScoreNormalization.MinMax, 0.3), HybridFusion.Linear(ScoreNormalization.ZScore, 0.6) })
        {
            var expected = Oracle(query, fusion, n, depth, group: null);

            var actual = Hybrid(fusion, depth).Search(query, n);

            Assert.That(actual.Hits.Select(h => h.Doc), Is.EqualTo(expected.Select(e => e.Doc)), $"{fusion} '{query}'");
            Assert.That(actual.ScoreDocs, Is.EqualTo(actual.Hits), "ScoreDocs and Hits are the same hits");
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.That(actual.Hits[i].FusedScore, Is.EqualTo(expected[i].Score).Within(1e-9));
                Assert.That(actual.Hits[i].Score, Is.EqualTo((float)expected[i].Score));
            }
        }
    }

    [Test]
    public void Every_hit_carries_its_place_in_both_lists()
    {
        var depth = 100;
        var bm25 = _searcher.Search(new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body).Build("fish water"), depth).ScoreDocs;
        var splade = SpladeOracle("fish water", null).Take(depth).ToList();

        var hits = Hybrid(HybridFusion.ReciprocalRank(), depth).Search("fish water", depth).Hits;

        foreach (var hit in hits)
        {
            var bm25Index = Array.FindIndex(bm25, s => s.Doc == hit.Doc);
            var spladeIndex = splade.FindIndex(s => s.Doc == hit.Doc);
            Assert.That(hit.Bm25?.Rank, Is.EqualTo(bm25Index < 0 ? null : bm25Index + 1));
            Assert.That(hit.Bm25?.Score, Is.EqualTo(bm25Index < 0 ? null : (double?)bm25[bm25Index].Score));
            Assert.That(hit.Splade?.Rank, Is.EqualTo(spladeIndex < 0 ? null : spladeIndex + 1));
            Assert.That(hit.Splade?.Score, Is.EqualTo(spladeIndex < 0 ? null : (double?)splade[spladeIndex].Score));
        }

        Assert.That(hits.Any(h => h.Bm25 is not null && h.Splade is not null), Is.True);
        Assert.That(hits.Any(h => h.Bm25 is null), Is.True, "expansion terms find documents BM25 does not");
    }

    [Test]
    public void A_filter_restricts_both_sides()
    {
        var filter = new QueryWrapperFilter(new TermQuery(new Term(Group, "a")));
        var expected = Oracle("river bank money", HybridFusion.Linear(ScoreNormalization.MinMax, 0.5), 15, 100, group: "a");

        var actual = Hybrid(HybridFusion.Linear(ScoreNormalization.MinMax, 0.5), 100).Search("river bank money", filter, 15);

        Assert.That(actual.Hits.Select(h => h.Doc), Is.EqualTo(expected.Select(e => e.Doc)));
        Assert.That(actual.Hits.Select(h => _searcher.Doc(h.Doc).Get(Group)), Is.All.EqualTo("a"));
    }

    [Test]
    public void Queries_built_elsewhere_and_bad_arguments()
    {
        var plain = new HybridSearcher(_searcher);
        var bm25 = new TermQuery(new Term(Body, "river"));
        var splade = new SpladeQueryBuilder(_encoder, Splade).Build("river");

        Assert.That(plain.Search(bm25, splade, 5).Hits, Has.Count.EqualTo(5));
        Assert.That(() => plain.Search("river", 5), Throws.InvalidOperationException);
        Assert.That(() => plain.Search(bm25, splade, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new HybridSearcher(_searcher) { Depth = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new HybridSearcher(_searcher) { Fusion = null! }, Throws.ArgumentNullException);
        Assert.That(plain.Search(new BooleanQuery(), new BooleanQuery(), 5).Hits, Is.Empty);
    }

    [Test]
    public void Tuning_on_the_index_tunes_on_both_sides_hits_under_their_stored_ids()
    {
        var searcher = Hybrid(HybridFusion.Default, 30);
        var queries = new[] { "river bank", "money loan", "boat" }.Select(q =>
        {
            // Relevant: SPLADE's hits that BM25 ranks low or misses, so the tuned weight must lean to SPLADE.
            var bm25Top = _searcher.Search(new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body).Build(q), 5).ScoreDocs.Select(s => s.Doc).ToHashSet();
            var judged = SpladeOracle(q, null).Select(x => x.Doc).Where(d => !bm25Top.Contains(d)).Take(3).ToDictionary(d => "d" + d, _ => 1);
            return new LabeledQuery(q, judged);
        }).ToList();

        // The same material built here: each side's hits (single segment, so doc numbers are insertion order).
        var material = queries.Select(q => new HybridTuningQuery(
            _searcher.Search(new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body).Build(q.Text), 30).ScoreDocs.Select(s => ("d" + s.Doc, (double)s.Score)).ToArray(),
            SpladeOracle(q.Text, null).Take(30).Select(x => ("d" + x.Doc, x.Score)).ToArray(),
            q.Judgments)).ToList();

        var onIndex = HybridTuner.TuneOnIndex(searcher, Id, queries);
        var expected = HybridTuner.Tune(material);

        Assert.Multiple(() =>
        {
            Assert.That(onIndex.Best, Is.EqualTo(expected.Best));
            Assert.That(onIndex.BestNdcg, Is.EqualTo(expected.BestNdcg).Within(1e-9));
            Assert.That(onIndex.BestNdcg, Is.GreaterThan(0));
            Assert.That(onIndex.Best.SpladeWeight, Is.GreaterThan(0.5), "the judged documents are SPLADE's");
            Assert.That(() => HybridTuner.TuneOnIndex(searcher, "nope", queries), Throws.InvalidOperationException.With.Message.Contains("has no stored 'nope' field"));
            Assert.That(() => HybridTuner.TuneOnIndex(null!, Id, queries), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("searcher"));
            Assert.That(() => HybridTuner.TuneOnIndex(searcher, null!, queries), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("idField"));
            Assert.That(() => HybridTuner.TuneOnIndex(searcher, Id, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("queries"));
            Assert.That(() => HybridTuner.TuneOnIndex(new HybridSearcher(_searcher), Id, queries), Throws.InvalidOperationException.With.Message.Contains("without query builders"));
        });
    }

    [Test]
    public void A_hit_prints_its_fused_score_and_both_places()
    {
        var hits = Hybrid(HybridFusion.Default, 100).Search("river bank", 120).Hits;

        Assert.That(hits.Select(h => h.ToString()), Has.Some.Matches(@"^doc=\d+ fused=[-0-9.E]+ bm25=[0-9.E-]+@\d+ splade=[0-9.E-]+@\d+$"));
        Assert.That(hits.Where(h => h.Bm25 is null).Select(h => h.ToString()), Has.All.Matches(@" bm25=- splade="));
        Assert.That(hits.First().ToString(), Does.StartWith(FormattableString.Invariant($"doc={hits.First().Doc} fused={hits.First().FusedScore:G6} ")));
    }

    private List<(int Doc, double Score)> Oracle(string query, HybridFusion fusion, int n, int depth, string? group)
    {
        depth = Math.Max(depth, n); // each side retrieves at least the hits asked for
        var bm25Query = new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), Body).Build(query);
        var filter = group is null ? null : new QueryWrapperFilter(new TermQuery(new Term(Group, group)));
        var bm25 = _searcher.Search(bm25Query, filter, depth).ScoreDocs.Select(s => (s.Doc, (double)s.Score)).ToList();
        var splade = SpladeOracle(query, group).Take(depth).ToList();

        var docs = bm25.Select(b => b.Doc).Union(splade.Select(s => s.Doc));
        double Part(List<(int Doc, double Score)> list, int doc)
        {
            var i = list.FindIndex(x => x.Doc == doc);
            if (fusion.Method == FusionMethod.ReciprocalRank)
            {
                return i < 0 ? 0 : 1.0 / (fusion.RrfK + i + 1);
            }

            var s = list.Select(x => x.Score).ToArray();
            var mean = s.Average();
            var sd = Math.Sqrt(s.Sum(x => (x - mean) * (x - mean)) / s.Length);
            double Norm(double v) => fusion.Normalization == ScoreNormalization.MinMax
                ? (s.Max() == s.Min() ? 1 : (v - s.Min()) / (s.Max() - s.Min()))
                : (sd == 0 ? 0 : (v - mean) / sd);
            return i >= 0 ? Norm(list[i].Score) : fusion.Normalization == ScoreNormalization.MinMax || s.Length == 0 ? 0 : s.Min(Norm);
        }

        return docs
            .Select(d => (d, fusion.Method == FusionMethod.ReciprocalRank ? Part(bm25, d) + Part(splade, d) : ((1 - fusion.SpladeWeight) * Part(bm25, d)) + (fusion.SpladeWeight * Part(splade, d))))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.d)
            .Take(n)
            .ToList();
    }

    /// <summary>
    /// Every matching document's dot product of query weights and quantized frequencies, best first, ties by doc id,
    /// rounded as Lucene does it: each term's product in float, their sum in double, the total to float.
    /// </summary>
    private IEnumerable<(int Doc, double Score)> SpladeOracle(string query, string? group)
    {
        var q = _encoder.EncodeQuery(query);
        double Score(SparseVector document)
        {
            var quantized = TermFrequencyQuantizer.Default.Quantize(document);
            var sum = 0.0;
            for (var i = 0; i < quantized.Count; i++)
            {
                var weight = q[quantized.TermIds[i]];
                sum += weight * (float)quantized.Frequencies[i];
            }

            return (float)sum;
        }

        return _documents
            .Select((d, i) => (Doc: i, d.Group, Score: Score(d.Vector)))
            .Where(x => x.Score > 0 && (group is null || x.Group == group))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Doc)
            .Select(x => (x.Doc, x.Score));
    }
}
