namespace Lucene.Splade.Vectors;

/// <summary>
/// Sparsity controls for a <see cref="SparseVector"/>. Every control is off (null) by default; set any combination.
/// Documents and queries usually get different settings (see <c>SpladeEncoderOptions</c>).
/// </summary>
/// <remarks>
/// Applied by <see cref="SparseVectorPruner"/> in this order: <see cref="MinWeight"/>, <see cref="MinRatioToMax"/>,
/// <see cref="MassFraction"/>, then <see cref="TopK"/>. Ties at a cut are broken by ascending term id, so pruning is
/// deterministic.
/// </remarks>
public sealed record PruningOptions
{
    /// <summary>No pruning.</summary>
    public static PruningOptions None { get; } = new();

    /// <summary>Keep at most this many terms, the heaviest. Must be &gt; 0.</summary>
    public int? TopK { get; init; }

    /// <summary>Drop terms whose weight is below this absolute value. Must be &gt;= 0.</summary>
    public float? MinWeight { get; init; }

    /// <summary>
    /// Keep the heaviest terms whose weights add up to at least this fraction of the vector's total weight
    /// (alpha mass pruning). In (0, 1]; 1 keeps everything.
    /// </summary>
    public double? MassFraction { get; init; }

    /// <summary>Drop terms whose weight is below this fraction of the largest weight. In [0, 1].</summary>
    public double? MinRatioToMax { get; init; }

    /// <summary>True when no control is set.</summary>
    public bool IsNone => TopK is null && MinWeight is null && MassFraction is null && MinRatioToMax is null;

    /// <summary>Checks the ranges of the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (TopK is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be positive.");
        }

        if (MinWeight is { } w && !(w >= 0 && float.IsFinite(w)))
        {
            throw new ArgumentOutOfRangeException(nameof(MinWeight), MinWeight, "MinWeight must be a finite number >= 0.");
        }

        if (MassFraction is { } m && !(m > 0 && m <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MassFraction), MassFraction, "MassFraction must be in (0, 1].");
        }

        if (MinRatioToMax is { } r && !(r >= 0 && r <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinRatioToMax), MinRatioToMax, "MinRatioToMax must be in [0, 1].");
        }
    }
}
