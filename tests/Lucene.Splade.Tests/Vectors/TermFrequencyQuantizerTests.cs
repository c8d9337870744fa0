using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Vectors;

public sealed class TermFrequencyQuantizerTests
{
    [Test]
    public void Default_scale_is_100_and_rounds_to_nearest()
    {
        var q = TermFrequencyQuantizer.Default;

        Assert.That(q.Scale, Is.EqualTo(100f));
        Assert.That(q.ToFrequency(1.234f), Is.EqualTo(123));
        Assert.That(q.ToFrequency(0.006f), Is.EqualTo(1));
        Assert.That(q.ToFrequency(0.004f), Is.Zero);
    }

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
}
