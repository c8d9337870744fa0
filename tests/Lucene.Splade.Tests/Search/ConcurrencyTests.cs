using System.Collections.Concurrent;
using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Splade.Analysis;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Search;

/// <summary>One analyzer, one encoder and one query builder shared by threads that index and search at once.</summary>
[TestFixture]
public sealed class ConcurrencyTests
{
    private const string Field = "splade";
    private const string IdField = "id";
    private const int Indexers = 4;
    private const int DocumentsPerIndexer = 60;

    [Test]
    public void ThreadsIndexingAndSearchingAtOnce_FindEveryDocumentWithExactScores()
    {
        var vocabulary = FakeVocabulary.Create();
        var encoder = new FakeSparseEncoder(vocabulary);
        var random = new Random(41);
        var words = Enumerable.Range(0, 80).Select(i => $"w{i}").ToArray();
        var texts = Enumerable.Range(0, Indexers * DocumentsPerIndexer)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(3, 15)).Select(_ => words[random.Next(words.Length)])))
            .ToArray();
        var indexedVectors = new ConcurrentDictionary<int, SparseVector>();
        var errors = new ConcurrentQueue<Exception>();
        var searches = 0;
        var similarity = SpladeSimilarity.ForFields([Field]);
        var builder = new SpladeQueryBuilder(encoder, Field);

        using var directory = new RAMDirectory();
        using var analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer> { [Field] = new SpladeAnalyzer(encoder) });
        using var writer = SpladeTestIndex.OpenWriter(directory, analyzer, similarity);

        var indexers = Enumerable.Range(0, Indexers).Select(t => new Thread(() => Guard(errors, () =>
        {
            var ids = Enumerable.Range(t * DocumentsPerIndexer, DocumentsPerIndexer).ToArray();
            // Odd documents are encoded in one batch up front, as bulk indexing would; even ones go through the analyzer.
            var batch = encoder.EncodeDocuments(ids.Where(id => id % 2 == 1).Select(id => texts[id]).ToArray());
            var next = 0;
            foreach (var id in ids)
            {
                var vector = id % 2 == 1 ? batch[next++] : encoder.EncodeDocument(texts[id]);
                indexedVectors[id] = vector;
                var field = id % 2 == 1 ? SpladeField.CreateEncodedField(Field, vector, vocabulary) : SpladeField.CreateTextField(Field, texts[id]);
                writer.AddDocument(new Document { new StringField(IdField, id.ToString(CultureInfo.InvariantCulture), Lucene.Net.Documents.Field.Store.YES), field });
            }
        }))).ToList();

        using var indexingDone = new ManualResetEventSlim();
        var searchers = Enumerable.Range(0, 2).Select(s => new Thread(() => Guard(errors, () =>
        {
            var searchRandom = new Random(100 + s);
            do
            {
                using var reader = DirectoryReader.Open(writer, applyAllDeletes: true);
                var searcher = new IndexSearcher(reader) { Similarity = similarity };
                var queryText = texts[searchRandom.Next(texts.Length)];
                var queryVector = encoder.EncodeDocument(queryText);
                foreach (var hit in searcher.Search(builder.Build(queryText), 20).ScoreDocs)
                {
                    var id = int.Parse(searcher.Doc(hit.Doc).Get(IdField), CultureInfo.InvariantCulture);
                    ScoringFixture.AssertClose(hit.Score, Dot(queryVector, indexedVectors[id]), $"document {id} while indexing");
                }

                Interlocked.Increment(ref searches);
            }
            while (!indexingDone.IsSet);
        }))).ToList();

        searchers.ForEach(t => t.Start());
        indexers.ForEach(t => t.Start());
        indexers.ForEach(t => t.Join());
        indexingDone.Set();
        searchers.ForEach(t => t.Join());
        writer.Commit();

        Assert.That(errors, Is.Empty);
        Assert.That(searches, Is.GreaterThan(0));
        using var finalReader = DirectoryReader.Open(directory);
        var finalSearcher = new IndexSearcher(finalReader) { Similarity = similarity };
        Assert.That(finalReader.NumDocs, Is.EqualTo(texts.Length));
        var missing = new List<int>();
        for (var id = 0; id < texts.Length; id++)
        {
            var hits = finalSearcher.Search(builder.Build(texts[id]), texts.Length).ScoreDocs;
            if (!hits.Any(h => finalSearcher.Doc(h.Doc).Get(IdField) == id.ToString(CultureInfo.InvariantCulture)))
            {
                missing.Add(id);
            }
        }

        Assert.That(missing, Is.Empty, "documents their own text does not find");
    }

    private static double Dot(SparseVector query, SparseVector document)
    {
        var tfs = ScoringFixture.ExpectedTermFrequencies(document, SpladeIndexingOptions.Default);
        double score = 0;
        for (var i = 0; i < query.Count; i++)
        {
            score += tfs.TryGetValue(query.TermIds[i], out var tf) ? (double)query.Weights[i] * tf : 0;
        }

        return score;
    }

    private static void Guard(ConcurrentQueue<Exception> errors, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            errors.Enqueue(e);
        }
    }
}
