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
    public void MassFraction_stops_as_soon_as_the_mass_is_reached_exactly()
    {
        // 0.5 + 0.25 = 0.75 of a total of 1, exactly (binary fractions): the third term is not needed.
        var vector = new SparseVector([1, 2, 3], [0.5f, 0.25f, 0.25f]);

        Assert.That(SparseVectorPruner.Prune(vector, new PruningOptions { MassFraction = 0.75 }).TermIds.ToArray(), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(SparseVectorPruner.Prune(vector, new PruningOptions { MassFraction = 0.5 }).TermIds.ToArray(), Is.EqualTo(new[] { 1 }));
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

    [Test]
    public void Boundary_values_of_the_controls_are_valid()
    {
        Assert.That(() => new PruningOptions { MinWeight = 0f, MinRatioToMax = 0, MassFraction = 1, TopK = 1 }, Throws.Nothing);
        Assert.That(() => new PruningOptions { MinRatioToMax = 1 }, Throws.Nothing);
    }

    [TestCase(0, null, null, null, "TopK must be positive")]
    [TestCase(null, -1f, null, null, "MinWeight must be a finite number >= 0")]
    [TestCase(null, null, 1.5, null, "MassFraction must be in (0, 1]")]
    [TestCase(null, null, null, -0.5, "MinRatioToMax must be in [0, 1]")]
    public void Out_of_range_options_say_what_is_allowed(int? topK, float? minWeight, double? mass, double? ratio, string message) =>
        Assert.That(() => new PruningOptions { TopK = topK, MinWeight = minWeight, MassFraction = mass, MinRatioToMax = ratio },
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contain(message));

    [Test]
    public void A_weight_equal_to_the_minimum_stays() =>
        Assert.That(SparseVectorPruner.Prune(Ramp, new PruningOptions { MinWeight = 3f }).TermIds.ToArray(), Is.EqualTo(new[] { 2, 3, 4, 5, 6, 7, 8, 9 }));

    [Test]
    public void Ties_among_many_terms_go_to_the_lower_ids()
    {
        // Enough equal weights that the sort's own order would scramble them without the tie-break.
        var ids = Enumerable.Range(0, 300).Reverse().ToArray();
        var vector = new SparseVector(ids, Enumerable.Repeat(0.5f, ids.Length).ToArray());

        Assert.That(SparseVectorPruner.Prune(vector, new PruningOptions { TopK = 40 }).TermIds.ToArray(), Is.EqualTo(Enumerable.Range(0, 40)));
        Assert.That(SparseVectorPruner.Prune(vector, new PruningOptions { MassFraction = 0.1 }).TermIds.ToArray(), Is.EqualTo(Enumerable.Range(0, 30)));
    }

    [Test]
    public void Pruning_that_keeps_every_term_returns_the_vector_itself() =>
        Assert.That(SparseVectorPruner.Prune(Ramp, new PruningOptions { TopK = 100, MinWeight = 0.5f }), Is.SameAs(Ramp));

    [Test]
    public void Null_arguments_throw()
    {
        Assert.That(() => SparseVectorPruner.Prune(null!, PruningOptions.None), Throws.ArgumentNullException);
        Assert.That(() => SparseVectorPruner.Prune(Ramp, null!), Throws.ArgumentNullException);
    }
}
