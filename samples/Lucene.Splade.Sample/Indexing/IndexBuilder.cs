using Lucene.Splade.Corpora;
using System.Diagnostics;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Indexing;

/// <summary>How to build: where, whether to start over, and the parallelism of encoding.</summary>
/// <param name="IndexPath">The index folder (created when missing).</param>
/// <param name="Rebuild">Start from an empty index; otherwise continue, skipping ids already indexed.</param>
/// <param name="Threads">Model calls running at once.</param>
/// <param name="BatchSize">Documents per model call.</param>
/// <param name="CommitEvery">Commit after about this many new documents, so a crash loses little.</param>
/// <param name="ForwardVectors">Also store each document's pruned float vector (<see cref="CorpusFields.SpladeVector"/>).</param>
internal sealed record IndexBuildOptions(string IndexPath, bool Rebuild, int Threads, int BatchSize, int CommitEvery = 2000, bool ForwardVectors = false);

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
/// field and a pre-encoded SPLADE field (<see cref="CorpusFields"/>) into an FSDirectory (an
/// <see cref="IndexWriterSession"/>). Cancellation stops encoding after the batches in flight, adds them, and commits.
/// </summary>
internal sealed class IndexBuilder(SpladeEncoder encoder, IndexMetadata metadata, IndexBuildOptions options)
{
    private readonly SpladeIndexingOptions _indexing = metadata.IndexingOptions;

    /// <exception cref="SampleException">The existing index was built with other settings.</exception>
    /// <exception cref="Net.Store.LockObtainFailedException">Another writer holds the index.</exception>
    public IndexBuildResult Build(IEnumerable<CorpusDocument> documents, IProgress<IndexProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var session = IndexWriterSession.Open(metadata, options);
        var interrupted = false;
        var chunkSize = Math.Max(1, options.Threads) * options.BatchSize;
        foreach (var chunk in documents.Chunk(chunkSize))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }

            var fresh = chunk.Where(d => session.Admit(d.Id)).ToList();

            // One round: a batch per thread, all running at once. The round is not cancelled midway, so the batches
            // in flight when Ctrl+C comes are finished and added; the next round does not start.
            var addedBefore = session.Added;
            var (skipped, duplicates) = (session.SkippedExisting, session.Duplicates);
            var vectors = encoder.EncodeDocumentsInParallel(fresh.Select(d => d.Contents).ToArray(), new ParallelEncodingOptions
            {
                DegreeOfParallelism = Math.Max(1, options.Threads),
                ChunkSize = options.BatchSize,
                Progress = progress is null ? null : new Reporter(done => progress.Report(new IndexProgress(addedBefore + done, skipped, duplicates))),
            });

            for (var i = 0; i < fresh.Count; i++)
            {
                session.Add(CorpusFields.ToDocument(fresh[i], vectors[i], encoder.Vocabulary, _indexing, options.ForwardVectors));
            }

            progress?.Report(new IndexProgress(session.Added, session.SkippedExisting, session.Duplicates));
            session.CommitIfDue();
        }

        session.Commit();
        return new IndexBuildResult(session.Added, session.SkippedExisting, session.Duplicates, session.DocumentsInIndex, interrupted, clock.Elapsed);
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
