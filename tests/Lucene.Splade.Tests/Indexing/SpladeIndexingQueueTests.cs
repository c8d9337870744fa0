using System.Collections.Concurrent;
using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Indexing;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Indexing;

/// <summary>
/// The encoding stage ahead of the index writer: same postings as the analyzer, order kept, batches formed from what
/// waits, near-real-time reopen never waiting for the model, failures reported, nothing dropped on dispose.
/// </summary>
[TestFixture]
public sealed class SpladeIndexingQueueTests
{
    private const string Splade = "splade";

    /// <summary>Generous bound for "does not hang"; the tests never wait for it when the code is right.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    [Test]
    public void GivesThePostingsAndStoredFieldsOfTheAnalyzer()
    {
        var options = new SpladeIndexingOptions { Pruning = new PruningOptions { TopK = 6 }, Quantizer = new TermFrequencyQuantizer(scale: 40, maxFrequency: 90) };
        var texts = Enumerable.Range(0, 70).Select(i => $"alpha{i % 7} beta{i % 11} gamma{i} shared words here {i * 31 % 17}").ToArray();

        using var analyzed = SpladeTestIndex.NewDirectory();
        using (var analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer> { [Splade] = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary), options) }))
        using (var writer = SpladeTestIndex.OpenWriter(analyzed, analyzer, SpladeSimilarity.ForFields([Splade])))
        {
            for (var i = 0; i < texts.Length; i++)
            {
                writer.AddDocument(Document(i, texts));
            }

            writer.Commit();
        }

        using var queued = SpladeTestIndex.NewDirectory();
        var encoder = new FakeSparseEncoder(Vocabulary);
        using (var writer = SpladeTestIndex.OpenWriter(queued, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade])))
        {
            using (var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { Indexing = options, BatchSize = 5, DegreeOfParallelism = 3 }))
            {
                for (var i = 0; i < texts.Length; i++)
                {
                    queue.AddDocument(Document(i, texts));
                }

                queue.Flush();
                Assert.That(queue.DocumentsAdded, Is.EqualTo(texts.Length));
                Assert.That(queue.PendingDocuments, Is.Zero);
            }

            writer.Commit();
        }

        using var expected = DirectoryReader.Open(analyzed);
        using var actual = DirectoryReader.Open(queued);
        Assert.Multiple(() =>
        {
            Assert.That(SpladeTestIndex.ReadPostings(actual, Splade), Is.EqualTo(SpladeTestIndex.ReadPostings(expected, Splade)).And.Not.Empty);
            Assert.That(SpladeTestIndex.ReadPostings(actual, "title"), Is.EqualTo(SpladeTestIndex.ReadPostings(expected, "title")).And.Not.Empty);
            Assert.That(StoredIds(actual), Is.EqualTo(StoredIds(expected)));

            // Every SPLADE value was encoded once: one text per document, and a second value on every third one.
            Assert.That(encoder.Calls, Is.EqualTo(texts.Length + (texts.Length + 2) / 3));
        });
    }

    [Test]
    public void UpdatesReachTheWriterInTheOrderTheyWereHandedIn()
    {
        // Encoding takes a random time per batch, so batches finish out of order on four threads.
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        var encoder = new FakeSparseEncoder(Vocabulary, text =>
        {
            Thread.Sleep(random.Value!.Next(3));
            return new SparseVector([FakeVocabulary.FirstTermId], [1f]);
        });
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        using (var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { BatchSize = 2, DegreeOfParallelism = 4 }))
        {
            for (var version = 0; version < 300; version++)
            {
                var id = (version % 10).ToString(CultureInfo.InvariantCulture);
                queue.UpdateDocument(new Term("id", id), new Document
                {
                    new StringField("id", id, Field.Store.YES),
                    new StoredField("version", version),
                    SpladeField.CreateTextField(Splade, "text"),
                });
            }
        }

        writer.Commit();
        using var reader = DirectoryReader.Open(directory);
        var versions = Enumerable.Range(0, reader.MaxDoc)
            .Where(d => MultiFields.GetLiveDocs(reader)?.Get(d) ?? true)
            .ToDictionary(d => reader.Document(d).Get("id"), d => reader.Document(d).GetField("version").GetInt32Value());

        Assert.That(versions, Is.EquivalentTo(Enumerable.Range(290, 10).ToDictionary(v => (v % 10).ToString(CultureInfo.InvariantCulture), v => (int?)v)));
    }

    [Test]
    public void BatchesAreFormedFromTheDocumentsWaitingWhenTheEncoderIsFree()
    {
        using var encoder = new GatedEncoder(Vocabulary, blocks: text => text == "doc 0");
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        using var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { BatchSize = 8, DegreeOfParallelism = 1 });

        queue.AddDocument([SpladeField.CreateTextField(Splade, "doc 0")]);
        Assert.That(encoder.Blocked.Wait(Hang), "the first batch reached the encoder");
        for (var i = 1; i <= 20; i++)
        {
            queue.AddDocument([SpladeField.CreateTextField(Splade, $"doc {i}")]);
        }

        Assert.That(queue.PendingDocuments, Is.EqualTo(21));
        encoder.Release();
        queue.Flush();

        Assert.That(encoder.BatchSizes, Is.EqualTo(new[] { 1, 8, 8, 4 }));
        Assert.That(encoder.Texts, Is.EqualTo(Enumerable.Range(0, 21).Select(i => $"doc {i}")));
    }

    [Test]
    public void DocumentsWithoutSpladeTextFieldsPassThroughWithoutTheModel()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        using (var queue = new SpladeIndexingQueue(writer, encoder))
        {
            queue.AddDocument([new StringField("id", "a", Field.Store.YES)]);

            // Encoded beforehand: already a token stream, so the queue leaves it alone.
            queue.AddDocument([new StringField("id", "b", Field.Store.YES), SpladeField.CreateEncodedField(Splade, new SparseVector([20], [5f]), Vocabulary)]);

            // A text field of another type is the analyzer's business.
            queue.AddDocument([new StringField("id", "c", Field.Store.YES), new TextField(Splade, "plain text", Field.Store.NO)]);
        }

        writer.Commit();
        using var reader = DirectoryReader.Open(directory);
        Assert.Multiple(() =>
        {
            Assert.That(encoder.Calls, Is.Zero);
            Assert.That(StoredIds(reader), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(SpladeTestIndex.ReadPostings(reader, Splade), Is.EquivalentTo(new[] { (Vocabulary[20], 1, 50), ("plain text", 2, 1) }));
        });
    }

    [Test]
    public void ReopeningANearRealTimeReaderDoesNotWaitForTheModel()
    {
        using var encoder = new GatedEncoder(Vocabulary, blocks: text => text.StartsWith("slow", StringComparison.Ordinal));
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        using var manager = new SearcherManager(writer, applyAllDeletes: true, searcherFactory: null);
        using var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { DegreeOfParallelism = 2 });

        queue.AddDocument([new StringField("id", "fast", Field.Store.YES), SpladeField.CreateTextField(Splade, "fast one")]);
        queue.Flush();
        queue.AddDocument([new StringField("id", "slow", Field.Store.YES), SpladeField.CreateTextField(Splade, "slow one")]);
        Assert.That(encoder.Blocked.Wait(Hang), "the model is busy with the slow document");

        // The model is stuck inside the slow document; a reopen must still complete and show what is in the writer.
        var refresh = Task.Run(manager.MaybeRefreshBlocking);
        Assert.That(refresh.Wait(Hang), Is.True, "MaybeRefreshBlocking returned while the model was encoding");
        Assert.That(SearchCount(manager), Is.EqualTo(1));

        encoder.Release();
        queue.Flush();
        manager.MaybeRefreshBlocking();
        Assert.That(SearchCount(manager), Is.EqualTo(2));
    }

    [Test]
    public void WithTheAnalyzerAReopenWaitsForTheDocumentBeingEncoded()
    {
        // Why the queue exists: the analyzer runs the model inside AddDocument, and Lucene's reopen flushes the
        // document being analyzed first. This shows the wait while the model is stuck; it ends when the model does.
        using var encoder = new GatedEncoder(Vocabulary, blocks: text => text.StartsWith("slow", StringComparison.Ordinal));
        using var directory = SpladeTestIndex.NewDirectory();
        using var analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer> { [Splade] = new SpladeAnalyzer(encoder) });
        using var writer = SpladeTestIndex.OpenWriter(directory, analyzer, SpladeSimilarity.ForFields([Splade]));
        using var manager = new SearcherManager(writer, applyAllDeletes: true, searcherFactory: null);

        var adding = Task.Run(() => writer.AddDocument([SpladeField.CreateTextField(Splade, "slow one")]));
        Assert.That(encoder.Blocked.Wait(Hang), "the analyzer is inside the model");
        var refresh = Task.Run(manager.MaybeRefreshBlocking);

        Assert.That(refresh.Wait(TimeSpan.FromMilliseconds(500)), Is.False, "the reopen waited for the analyzer");
        encoder.Release();
        Assert.That(Task.WaitAll([adding, refresh], Hang), Is.True);
    }

    [Test]
    public void AnEncoderFailureStopsTheQueueAndEveryLaterCallSaysSo()
    {
        var encoder = new FakeSparseEncoder(Vocabulary, text => text == "poison"
            ? throw new InvalidDataException("the model said no")
            : new SparseVector([FakeVocabulary.FirstTermId], [1f]));
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { BatchSize = 1, DegreeOfParallelism = 1 });

        queue.AddDocument([SpladeField.CreateTextField(Splade, "fine")]);
        queue.Flush();
        queue.AddDocument([SpladeField.CreateTextField(Splade, "poison")]);
        queue.AddDocument([SpladeField.CreateTextField(Splade, "after")]);

        var flush = Assert.Throws<InvalidOperationException>(queue.Flush)!;
        Assert.Multiple(() =>
        {
            Assert.That(flush.InnerException, Is.TypeOf<InvalidDataException>());
            Assert.That(flush.Message, Does.Contain("the model said no").And.Contain("1 of the 3 documents handed in were added"));
            Assert.That(() => queue.AddDocument([SpladeField.CreateTextField(Splade, "more")]), Throws.InvalidOperationException);
            Assert.That(queue.DocumentsAdded, Is.EqualTo(1));
        });

        // Already reported, so disposing does not throw it again; the writer holds what was added.
        Assert.That(queue.Dispose, Throws.Nothing);
        writer.Commit();
        using var reader = DirectoryReader.Open(directory);
        Assert.That(reader.NumDocs, Is.EqualTo(1));
    }

    [Test]
    public void AFailureNoCallReportedIsThrownByDispose()
    {
        var encoder = new FakeSparseEncoder(Vocabulary, _ => throw new InvalidDataException("broken"));
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        var queue = new SpladeIndexingQueue(writer, encoder);
        queue.AddDocument([SpladeField.CreateTextField(Splade, "x")]);

        Assert.That(queue.Dispose, Throws.InvalidOperationException.With.InnerException.TypeOf<InvalidDataException>());
    }

    [Test]
    public void AWriterFailureStopsTheQueue()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var directory = SpladeTestIndex.NewDirectory();
        var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        using var queue = new SpladeIndexingQueue(writer, encoder);
        writer.Dispose();

        queue.AddDocument([SpladeField.CreateTextField(Splade, "x")]);

        Assert.That(queue.Flush, Throws.InvalidOperationException.With.InnerException.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void DisposeIndexesWhatIsQueuedAndThenRefusesMore()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { BatchSize = 3, Capacity = 4 });
        for (var i = 0; i < 50; i++)
        {
            queue.AddDocument([SpladeField.CreateTextField(Splade, $"document {i}")]);
        }

        queue.Dispose();
        queue.Dispose();
        writer.Commit();

        using var reader = DirectoryReader.Open(directory);
        Assert.Multiple(() =>
        {
            Assert.That(reader.NumDocs, Is.EqualTo(50));
            Assert.That(() => queue.AddDocument([SpladeField.CreateTextField(Splade, "late")]), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(queue.Flush, Throws.TypeOf<ObjectDisposedException>());
        });
    }

    [Test]
    public void ManyThreadsCanHandInDocumentsAtOnce()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        using (var queue = new SpladeIndexingQueue(writer, encoder, new SpladeIndexingQueueOptions { BatchSize = 4, DegreeOfParallelism = 3, Capacity = 8 }))
        {
            Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                queue.AddDocument([new StringField("id", i.ToString(CultureInfo.InvariantCulture), Field.Store.YES), SpladeField.CreateTextField(Splade, $"text {i}")]));
            queue.Flush();
        }

        writer.Commit();
        using var reader = DirectoryReader.Open(directory);
        Assert.That(StoredIds(reader).Select(int.Parse).Order(), Is.EqualTo(Enumerable.Range(0, 400)));
    }

    [Test]
    public void ArgumentsAreChecked()
    {
        using var directory = SpladeTestIndex.NewDirectory();
        using var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Splade]));
        var encoder = new FakeSparseEncoder(Vocabulary);
        Assert.Multiple(() =>
        {
            Assert.That(() => new SpladeIndexingQueue(null!, encoder), Throws.ArgumentNullException);
            Assert.That(() => new SpladeIndexingQueue(writer, null!), Throws.ArgumentNullException);
            Assert.That(() => new SpladeIndexingQueueOptions { BatchSize = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SpladeIndexingQueueOptions { DegreeOfParallelism = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SpladeIndexingQueueOptions { Capacity = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SpladeIndexingQueueOptions { Indexing = null! }, Throws.ArgumentNullException);
        });

        using var queue = new SpladeIndexingQueue(writer, encoder);
        Assert.Multiple(() =>
        {
            Assert.That(() => queue.AddDocument(null!), Throws.ArgumentNullException);
            Assert.That(() => queue.AddDocument([null!]), Throws.ArgumentNullException);
            Assert.That(() => queue.UpdateDocument(null!, []), Throws.ArgumentNullException);
            Assert.That(queue.PendingDocuments, Is.Zero);
        });
    }

    private static Document Document(int i, string[] texts)
    {
        var doc = new Document
        {
            new StringField("id", i.ToString(CultureInfo.InvariantCulture), Field.Store.YES),
            new StringField("title", $"title {i % 4}", Field.Store.NO),
            SpladeField.CreateTextField(Splade, texts[i]),
        };
        if (i % 3 == 0)
        {
            doc.Add(SpladeField.CreateTextField(Splade, $"second value {i}"));
        }

        return doc;
    }

    private static List<string> StoredIds(IndexReader reader) =>
        Enumerable.Range(0, reader.MaxDoc).Select(d => reader.Document(d).Get("id")).ToList();

    private static int SearchCount(SearcherManager manager)
    {
        var searcher = manager.Acquire();
        try
        {
            return searcher.IndexReader.NumDocs;
        }
        finally
        {
            manager.Release(searcher);
        }
    }

    /// <summary>An encoder whose calls block on chosen texts until <see cref="Release"/>; records each call's batch.</summary>
    private sealed class GatedEncoder(Vocabulary vocabulary, Func<string, bool> blocks) : IDocumentEncoder, IDisposable
    {
        private readonly ManualResetEventSlim _open = new(false);
        private readonly FakeSparseEncoder _inner = new(vocabulary);

        public Vocabulary Vocabulary => vocabulary;

        /// <summary>Set once a call is blocked.</summary>
        public ManualResetEventSlim Blocked { get; } = new(false);

        public ConcurrentQueue<int> BatchSizes { get; } = new();

        public ConcurrentQueue<string> Texts { get; } = new();

        public void Release() => _open.Set();

        public SparseVector EncodeDocument(string text) => EncodeDocuments([text])[0];

        public IReadOnlyList<SparseVector> EncodeDocuments(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            BatchSizes.Enqueue(texts.Count);
            foreach (var text in texts)
            {
                Texts.Enqueue(text);
            }

            if (texts.Any(blocks))
            {
                Blocked.Set();
                if (!_open.Wait(Hang))
                {
                    throw new TimeoutException("The test never released the encoder.");
                }
            }

            return _inner.EncodeDocuments(texts, cancellationToken);
        }

        public void Dispose()
        {
            _open.Set();
            _open.Dispose();
            Blocked.Dispose();
        }
    }
}
