using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Support;

/// <summary>Seeded random sparse vectors over the ordinary terms of a <see cref="FakeVocabulary"/>.</summary>
internal static class RandomVectors
{
    /// <summary>A vector with <paramref name="terms"/> distinct terms drawn from the first <paramref name="idRange"/> ordinary ids.</summary>
    /// <param name="random">The source of randomness.</param>
    /// <param name="terms">Number of terms.</param>
    /// <param name="idRange">How many ordinary ids to draw from; small ranges make documents share terms.</param>
    /// <param name="weight">Draws one weight.</param>
    public static SparseVector Create(Random random, int terms, int idRange, Func<Random, float> weight)
    {
        var ids = new HashSet<int>();
        while (ids.Count < terms)
        {
            ids.Add(FakeVocabulary.FirstTermId + random.Next(idRange));
        }

        var idArray = ids.ToArray();
        return new SparseVector(idArray, idArray.Select(_ => weight(random)).ToArray());
    }

    /// <summary>Weights in (0, 3], as SPLADE document and query weights usually are.</summary>
    public static float ContinuousWeight(Random random) => (float)(0.001 + random.NextDouble() * 3);

    /// <summary>Multiples of 1/8: products with integer frequencies and their sums are exact, so ties are exact too.</summary>
    public static float DyadicWeight(Random random) => random.Next(1, 9) / 8f;
}
