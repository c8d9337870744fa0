using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Vectors;

public sealed class SparseVectorTests
{
    [Test]
    public void Constructor_sorts_by_id_and_drops_nonpositive_weights()
    {
        var v = new SparseVector([9, 2, 5, 7], [0.5f, 1.5f, 0f, -1f]);

        Assert.That(v.TermIds.ToArray(), Is.EqualTo(new[] { 2, 9 }));
        Assert.That(v.Weights.ToArray(), Is.EqualTo(new[] { 1.5f, 0.5f }));
        Assert.That(v[9], Is.EqualTo(0.5f));
        Assert.That(v[5], Is.Zero);
    }

    [Test]
    public void Constructor_rejects_duplicates_negative_ids_nonfinite_weights_and_length_mismatch()
    {
        Assert.Throws<ArgumentException>(() => _ = new SparseVector([1, 1], [1f, 2f]));
        Assert.Throws<ArgumentException>(() => _ = new SparseVector([-1], [1f]));
        Assert.Throws<ArgumentException>(() => _ = new SparseVector([1], [float.NaN]));
        Assert.Throws<ArgumentException>(() => _ = new SparseVector([1, 2], [1f]));
    }

    [Test]
    public void FromDense_keeps_positive_finite_entries()
    {
        var v = SparseVector.FromDense([0f, 2f, -1f, float.PositiveInfinity, 0.25f]);

        Assert.That(v.TermIds.ToArray(), Is.EqualTo(new[] { 1, 4 }));
        Assert.That(v.Sum(), Is.EqualTo(2.25).Within(1e-9));
        Assert.That(v.Max(), Is.EqualTo(2f));
    }

    [Test]
    public void Dot_matches_dense_computation()
    {
        var a = new SparseVector([1, 3, 8], [1f, 2f, 3f]);
        var b = new SparseVector([0, 3, 8, 9], [5f, 0.5f, 2f, 7f]);

        Assert.That(a.Dot(b), Is.EqualTo((2 * 0.5) + (3 * 2)).Within(1e-9));
        Assert.That(b.Dot(a), Is.EqualTo(a.Dot(b)));
        Assert.That(a.Dot(SparseVector.Empty), Is.Zero);
    }

    [Test]
    public void ByDescendingWeight_orders_ties_by_id()
    {
        var v = new SparseVector([4, 1, 2], [1f, 3f, 1f]);

        Assert.That(v.ByDescendingWeight().Select(e => e.TermId), Is.EqualTo(new[] { 1, 2, 4 }));
    }

    [Test]
    public void Equality_is_by_value()
    {
        Assert.That(new SparseVector([2, 1], [1f, 2f]), Is.EqualTo(new SparseVector([1, 2], [2f, 1f])));
        Assert.That(new SparseVector([1], [1f]), Is.Not.EqualTo(new SparseVector([1], [2f])));
    }

    [Test]
    public void Invalid_input_says_what_is_wrong()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SparseVector([1, 2], [1f]), Throws.ArgumentException.With.Message.Contain("2 term ids but 1 weights"));
            Assert.That(() => new SparseVector([3], [float.PositiveInfinity]), Throws.ArgumentException.With.Message.Contain("Weight of term 3 is"));
            Assert.That(() => new SparseVector([-4], [1f]), Throws.ArgumentException.With.Message.Contain("Term id -4 is negative"));
            Assert.That(() => new SparseVector([5, 5], [1f, 2f]), Throws.ArgumentException.With.Message.Contain("Term id 5 appears more than once"));
        });
    }

    [Test]
    public void Max_of_the_empty_vector_is_zero() => Assert.That(SparseVector.Empty.Max(), Is.Zero);

    [Test]
    public void ElementwiseMax_and_Dot_reject_null()
    {
        Assert.That(() => SparseVector.ElementwiseMax(null!), Throws.ArgumentNullException);
        Assert.That(() => SparseVector.ElementwiseMax([SparseVector.Empty, null!]), Throws.ArgumentNullException);
        Assert.That(() => SparseVector.Empty.Dot(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Equality_and_hash_codes_follow_ids_and_weights()
    {
        var a = new SparseVector([1, 2], [0.5f, 0.25f]);
        Assert.Multiple(() =>
        {
            Assert.That(a.Equals(new SparseVector([1, 2], [0.5f, 0.25f])), Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(new SparseVector([1, 2], [0.5f, 0.25f]).GetHashCode()));
            Assert.That(a.Equals(new SparseVector([1, 3], [0.5f, 0.25f])), Is.False, "same weights, other ids");
            Assert.That(a.Equals(new SparseVector([1, 2], [0.5f, 0.75f])), Is.False, "same ids, other weights");
            Assert.That(a.GetHashCode(), Is.Not.EqualTo(new SparseVector([1, 3], [0.5f, 0.25f]).GetHashCode()));
            Assert.That(a.GetHashCode(), Is.Not.EqualTo(new SparseVector([1, 2], [0.5f, 0.75f]).GetHashCode()));
            Assert.That(a.ToString(), Is.EqualTo("SparseVector(2 terms)"));
            Assert.That(a.Equals(null), Is.False);
        });
    }

    [Test]
    public void ByDescendingWeight_breaks_ties_among_many_terms_by_id()
    {
        var ids = Enumerable.Range(0, 300).Reverse().ToArray();
        var vector = new SparseVector(ids, ids.Select(i => i % 3 == 0 ? 1f : 0.5f).ToArray());

        var expected = Enumerable.Range(0, 300).Where(i => i % 3 == 0).Concat(Enumerable.Range(0, 300).Where(i => i % 3 != 0));
        Assert.That(vector.ByDescendingWeight().Select(e => e.TermId), Is.EqualTo(expected));
    }
}
