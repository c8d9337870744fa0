namespace Lucene.Splade.Vectors;

/// <summary>
/// Sparsity controls for a <see cref="SparseVector"/>. Every control is off (null) by default; set any combination.
/// Documents and queries usually get different settings (<c>SpladeIndexingOptions.Pruning</c> and
/// <c>SpladeQueryBuilder</c>'s query pruning). Each value is checked when it is set. Immutable.
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

    /// <summary>Keep at most this many terms, the heaviest.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int? TopK
    {
        get;
        init
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(TopK), value, "TopK must be positive.");
            }

            field = value;
        }
    }

    /// <summary>Drop terms whose weight is below this absolute value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public float? MinWeight
    {
        get;
        init
        {
            if (value is { } w && !(w >= 0 && float.IsFinite(w)))
            {
                throw new ArgumentOutOfRangeException(nameof(MinWeight), value, "MinWeight must be a finite number >= 0.");
            }

            field = value;
        }
    }

    /// <summary>
    /// Keep the heaviest terms whose weights add up to at least this fraction of the vector's total weight
    /// (alpha mass pruning). In (0, 1]; 1 keeps everything.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside (0, 1].</exception>
    public double? MassFraction
    {
        get;
        init
        {
            if (value is { } m && !(m > 0 && m <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(MassFraction), value, "MassFraction must be in (0, 1].");
            }

            field = value;
        }
    }

    /// <summary>Drop terms whose weight is below this fraction of the largest weight. In [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1].</exception>
    public double? MinRatioToMax
    {
        get;
        init
        {
            if (value is { } r && !(r >= 0 && r <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(MinRatioToMax), value, "MinRatioToMax must be in [0, 1].");
            }

            field = value;
        }
    }

    /// <summary>True when no control is set.</summary>
    public bool IsNone => TopK is null && MinWeight is null && MassFraction is null && MinRatioToMax is null;
}
