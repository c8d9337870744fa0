using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Lucene.Net.Index;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Indexing;

/// <summary>
/// Encodes the SPLADE text fields of documents ahead of an <see cref="IndexWriter"/>, in batches on background
/// threads, and hands the writer documents whose SPLADE fields are already encoded: the drop-in path for
/// near-real-time search. With <see cref="SpladeAnalyzer"/> the model runs inside <see cref="IndexWriter.AddDocument(IEnumerable{IIndexableField})"/>,
/// and a reader reopen (<c>SearcherManager.MaybeRefresh</c>, <c>DirectoryReader.Open(writer, ...)</c>) waits for the
/// documents being analyzed; here the writer only sees ready terms, so reopening never waits for the model, and
/// batching across documents makes encoding faster too.
/// </summary>
/// <remarks>
/// <para>
/// A SPLADE text field is one made by <see cref="SpladeField.CreateTextField"/> (field type
/// <see cref="SpladeField.SpladeFieldType"/> with a string value); it is replaced by
/// <see cref="SpladeField.CreateEncodedField(string, SparseVector, Tokenization.Vocabulary, SpladeIndexingOptions?)"/>
/// of its encoded text, which gives the postings <see cref="SpladeAnalyzer"/> with the same options gives. Every other
/// field reaches the writer as it is.
/// </para>
/// <para>
/// Documents reach the writer in the order they were handed in (so two updates of one id apply in order), by one
/// background thread, some time after <see cref="AddDocument"/> returns: call <see cref="Flush"/> before a
/// commit, or before a reader must see them. The queue does not own the writer or the encoder; dispose it before
/// them. Thread-safe.
/// </para>
/// <para>
/// If encoding or the writer fails, the queue stops: the documents not yet in the writer are not added, and the next
/// <see cref="AddDocument"/>, <see cref="UpdateDocument"/>, <see cref="Flush"/> or <see cref="Dispose"/> throws an
/// <see cref="InvalidOperationException"/> that says how many documents were added, with the failure as its inner
/// exception.
/// </para>
/// </remarks>
public sealed class SpladeIndexingQueue : IDisposable
{
    private readonly IndexWriter _writer;
    private readonly IDocumentEncoder _encoder;
    private readonly SpladeIndexingQueueOptions _options;
    private readonly BlockingCollection<PendingDocument> _incoming;
    private readonly BlockingCollection<Batch> _batches;
    private readonly SemaphoreSlim _encodeSlots;
    private readonly Thread _dispatcher;
    private readonly Thread _indexer;
    private readonly object _submitGate = new();
    private readonly object _progressGate = new();
    private long _submitted;
    private long _finished;
    private long _added;
    private Exception? _failure;
    private bool _failureReported;
    private bool _disposed;

    /// <summary>Creates the queue and starts its threads.</summary>
    /// <param name="writer">The writer documents go to.</param>
    /// <param name="encoder">The document encoder (the model); thread-safe.</param>
    /// <param name="options">Batching, parallelism, capacity and indexing options; the defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> or <paramref name="encoder"/> is null.</exception>
    public SpladeIndexingQueue(IndexWriter writer, IDocumentEncoder encoder, SpladeIndexingQueueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(encoder);
        _writer = writer;
        _encoder = encoder;
        _options = options ?? new SpladeIndexingQueueOptions();
        _incoming = new BlockingCollection<PendingDocument>(_options.Capacity);
        _batches = new BlockingCollection<Batch>(_options.DegreeOfParallelism + 1);
        _encodeSlots = new SemaphoreSlim(_options.DegreeOfParallelism);
        _dispatcher = new Thread(Dispatch) { IsBackground = true, Name = "SPLADE encoding dispatcher" };
        _indexer = new Thread(Index) { IsBackground = true, Name = "SPLADE indexing" };
        _dispatcher.Start();
        _indexer.Start();
    }

    /// <summary>The options the queue was created with.</summary>
    public SpladeIndexingQueueOptions Options => _options;

    /// <summary>Documents handed to the writer so far.</summary>
    public long DocumentsAdded => Interlocked.Read(ref _added);

    /// <summary>Documents handed in and not yet in the writer (waiting, being encoded, or being added).</summary>
    public long PendingDocuments
    {
        get
        {
            lock (_progressGate)
            {
                return Interlocked.Read(ref _submitted) - _finished;
            }
        }
    }

    /// <summary>
    /// Queues a document for <see cref="IndexWriter.AddDocument(IEnumerable{IIndexableField})"/>. Returns once it is
    /// queued; blocks while <see cref="SpladeIndexingQueueOptions.Capacity"/> documents wait.
    /// </summary>
    /// <param name="document">The document's fields; read now, so the caller may reuse them once this returns.</param>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> or one of its fields is null.</exception>
    /// <exception cref="ObjectDisposedException">The queue was disposed.</exception>
    /// <exception cref="InvalidOperationException">The queue stopped after a failure (see <see cref="SpladeIndexingQueue"/>).</exception>
    public void AddDocument(IEnumerable<IIndexableField> document) => Submit(term: null, document);

    /// <summary>
    /// Queues a document for <see cref="IndexWriter.UpdateDocument(Term, IEnumerable{IIndexableField})"/>: the documents
    /// holding <paramref name="term"/> are replaced by this one when it reaches the writer.
    /// </summary>
    /// <param name="term">Identifies the documents to replace.</param>
    /// <param name="document">The document's fields; read now, so the caller may reuse them once this returns.</param>
    /// <exception cref="ArgumentNullException">An argument or a field is null.</exception>
    /// <exception cref="ObjectDisposedException">The queue was disposed.</exception>
    /// <exception cref="InvalidOperationException">The queue stopped after a failure (see <see cref="SpladeIndexingQueue"/>).</exception>
    public void UpdateDocument(Term term, IEnumerable<IIndexableField> document)
    {
        ArgumentNullException.ThrowIfNull(term);
        Submit(term, document);
    }

    /// <summary>
    /// Returns once every document handed in before the call is in the writer. It is not committed: call
    /// <see cref="IndexWriter.Commit()"/> for that, or reopen a near-real-time reader to search it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The queue was disposed.</exception>
    /// <exception cref="InvalidOperationException">The queue stopped after a failure (see <see cref="SpladeIndexingQueue"/>).</exception>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = Interlocked.Read(ref _submitted);
        lock (_progressGate)
        {
            while (_finished < target && _failure is null)
            {
                Monitor.Wait(_progressGate);
            }
        }

        ThrowIfFailed();
    }

    /// <summary>
    /// Indexes the documents still queued, then stops the queue's threads. The writer and the encoder stay open.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The queue stopped after a failure that no earlier call reported: some documents were not added.
    /// </exception>
    public void Dispose()
    {
        lock (_submitGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _incoming.CompleteAdding();
        }

        _dispatcher.Join();
        _indexer.Join();
        _incoming.Dispose();
        _batches.Dispose();
        _encodeSlots.Dispose();
        bool unreported;
        lock (_progressGate)
        {
            unreported = _failure is not null && !_failureReported;
        }

        if (unreported)
        {
            ThrowIfFailed();
        }
    }

    private void Submit(Term? term, IEnumerable<IIndexableField> document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var pending = PendingDocument.Read(term, document);
        ThrowIfFailed();
        lock (_submitGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Interlocked.Increment(ref _submitted);
            _incoming.Add(pending);
        }
    }

    private void ThrowIfFailed()
    {
        Exception? failure;
        lock (_progressGate)
        {
            failure = _failure;
            if (failure is null)
            {
                return;
            }

            _failureReported = true;
        }

        throw new InvalidOperationException(
            $"The SPLADE indexing queue stopped: {failure.Message} {DocumentsAdded} of the {Interlocked.Read(ref _submitted)} documents handed in were added to the index writer; the others were not.",
            failure);
    }

    /// <summary>
    /// Groups waiting documents into batches of texts and starts encoding them, in order. A batch is formed once an
    /// encoder call is free, from what waits then, so batches grow when the model is the bottleneck.
    /// </summary>
    private void Dispatch()
    {
        PendingDocument? carried = null;
        try
        {
            while (carried is not null || _incoming.TryTake(out carried, Timeout.Infinite))
            {
                var documents = new List<PendingDocument> { carried };
                var texts = carried.Texts.Count;
                carried = null;
                _encodeSlots.Wait();
                while (texts < _options.BatchSize && _incoming.TryTake(out var next))
                {
                    if (texts + next.Texts.Count > _options.BatchSize)
                    {
                        carried = next;
                        break;
                    }

                    documents.Add(next);
                    texts += next.Texts.Count;
                }

                _batches.Add(StartEncoding(documents, texts));
            }
        }
        finally
        {
            _batches.CompleteAdding();
        }
    }

    /// <summary>Starts encoding a batch; the encoder call slot taken by the caller is released when it ends.</summary>
    private Batch StartEncoding(List<PendingDocument> documents, int textCount)
    {
        if (textCount == 0 || Volatile.Read(ref _failure) is not null)
        {
            _encodeSlots.Release();
            return new Batch(documents, Task.FromResult<IReadOnlyList<SparseVector>>([]));
        }

        var texts = new List<string>(textCount);
        foreach (var document in documents)
        {
            texts.AddRange(document.Texts);
        }

        var encoding = Task.Run(() =>
        {
            try
            {
                return _encoder.EncodeDocuments(texts);
            }
            finally
            {
                _encodeSlots.Release();
            }
        });
        return new Batch(documents, encoding);
    }

    /// <summary>Hands the encoded documents to the writer, batch after batch in the order they were queued.</summary>
    private void Index()
    {
        foreach (var batch in _batches.GetConsumingEnumerable())
        {
            var done = 0;
            try
            {
                if (Volatile.Read(ref _failure) is null)
                {
                    var vectors = batch.Encoding.GetAwaiter().GetResult();
                    var expected = batch.Documents.Sum(d => d.Texts.Count);
                    if (vectors.Count != expected)
                    {
                        throw new InvalidOperationException($"The encoder returned {vectors.Count} vectors for {expected} texts.");
                    }

                    var next = 0;
                    foreach (var document in batch.Documents)
                    {
                        var fields = document.WithEncodedFields(vectors, next, _encoder, _options.Indexing);
                        next += document.Texts.Count;
                        if (document.Term is null)
                        {
                            _writer.AddDocument(fields);
                        }
                        else
                        {
                            _writer.UpdateDocument(document.Term, fields);
                        }

                        Interlocked.Increment(ref _added);
                        done++;
                        Finish(1);
                    }
                }
            }
            catch (Exception e)
            {
                lock (_progressGate)
                {
                    _failure ??= e;
                    Monitor.PulseAll(_progressGate);
                }
            }
            finally
            {
                // A batch skipped after a failure is waited for too, so no encoder call outlives the queue.
                WaitQuietly(batch.Encoding);
                Finish(batch.Documents.Count - done);
            }
        }
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // Its failure, if it is the first, was recorded when the batch was indexed.
        }
    }

    private void Finish(int documents)
    {
        if (documents == 0)
        {
            return;
        }

        lock (_progressGate)
        {
            _finished += documents;
            Monitor.PulseAll(_progressGate);
        }
    }

    private sealed record Batch(List<PendingDocument> Documents, Task<IReadOnlyList<SparseVector>> Encoding);

    /// <summary>A queued document: its fields, and the texts of its SPLADE text fields to encode.</summary>
    private sealed class PendingDocument
    {
        private PendingDocument(Term? term, IIndexableField[] fields, int[] textFieldIndexes, List<string> texts)
        {
            Term = term;
            Fields = fields;
            TextFieldIndexes = textFieldIndexes;
            Texts = texts;
        }

        public Term? Term { get; }

        public IIndexableField[] Fields { get; }

        /// <summary>Where in <see cref="Fields"/> each of <see cref="Texts"/> came from.</summary>
        public int[] TextFieldIndexes { get; }

        public List<string> Texts { get; }

        public static PendingDocument Read(Term? term, IEnumerable<IIndexableField> document)
        {
            var fields = document.ToArray();
            var indexes = new List<int>();
            var texts = new List<string>();
            for (var i = 0; i < fields.Length; i++)
            {
                var field = fields[i] ?? throw new ArgumentNullException(nameof(document), "The document holds a null field.");
                if (ReferenceEquals(field.IndexableFieldType, SpladeField.SpladeFieldType) && field.GetStringValue() is { } text)
                {
                    indexes.Add(i);
                    texts.Add(text);
                }
            }

            return new PendingDocument(term, fields, [.. indexes], texts);
        }

        public IIndexableField[] WithEncodedFields(IReadOnlyList<SparseVector> vectors, int first, IDocumentEncoder encoder, SpladeIndexingOptions options)
        {
            if (TextFieldIndexes.Length == 0)
            {
                return Fields;
            }

            var fields = (IIndexableField[])Fields.Clone();
            for (var i = 0; i < TextFieldIndexes.Length; i++)
            {
                var index = TextFieldIndexes[i];
                fields[index] = SpladeField.CreateEncodedField(fields[index].Name, vectors[first + i], encoder.Vocabulary, options);
            }

            return fields;
        }
    }
}
