using Lucene.Splade.Vectors;

namespace Lucene.Splade.Analysis;

/// <summary>
/// How a document's sparse vector becomes index terms: pruning first, then quantization to term frequencies.
/// Immutable; one instance can serve every thread.
/// </summary>
public sealed record SpladeIndexingOptions
{
    /// <summary>No pruning and <see cref="TermFrequencyQuantizer.Default"/>.</summary>
    public static SpladeIndexingOptions Default { get; } = new();

    /// <summary>Pruning applied to the document vector before quantization. Default <see cref="PruningOptions.None"/>.</summary>
    public PruningOptions Pruning { get; init; } = PruningOptions.None;

    /// <summary>Turns weights into term frequencies. Default <see cref="TermFrequencyQuantizer.Default"/>.</summary>
    public TermFrequencyQuantizer Quantizer { get; init; } = TermFrequencyQuantizer.Default;

    /// <summary>Checks that both settings are present and in range.</summary>
    /// <exception cref="ArgumentNullException">A setting is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A pruning setting is out of range.</exception>
    public void Validate()
    {
        // init accessors cannot stop `Pruning = null!`, so the check happens once, where the options are taken.
        if (Pruning is null)
        {
            throw new ArgumentNullException(nameof(Pruning));
        }

        if (Quantizer is null)
        {
            throw new ArgumentNullException(nameof(Quantizer));
        }

        Pruning.Validate();
    }

    /// <summary>
    /// The term frequencies a document vector is indexed with: <see cref="Pruning"/>, then <see cref="Quantizer"/>.
    /// Both indexing paths (<see cref="SpladeTokenFilter"/> and <see cref="SparseVectorTokenStream"/>) go through here.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="vector"/> is null.</exception>
    public QuantizedVector ToTermFrequencies(SparseVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        return Quantizer.Quantize(SparseVectorPruner.Prune(vector, Pruning));
    }
}
