using Lucene.Splade.Corpora;
using System.Diagnostics;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Store;
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
/// Encodes documents in parallel batches (the library's <see cref="ParallelEncoding"/>) and writes each with a BM25
/// field and a pre-encoded SPLADE field (<see cref="CorpusFields"/>) into an FSDirectory. Cancellation stops encoding
/// after the batches in flight, adds them, and commits.
/// </summary>
internal sealed class IndexBuilder(SpladeEncoder encoder, IndexMetadata metadata, IndexBuildOptions options)
{
    private readonly SpladeIndexingOptions _indexing = metadata.IndexingOptions;

    /// <exception cref="SampleException">The existing index was built with other settings.</exception>
    /// <exception cref="Net.Store.LockObtainFailedException">Another writer holds the index.</exception>
    public IndexBuildResult Build(IEnumerable<CorpusDocument> documents, IProgress<IndexProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        System.IO.Directory.CreateDirectory(options.IndexPath);
        // An OS-level lock for the writer's lifetime: Lucene.NET's default lock lets a second process write on Linux.
        using var directory = FSDirectory.Open(options.IndexPath, new ExclusiveFileLockFactory());
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
        var chunkSize = Math.Max(1, options.Threads) * options.BatchSize;
        foreach (var chunk in documents.Chunk(chunkSize))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }

            var fresh = new List<CorpusDocument>(chunk.Length);
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

            // One round: a batch per thread, all running at once. The round is not cancelled midway, so the batches
            // in flight when Ctrl+C comes are finished and added; the next round does not start.
            var addedBefore = added;
            var vectors = encoder.EncodeDocumentsInParallel(fresh.Select(d => d.Contents).ToArray(), new ParallelEncodingOptions
            {
                DegreeOfParallelism = Math.Max(1, options.Threads),
                ChunkSize = options.BatchSize,
                Progress = progress is null ? null : new Reporter(done => progress.Report(new IndexProgress(addedBefore + done, skipped, duplicates))),
            });

            for (var i = 0; i < fresh.Count; i++)
            {
                writer.AddDocument(CorpusFields.ToDocument(fresh[i], vectors[i], encoder.Vocabulary, _indexing));
                added++;
                sinceCommit++;
            }

            progress?.Report(new IndexProgress(added, skipped, duplicates));
            if (sinceCommit >= options.CommitEvery)
            {
                writer.Commit();
                sinceCommit = 0;
            }
        }

        writer.Commit();
        return new IndexBuildResult(added, skipped, duplicates, writer.NumDocs, interrupted, clock.Elapsed);
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
        var terms = MultiFields.GetTerms(reader, CorpusFields.Id);
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

    /// <summary>Reports on the worker thread that finished a batch, the highest count only (batches end out of order).</summary>
    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        private readonly System.Threading.Lock _lock = new();
        private int _highest;

        public void Report(int value)
        {
            lock (_lock)
            {
                if (value > _highest)
                {
                    _highest = value;
                    report(value);
                }
            }
        }
    }
}
