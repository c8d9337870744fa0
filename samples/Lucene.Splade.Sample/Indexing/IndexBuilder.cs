using System.Diagnostics;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Corpus;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Indexing;

/// <summary>How to build: where, whether to start over, and the parallelism of encoding.</summary>
/// <param name="IndexPath">The index folder (created when missing).</param>
/// <param name="Rebuild">Start from an empty index; otherwise continue, skipping ids already indexed.</param>
/// <param name="Threads">Model calls running at once.</param>
/// <param name="BatchSize">Documents per model call.</param>
/// <param name="CommitEvery">Commit after about this many new documents, so a crash loses little.</param>
internal sealed record IndexBuildOptions(string IndexPath, bool Rebuild, int Threads, int BatchSize, int CommitEvery = 2000);

/// <summary>Where a build stands; reported after every encoded batch.</summary>
internal sealed record IndexProgress(int Added, int SkippedExisting, int Duplicates);

/// <summary>What a build did.</summary>
/// <param name="Interrupted">The token was cancelled; everything added before is committed.</param>
internal sealed record IndexBuildResult(int Added, int SkippedExisting, int Duplicates, int DocumentsInIndex, bool Interrupted, TimeSpan Elapsed)
{
    public double DocumentsPerSecond => Added / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// Encodes documents in parallel batches and writes each with a BM25 field and a pre-encoded SPLADE field into an
/// FSDirectory. Cancellation stops encoding after the batches in flight, then commits what was added.
/// </summary>
internal sealed class IndexBuilder(SpladeEncoder encoder, IndexMetadata metadata, IndexBuildOptions options)
{
    private readonly SpladeIndexingOptions _indexing = metadata.IndexingOptions;

    /// <exception cref="SampleException">The existing index was built with other settings.</exception>
    /// <exception cref="Net.Store.LockObtainFailedException">Another writer holds the index.</exception>
    public IndexBuildResult Build(IEnumerable<SourceDocument> documents, IProgress<IndexProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        System.IO.Directory.CreateDirectory(options.IndexPath);
        using var directory = FSDirectory.Open(options.IndexPath);
        if (!options.Rebuild)
        {
            CheckCompatible(directory);
        }

        using var analyzer = IndexLayout.CreateBm25Analyzer();
        var config = new IndexWriterConfig(IndexLayout.Version, analyzer)
        {
            OpenMode = options.Rebuild ? OpenMode.CREATE : OpenMode.CREATE_OR_APPEND,
            Similarity = IndexLayout.Similarity,
            RAMBufferSizeMB = 64,

            // Separate files per kind (no compound file), so `stats` can show postings, terms and stored fields apart.
            UseCompoundFile = false,
            MergePolicy = new TieredMergePolicy { NoCFSRatio = 0 },
        };
        using var writer = new IndexWriter(directory, config);
        writer.SetCommitData(metadata.ToUserData());

        var existing = ExistingIds(writer);
        var thisRun = new HashSet<string>(StringComparer.Ordinal);
        int added = 0, skipped = 0, duplicates = 0, sinceCommit = 0;
        var interrupted = false;
        var chunkSize = Math.Max(1, options.Threads) * options.BatchSize * 2;
        foreach (var chunk in documents.Chunk(chunkSize))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }

            var fresh = new List<SourceDocument>(chunk.Length);
            foreach (var d in chunk)
            {
                if (existing.Contains(d.Id))
                {
                    skipped++;
                }
                else if (!thisRun.Add(d.Id))
                {
                    duplicates++;
                }
                else
                {
                    fresh.Add(d);
                }
            }

            var vectors = EncodeAll(fresh, cancellationToken, done => progress?.Report(new IndexProgress(added + done, skipped, duplicates)));
            for (var i = 0; i < fresh.Count; i++)
            {
                // A null vector is a batch that never ran because of cancellation: that document is not added.
                if (vectors[i] is { } vector)
                {
                    writer.AddDocument(ToLuceneDocument(fresh[i], vector));
                    added++;
                    sinceCommit++;
                }
                else
                {
                    interrupted = true;
                }
            }

            progress?.Report(new IndexProgress(added, skipped, duplicates));
            if (sinceCommit >= options.CommitEvery)
            {
                writer.Commit();
                sinceCommit = 0;
            }

            if (interrupted)
            {
                break;
            }
        }

        writer.Commit();
        return new IndexBuildResult(added, skipped, duplicates, writer.NumDocs, interrupted, clock.Elapsed);
    }

    private Document ToLuceneDocument(SourceDocument d, SparseVector vector) =>
    [
        new StringField(IndexLayout.Id, d.Id, Field.Store.YES),
        new StoredField(IndexLayout.Title, d.Title),
        new StoredField(IndexLayout.Text, d.Text),
        new TextField(IndexLayout.Contents, d.Contents, Field.Store.NO),
        SpladeField.CreateEncodedField(IndexLayout.Splade, vector, encoder.Vocabulary, _indexing),
    ];

    /// <summary>
    /// Encodes the documents with one model call per batch and up to <see cref="IndexBuildOptions.Threads"/> calls
    /// at once. Batches not started when the token is cancelled are left null.
    /// </summary>
    private SparseVector?[] EncodeAll(List<SourceDocument> documents, CancellationToken cancellationToken, Action<int> onBatchDone)
    {
        var vectors = new SparseVector?[documents.Count];
        var batches = (documents.Count + options.BatchSize - 1) / options.BatchSize;
        var done = 0;
        Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads) }, (b, state) =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                state.Stop();
                return;
            }

            var start = b * options.BatchSize;
            var count = Math.Min(options.BatchSize, documents.Count - start);
            var texts = new string[count];
            for (var k = 0; k < count; k++)
            {
                texts[k] = documents[start + k].Contents;
            }

            var encoded = encoder.EncodeDocuments(texts);
            for (var k = 0; k < count; k++)
            {
                vectors[start + k] = encoded[k];
            }

            onBatchDone(Interlocked.Add(ref done, count));
        });
        return vectors;
    }

    private void CheckCompatible(Net.Store.Directory directory)
    {
        if (!DirectoryReader.IndexExists(directory))
        {
            return;
        }

        using var reader = DirectoryReader.Open(directory);
        var existing = IndexMetadata.FromUserData(reader.IndexCommit.UserData);
        if (existing is null)
        {
            if (reader.NumDocs > 0)
            {
                throw new SampleException($"{options.IndexPath} holds an index not made by this console; use --rebuild to replace it.");
            }

            return;
        }

        if (existing != metadata)
        {
            throw new SampleException(
                $"The index at {options.IndexPath} was built with other settings ({string.Join("; ", existing.Differences(metadata))}, index vs this run). " +
                "Use the same settings to continue, or --rebuild to start over.");
        }
    }

    private static HashSet<string> ExistingIds(IndexWriter writer)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = DirectoryReader.Open(writer, applyAllDeletes: true);
        var liveDocs = MultiFields.GetLiveDocs(reader);
        var terms = MultiFields.GetTerms(reader, IndexLayout.Id);
        if (terms is null)
        {
            return ids;
        }

        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        while (termsEnum.MoveNext())
        {
            docs = termsEnum.Docs(liveDocs, docs, DocsFlags.NONE);
            if (docs.NextDoc() != Net.Search.DocIdSetIterator.NO_MORE_DOCS)
            {
                ids.Add(termsEnum.Term.Utf8ToString());
            }
        }

        return ids;
    }
}
