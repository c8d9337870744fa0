using Lucene.Splade.Vectors;

namespace Lucene.Splade.Analysis;

/// <summary>
/// How a document's sparse vector becomes index terms: pruning first, then quantization to term frequencies.
/// Immutable, with value equality; one instance can serve every thread.
/// </summary>
public sealed record SpladeIndexingOptions
{
    /// <summary>No pruning and <see cref="TermFrequencyQuantizer.Default"/>.</summary>
    public static SpladeIndexingOptions Default { get; } = new();

    /// <summary>Pruning applied to the document vector before quantization. Default <see cref="PruningOptions.None"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public PruningOptions Pruning
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Pruning));
    } = PruningOptions.None;

    /// <summary>Turns weights into term frequencies. Default <see cref="TermFrequencyQuantizer.Default"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public TermFrequencyQuantizer Quantizer
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Quantizer));
    } = TermFrequencyQuantizer.Default;

    /// <summary>
    /// The term frequencies a document vector is indexed with: <see cref="Pruning"/>, then <see cref="Quantizer"/>.
    /// Both indexing paths (<see cref="SpladeTokenFilter"/> and <see cref="SparseVectorTokenStream"/>) go through here.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="vector"/> is null.</exception>
    public QuantizedVector ToTermFrequencies(SparseVector vector)
    {
        // Stryker disable once Statement : equivalent, SparseVectorPruner.Prune throws the same ArgumentNullException for vector.
        ArgumentNullException.ThrowIfNull(vector);
        return Quantizer.Quantize(SparseVectorPruner.Prune(vector, Pruning));
    }
}
