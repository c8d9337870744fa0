using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Vectors;

public sealed class TermFrequencyQuantizerTests
{
    [Test]
    public void Default_scale_is_10_and_rounds_to_nearest()
    {
        var q = TermFrequencyQuantizer.Default;

        Assert.That(q.Scale, Is.EqualTo(10f));
        Assert.That(q.ToFrequency(1.234f), Is.EqualTo(12));
        Assert.That(q.ToFrequency(0.06f), Is.EqualTo(1));
        Assert.That(q.ToFrequency(0.04f), Is.Zero);
    }

    [TestCase(0.5f, 5f, 3)]   // 2.5: away from zero gives 3 (to even would give 2)
    [TestCase(2.5f, 1f, 3)]
    [TestCase(1.5f, 1f, 2)]
    [TestCase(0.25f, 2f, 1)]  // 0.5 rounds up, so the term stays
    [TestCase(0.125f, 4f, 1)]
    public void Halves_round_away_from_zero(float weight, float scale, int expected) =>
        Assert.That(new TermFrequencyQuantizer(scale).ToFrequency(weight), Is.EqualTo(expected));

    [Test]
    public void Quantize_drops_terms_that_round_to_zero()
    {
        var v = new SparseVector([1, 2, 3], [0.004f, 0.5f, 2f]);

        var quantized = new TermFrequencyQuantizer(10f).Quantize(v);

        Assert.That(quantized.TermIds.ToArray(), Is.EqualTo(new[] { 2, 3 }));
        Assert.That(quantized.Frequencies.ToArray(), Is.EqualTo(new[] { 5, 20 }));
        Assert.That(quantized.TotalFrequency, Is.EqualTo(25));
    }

    [Test]
    public void Frequencies_are_capped()
    {
        var q = new TermFrequencyQuantizer(100f, maxFrequency: 50);

        Assert.That(q.ToFrequency(3f), Is.EqualTo(50));
    }

    [Test]
    public void Dequantize_inverts_up_to_rounding()
    {
        var q = new TermFrequencyQuantizer(100f);
        var v = new SparseVector([4, 7], [0.123f, 1.5f]);

        var back = q.Dequantize(q.Quantize(v));

        Assert.That(back[4], Is.EqualTo(0.12f).Within(1e-6));
        Assert.That(back[7], Is.EqualTo(1.5f).Within(1e-6));
    }

    [Test]
    public void MeasureError_reports_rounding_and_dropped_mass()
    {
        var q = new TermFrequencyQuantizer(10f);
        var v = new SparseVector([1, 2], [0.04f, 0.96f]);

        var error = q.MeasureError(v);

        Assert.That(error.Terms, Is.EqualTo(2));
        Assert.That(error.DroppedTerms, Is.EqualTo(1));
        Assert.That(error.DroppedMassFraction, Is.EqualTo(0.04).Within(1e-6));
        Assert.That(error.MaxAbsoluteError, Is.EqualTo(0.04).Within(1e-6));
        Assert.That(error.RootMeanSquareError, Is.EqualTo(Math.Sqrt(((0.04 * 0.04) + (0.04 * 0.04)) / 2)).Within(1e-6));
    }

    [Test]
    public void Invalid_settings_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TermFrequencyQuantizer(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TermFrequencyQuantizer(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TermFrequencyQuantizer(10f, 0));
    }

    [Test]
    public void Nonpositive_weights_and_frequencies_past_the_cap()
    {
        var q = new TermFrequencyQuantizer(10f, maxFrequency: 7);
        Assert.Multiple(() =>
        {
            Assert.That(q.ToFrequency(-3f), Is.Zero);
            Assert.That(q.ToFrequency(0f), Is.Zero);
            Assert.That(q.ToFrequency(0.7f), Is.EqualTo(7));
            Assert.That(q.ToFrequency(0.8f), Is.EqualTo(7));
        });
    }

    [Test]
    public void The_error_of_an_empty_vector_is_zero_not_NaN()
    {
        var error = TermFrequencyQuantizer.Default.MeasureError(SparseVector.Empty);

        Assert.That((error.Terms, error.DroppedTerms, error.MaxAbsoluteError, error.RootMeanSquareError, error.DroppedMassFraction), Is.EqualTo((0, 0, 0.0, 0.0, 0.0)));
    }

    [Test]
    public void The_dropped_mass_is_a_fraction_of_the_total()
    {
        // 0.02 + 0.03 of 2.05 round to 0 at scale 10.
        var error = new TermFrequencyQuantizer(10f).MeasureError(new SparseVector([1, 2, 3], [0.02f, 0.03f, 2f]));

        Assert.That(error.DroppedMassFraction, Is.EqualTo(0.05 / 2.05).Within(1e-6));
    }

    [Test]
    public void Quantizers_are_equal_by_scale_and_cap()
    {
        var a = new TermFrequencyQuantizer(50f, 100);
        Assert.Multiple(() =>
        {
            Assert.That(a.Equals(new TermFrequencyQuantizer(50f, 100)), Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(new TermFrequencyQuantizer(50f, 100).GetHashCode()));
            Assert.That(a.Equals(new TermFrequencyQuantizer(50f, 101)), Is.False);
            Assert.That(a.Equals(new TermFrequencyQuantizer(51f, 100)), Is.False);
            Assert.That(a.Equals((object)new TermFrequencyQuantizer(50f, 100)), Is.True);
            Assert.That(a.ToString(), Is.EqualTo("TermFrequencyQuantizer(Scale = 50, MaxFrequency = 100)"));
            Assert.That(a.Equals(null), Is.False);
        });
    }

    [Test]
    public void Invalid_settings_and_null_vectors_say_what_is_wrong()
    {
        Assert.That(() => new TermFrequencyQuantizer(-1f), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contain("Scale must be a finite number > 0"));
        Assert.That(() => TermFrequencyQuantizer.Default.Quantize(null!), Throws.ArgumentNullException);
        Assert.That(() => TermFrequencyQuantizer.Default.Dequantize(null!), Throws.ArgumentNullException);
        Assert.That(() => TermFrequencyQuantizer.Default.MeasureError(null!), Throws.ArgumentNullException);
    }
}
