using Lucene.Splade.Vectors;

namespace Lucene.Splade.Encoders;

/// <summary>How <see cref="ParallelEncoding"/> spreads texts over threads. Immutable once created.</summary>
public sealed class ParallelEncodingOptions
{
    /// <summary>Encoder calls running at once. Default: the number of processors.</summary>
    /// <remarks>
    /// With several calls at once, load the model with one ONNX Runtime thread per call
    /// (<see cref="SpladeEncoderOptions.IntraOpThreads"/> = 1): that is faster than few calls on all cores each.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int DegreeOfParallelism
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(DegreeOfParallelism));
            field = value;
        }
    } = Environment.ProcessorCount;

    /// <summary>Texts handed to one encoder call (consecutive texts of the input). Default 16.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int ChunkSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(ChunkSize));
            field = value;
        }
    } = 16;

    /// <summary>
    /// Told the number of texts encoded so far after each call finishes (from the thread that ran it). Default none.
    /// </summary>
    public IProgress<int>? Progress { get; init; }
}

/// <summary>
/// Encodes many texts on several threads with one encoder: chunks of consecutive texts go to concurrent
/// <see cref="IDocumentEncoder.EncodeDocuments"/> (or <see cref="IQueryEncoder.EncodeQueries"/>) calls, and the
/// results come back in input order. The encoders of this library are thread-safe, so one instance serves all threads.
/// </summary>
public static class ParallelEncoding
{
    /// <summary>Encodes documents in parallel (see <see cref="ParallelEncoding"/>).</summary>
    /// <param name="encoder">The document encoder.</param>
    /// <param name="texts">The documents' texts.</param>
    /// <param name="options">Parallelism, chunk size and progress; the defaults when null.</param>
    /// <param name="cancellationToken">Stops starting new chunks; the chunks already running finish first.</param>
    /// <returns>One vector per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/>, <paramref name="texts"/> or a text is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing is returned.</exception>
    public static IReadOnlyList<SparseVector> EncodeDocumentsInParallel(this IDocumentEncoder encoder, IReadOnlyList<string> texts, ParallelEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return Encode(texts, chunk => encoder.EncodeDocuments(chunk, cancellationToken), options, cancellationToken);
    }

    /// <summary>Encodes queries in parallel (see <see cref="ParallelEncoding"/>).</summary>
    /// <param name="encoder">The query encoder.</param>
    /// <param name="texts">The query texts.</param>
    /// <param name="options">Parallelism, chunk size and progress; the defaults when null.</param>
    /// <param name="cancellationToken">Stops starting new chunks; the chunks already running finish first.</param>
    /// <returns>One vector per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/>, <paramref name="texts"/> or a text is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing is returned.</exception>
    public static IReadOnlyList<SparseVector> EncodeQueriesInParallel(this IQueryEncoder encoder, IReadOnlyList<string> texts, ParallelEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return Encode(texts, chunk => encoder.EncodeQueries(chunk, cancellationToken), options, cancellationToken);
    }

    private static SparseVector[] Encode(IReadOnlyList<string> texts, Func<IReadOnlyList<string>, IReadOnlyList<SparseVector>> encode, ParallelEncodingOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new ParallelEncodingOptions();
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
            }
        }

        var results = new SparseVector[texts.Count];
        var chunks = (texts.Count + options.ChunkSize - 1) / options.ChunkSize;
        var done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.DegreeOfParallelism, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, chunks, parallel, c => EncodeChunk(c));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // Parallel.For wraps what a chunk threw; callers get the encoder's own exception, as from a single call.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        return results;

        void EncodeChunk(int c)
        {
            // Parallel.For looks at the token only now and then; a chunk that has not started must not start.
            cancellationToken.ThrowIfCancellationRequested();
            var start = c * options.ChunkSize;
            var count = Math.Min(options.ChunkSize, texts.Count - start);
            var chunk = new string[count];
            for (var k = 0; k < count; k++)
            {
                chunk[k] = texts[start + k];
            }

            var vectors = encode(chunk);
            for (var k = 0; k < count; k++)
            {
                results[start + k] = vectors[k];
            }

            options.Progress?.Report(Interlocked.Add(ref done, count));
        }
    }
}
