using Lucene.Splade.Analysis;

namespace Lucene.Splade.Indexing;

/// <summary>How a <see cref="SpladeIndexingQueue"/> batches, encodes and indexes. Immutable once created.</summary>
public sealed class SpladeIndexingQueueOptions
{
    /// <summary>Pruning and quantization of the encoded fields. Default <see cref="SpladeIndexingOptions.Default"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public SpladeIndexingOptions Indexing
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Indexing));
    } = SpladeIndexingOptions.Default;

    /// <summary>
    /// The most texts one encoder call gets. A batch takes the texts already waiting and does not wait for more, so a
    /// trickle of documents is indexed at once and a flood is encoded in full batches. Default 16.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int BatchSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(BatchSize));
            field = value;
        }
    } = 16;

    /// <summary>
    /// Encoder calls running at once. Default: the number of processors. With more than one, load the model with
    /// one ONNX Runtime thread per call (<see cref="Encoders.SpladeEncoderOptions.IntraOpThreads"/> = 1).
    /// </summary>
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

    /// <summary>
    /// Documents that may wait to be encoded; <see cref="SpladeIndexingQueue.AddDocument"/> blocks while this many
    /// wait, so a fast producer cannot fill memory. Default 1024.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Capacity
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Capacity));
            field = value;
        }
    } = 1024;
}
