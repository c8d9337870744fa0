using Microsoft.ML.OnnxRuntime;

namespace Lucene.Splade.Encoders;

/// <summary>
/// Run-time settings of a <see cref="SpladeEncoder"/>. Every property has a documented default and is checked when it
/// is set, so an out-of-range value fails where it is written. Immutable once created.
/// </summary>
public sealed class SpladeEncoderOptions
{
    /// <summary>
    /// Longest input in word pieces, <c>[CLS]</c> and <c>[SEP]</c> included; longer texts are truncated.
    /// Default: the model config's <c>max_length</c>. Cannot exceed it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 2.</exception>
    public int? MaxLength
    {
        get;
        init
        {
            if (value is < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "MaxLength must be at least 2 ([CLS] and [SEP]).");
            }

            field = value;
        }
    }

    /// <summary>Texts per model call in <see cref="SpladeEncoder.EncodeDocuments"/>. Default 16.</summary>
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
    /// Upper bound on the size of one call's logits tensor (<c>batch x length x vocabulary x 4</c> bytes), which the
    /// library pools for MLM-logit graphs and which graphs that pool themselves hold in memory (often several such
    /// tensors at once); batches are split to stay below it. It bounds the memory one call takes, at some cost in
    /// throughput for small values. Default 32 MiB (1 text of 256 word pieces with a 30,522-term vocabulary, 16 of 16):
    /// the embedded graph holds about four such tensors in a call, and on a CPU batching long texts gains little.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public long MaxLogitsBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxLogitsBytes));
            field = value;
        }
    } = 32L << 20;

    /// <summary>Threads ONNX Runtime uses inside one call. Default: ONNX Runtime's choice (all cores).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? IntraOpThreads
    {
        get;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), value, "IntraOpThreads must be at least 1.");
            }

            field = value;
        }
    }

    /// <summary>
    /// How documents longer than the model's window are encoded: null (the default) truncates them to
    /// <see cref="MaxLength"/> word pieces; <see cref="Encoders.DocumentWindows"/> splits them into overlapping windows
    /// encoded separately and merged by the largest weight per term. Queries are always truncated.
    /// </summary>
    public DocumentWindows? DocumentWindows { get; init; }

    /// <summary>
    /// A hook to adjust the ONNX Runtime session options, e.g. to add the CUDA execution provider. It runs once, when
    /// the encoder is loaded.
    /// </summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }
}
