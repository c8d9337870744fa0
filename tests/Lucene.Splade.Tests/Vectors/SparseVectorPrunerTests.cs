using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Vectors;

public sealed class SparseVectorPrunerTests
{
    // Weights 1..10 on ids 0..9: total mass 55.
    private static readonly SparseVector Ramp = new(Enumerable.Range(0, 10).ToArray(), Enumerable.Range(1, 10).Select(i => (float)i).ToArray());

    [Test]
    public void None_returns_the_same_vector() =>
        Assert.That(SparseVectorPruner.Prune(Ramp, PruningOptions.None), Is.SameAs(Ramp));

    [Test]
    public void TopK_keeps_the_heaviest_terms_in_id_order()
    {
        var pruned = SparseVectorPruner.Prune(Ramp, new PruningOptions { TopK = 3 });

        Assert.That(pruned.TermIds.ToArray(), Is.EqualTo(new[] { 7, 8, 9 }));
        Assert.That(pruned.Weights.ToArray(), Is.EqualTo(new[] { 8f, 9f, 10f }));
    }

    [Test]
    public void TopK_breaks_ties_by_lower_id()
    {
        var flat = new SparseVector([5, 1, 3], [1f, 1f, 1f]);

        Assert.That(SparseVectorPruner.Prune(flat, new PruningOptions { TopK = 2 }).TermIds.ToArray(), Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void MinWeight_drops_lighter_terms() =>
        Assert.That(SparseVectorPruner.Prune(Ramp, new PruningOptions { MinWeight = 8.5f }).TermIds.ToArray(), Is.EqualTo(new[] { 8, 9 }));

    [Test]
    public void MinRatioToMax_is_relative_to_the_largest_weight() =>
        Assert.That(SparseVectorPruner.Prune(Ramp, new PruningOptions { MinRatioToMax = 0.75 }).TermIds.ToArray(), Is.EqualTo(new[] { 7, 8, 9 }));

    [Test]
    public void MassFraction_keeps_the_fewest_heaviest_terms_covering_the_mass()
    {
        // 10 + 9 + 8 = 27 < 0.5 x 55 = 27.5 <= 27 + 7 = 34: four terms are needed.
        var pruned = SparseVectorPruner.Prune(Ramp, new PruningOptions { MassFraction = 0.5 });

        Assert.That(pruned.TermIds.ToArray(), Is.EqualTo(new[] { 6, 7, 8, 9 }));
        Assert.That(SparseVectorPruner.Prune(Ramp, new PruningOptions { MassFraction = 1.0 }).Count, Is.EqualTo(10));
    }

    [Test]
    public void Controls_combine()
    {
        var pruned = SparseVectorPruner.Prune(Ramp, new PruningOptions { MinWeight = 2f, MassFraction = 0.9, TopK = 5 });

        Assert.That(pruned.TermIds.ToArray(), Is.EqualTo(new[] { 5, 6, 7, 8, 9 }));
    }

    [TestCase(0, null, null, null)]
    [TestCase(null, -1f, null, null)]
    [TestCase(null, null, 0.0, null)]
    [TestCase(null, null, 1.5, null)]
    [TestCase(null, null, null, 2.0)]
    public void Out_of_range_options_throw(int? topK, float? minWeight, double? mass, double? ratio) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SparseVectorPruner.Prune(Ramp, new PruningOptions { TopK = topK, MinWeight = minWeight, MassFraction = mass, MinRatioToMax = ratio }));
}
