namespace Lucene.Splade.Vectors;

/// <summary>Applies <see cref="PruningOptions"/> to sparse vectors.</summary>
public static class SparseVectorPruner
{
    /// <summary>Returns <paramref name="vector"/> with the terms that <paramref name="options"/> cut removed.</summary>
    public static SparseVector Prune(SparseVector vector, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(options);
        // Stryker disable once Logical : equivalent, the general path keeps every term of an empty vector or under no control and returns the vector itself.
        if (options.IsNone || vector.IsEmpty)
        {
            return vector;
        }

        var threshold = options.MinWeight ?? 0f;
        if (options.MinRatioToMax is { } ratio)
        {
            threshold = Math.Max(threshold, (float)(vector.Max() * ratio));
        }

        // Positions into the vector, heaviest first (ties: lower id first), after the absolute thresholds.
        var ids = vector.TermIds;
        var weights = vector.Weights;
        var kept = new List<int>(vector.Count);
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] >= threshold)
            {
                kept.Add(i);
            }
        }

        var keepCount = kept.Count;
        if (options.MassFraction is not null || options.TopK is not null)
        {
            var w = weights.ToArray();
            var id = ids.ToArray();
            kept.Sort((x, y) =>
            {
                var c = w[y].CompareTo(w[x]);
                return c != 0 ? c : id[x].CompareTo(id[y]);
            });

            if (options.MassFraction is { } mass)
            {
                double total = 0;
                foreach (var i in kept)
                {
                    total += w[i];
                }

                // Heaviest first, until the running sum reaches the mass (a fraction of 1 keeps every term).
                double running = 0;
                var n = 0;
                foreach (var i in kept)
                {
                    if (running >= mass * total)
                    {
                        break;
                    }

                    running += w[i];
                    n++;
                }

                keepCount = n;
            }

            if (options.TopK is { } k)
            {
                keepCount = Math.Min(keepCount, k);
            }
        }

        if (keepCount == vector.Count)
        {
            return vector;
        }

        var positions = kept.GetRange(0, keepCount);
        positions.Sort();
        var outIds = new int[keepCount];
        var outWeights = new float[keepCount];
        for (var n = 0; n < keepCount; n++)
        {
            outIds[n] = ids[positions[n]];
            outWeights[n] = weights[positions[n]];
        }

        return SparseVector.FromSortedUnchecked(outIds, outWeights);
    }
}
