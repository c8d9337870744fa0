using Microsoft.ML.OnnxRuntime;

namespace Lucene.Splade.Encoders;

/// <summary>Run-time settings of a <see cref="SpladeEncoder"/>. Every property has a documented default.</summary>
public sealed class SpladeEncoderOptions
{
    /// <summary>
    /// Longest input in word pieces, <c>[CLS]</c> and <c>[SEP]</c> included; longer texts are truncated.
    /// Default: the model config's <c>max_length</c>. Cannot exceed it.
    /// </summary>
    public int? MaxLength { get; set; }

    /// <summary>Texts per model call in <see cref="SpladeEncoder.EncodeBatch(IReadOnlyList{string})"/>. Default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Upper bound on the size of one call's logits tensor (<c>batch x length x vocabulary x 4</c> bytes), which the
    /// library pools for MLM-logit graphs and which graphs that pool themselves hold in memory (often several such
    /// tensors at once); batches are split to stay below it. It bounds the memory one call takes, at some cost in
    /// throughput for small values. Default 256 MiB (8 texts of 256 word pieces with a 30,522-term vocabulary).
    /// </summary>
    public long MaxLogitsBytes { get; set; } = 256L << 20;

    /// <summary>Threads ONNX Runtime uses inside one call. Default: ONNX Runtime's choice (all cores).</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>A hook to adjust the ONNX Runtime session options, e.g. to add the CUDA execution provider.</summary>
    public Action<SessionOptions>? ConfigureSession { get; set; }

    internal void Validate()
    {
        if (MaxLength is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "MaxLength must be at least 2 ([CLS] and [SEP]).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLogitsBytes, 1, nameof(MaxLogitsBytes));
        if (IntraOpThreads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be at least 1.");
        }
    }
}
