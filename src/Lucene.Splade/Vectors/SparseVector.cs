namespace Lucene.Splade.Vectors;

/// <summary>
/// A sparse term-weight vector over a model's vocabulary: term ids in ascending order, each with a positive weight.
/// Immutable; safe to share between threads.
/// </summary>
public sealed class SparseVector : IEquatable<SparseVector>
{
    private readonly int[] _termIds;
    private readonly float[] _weights;

    /// <summary>The vector with no terms.</summary>
    // Stryker disable once Boolean : equivalent, validating data that is valid by construction gives the same vector (it only costs time).
    public static SparseVector Empty { get; } = new(Array.Empty<int>(), Array.Empty<float>(), validated: true);

    /// <summary>Creates a vector from parallel arrays of term ids and weights.</summary>
    /// <param name="termIds">Term ids; any order, no duplicates, none negative.</param>
    /// <param name="weights">Weights; finite. Entries with weight &lt;= 0 are dropped.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, an id repeats or is negative, or a weight is not finite.</exception>
    public SparseVector(ReadOnlySpan<int> termIds, ReadOnlySpan<float> weights)
    {
        if (termIds.Length != weights.Length)
        {
            throw new ArgumentException($"{termIds.Length} term ids but {weights.Length} weights.", nameof(weights));
        }

        var count = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                throw new ArgumentException($"Weight of term {termIds[i]} is {weights[i]}; weights must be finite.", nameof(weights));
            }

            if (termIds[i] < 0)
            {
                throw new ArgumentException($"Term id {termIds[i]} is negative.", nameof(termIds));
            }

            if (weights[i] > 0)
            {
                count++;
            }
        }

        var ids = new int[count];
        var ws = new float[count];
        for (int i = 0, k = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                ids[k] = termIds[i];
                ws[k++] = weights[i];
            }
        }

        Array.Sort(ids, ws);
        for (var i = 1; i < ids.Length; i++)
        {
            if (ids[i] == ids[i - 1])
            {
                throw new ArgumentException($"Term id {ids[i]} appears more than once.", nameof(termIds));
            }
        }

        _termIds = ids;
        _weights = ws;
    }

    private SparseVector(int[] termIds, float[] weights, bool validated)
    {
        _ = validated;
        _termIds = termIds;
        _weights = weights;
    }

    /// <summary>
    /// Builds a vector from a dense weight array (one entry per vocabulary id), keeping entries &gt; 0.
    /// </summary>
    public static SparseVector FromDense(ReadOnlySpan<float> dense)
    {
        var count = 0;
        foreach (var w in dense)
        {
            if (w > 0 && float.IsFinite(w))
            {
                count++;
            }
        }

        var ids = new int[count];
        var ws = new float[count];
        for (int j = 0, k = 0; j < dense.Length; j++)
        {
            var w = dense[j];
            if (w > 0 && float.IsFinite(w))
            {
                ids[k] = j;
                ws[k++] = w;
            }
        }

        // Stryker disable once Boolean : equivalent, validating data that is valid by construction gives the same vector (it only costs time).
        return new SparseVector(ids, ws, validated: true);
    }

    /// <summary>
    /// The largest weight of each term over <paramref name="vectors"/> (how the windows of a long document are merged,
    /// as Elasticsearch merges the chunks of a <c>sparse_vector</c> field).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="vectors"/> or one of its items is null.</exception>
    public static SparseVector ElementwiseMax(IReadOnlyList<SparseVector> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 1)
        {
            return vectors[0] ?? throw new ArgumentNullException(nameof(vectors));
        }

        var merged = new SortedDictionary<int, float>();
        foreach (var vector in vectors)
        {
            ArgumentNullException.ThrowIfNull(vector, nameof(vectors));
            for (var i = 0; i < vector._termIds.Length; i++)
            {
                var id = vector._termIds[i];
                merged[id] = merged.TryGetValue(id, out var w) ? Math.Max(w, vector._weights[i]) : vector._weights[i];
            }
        }

        // Stryker disable once Boolean : equivalent, validating data that is valid by construction gives the same vector (it only costs time).
        return new SparseVector([.. merged.Keys], [.. merged.Values], validated: true);
    }

    /// <summary>Wraps arrays already sorted by id, without duplicates, with positive finite weights. Takes ownership.</summary>
    // Stryker disable once Boolean : equivalent, validating data that is valid by construction gives the same vector (it only costs time).
    internal static SparseVector FromSortedUnchecked(int[] termIds, float[] weights) => new(termIds, weights, validated: true);

    /// <summary>Number of nonzero terms.</summary>
    public int Count => _termIds.Length;

    /// <summary>True when the vector has no terms.</summary>
    public bool IsEmpty => _termIds.Length == 0;

    /// <summary>Term ids in ascending order.</summary>
    public ReadOnlySpan<int> TermIds => _termIds;

    /// <summary>Weights, parallel to <see cref="TermIds"/>.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The weight of a term, or 0 when the vector does not hold it.</summary>
    public float this[int termId]
    {
        get
        {
            var i = Array.BinarySearch(_termIds, termId);
            return i >= 0 ? _weights[i] : 0f;
        }
    }

    /// <summary>Sum of all weights (the vector's L1 norm).</summary>
    public double Sum()
    {
        double sum = 0;
        foreach (var w in _weights)
        {
            sum += w;
        }

        return sum;
    }

    /// <summary>The largest weight, or 0 for an empty vector.</summary>
    public float Max() => _weights.Length == 0 ? 0f : _weights.Max();

    /// <summary>Dot product with another vector (double precision accumulation).</summary>
    public double Dot(SparseVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        double sum = 0;
        int i = 0, j = 0;
        var a = _termIds;
        var b = other._termIds;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                sum += (double)_weights[i++] * other._weights[j++];
            }
            // Stryker disable once Equality : equivalent, equal ids are taken by the branch above, so < and <= agree here.
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return sum;
    }

    /// <summary>Entries ordered by descending weight (ties by ascending id).</summary>
    public IEnumerable<(int TermId, float Weight)> ByDescendingWeight()
    {
        var order = Enumerable.Range(0, _termIds.Length).ToArray();
        Array.Sort(order, (x, y) =>
        {
            var c = _weights[y].CompareTo(_weights[x]);
            return c != 0 ? c : _termIds[x].CompareTo(_termIds[y]);
        });
        foreach (var i in order)
        {
            yield return (_termIds[i], _weights[i]);
        }
    }

    /// <inheritdoc />
    public bool Equals(SparseVector? other) =>
        other is not null && _termIds.AsSpan().SequenceEqual(other._termIds) && _weights.AsSpan().SequenceEqual(other._weights);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SparseVector);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < _termIds.Length; i++)
        {
            hash.Add(_termIds[i]);
            hash.Add(_weights[i]);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"SparseVector({Count} terms)";
}
