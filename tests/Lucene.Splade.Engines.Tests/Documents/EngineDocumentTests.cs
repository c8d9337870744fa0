using Lucene.Splade.Analysis;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class EngineDocumentTests
{
    [Test]
    public void Ids_the_engines_refuse_are_refused_here()
    {
        TermWeight[] terms = [new("dog", 1f)];
        Assert.Throws<ArgumentNullException>(() => _ = new EngineDocument(null!, terms));
        Assert.That(() => new EngineDocument("", terms), Throws.ArgumentException.With.Message.Contains("empty"));
        Assert.That(() => new EngineDocument(new string('x', 513), terms), Throws.ArgumentException.With.Message.Contains("512"));
        Assert.That(new EngineDocument(new string('x', 512), terms).Id, Has.Length.EqualTo(512));
    }

    [TestCase(0f)]
    [TestCase(-1f)]
    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.Epsilon)]
    public void Weights_the_engines_refuse_are_refused_here(float weight) =>
        Assert.That(() => new EngineDocument("d", [new TermWeight("dog", weight)]), Throws.ArgumentException.With.Message.Contains("positive normal"));

    [Test]
    public void Repeated_and_empty_terms_and_unnamed_fields_are_refused()
    {
        Assert.That(() => new EngineDocument("d", [new("dog", 1f), new("dog", 2f)]), Throws.ArgumentException.With.Message.Contains("twice"));
        Assert.That(() => new EngineDocument("d", [new("", 1f)]), Throws.ArgumentException.With.Message.Contains("empty term"));
        Assert.That(() => new EngineDocument("d", [], new Dictionary<string, string> { [" "] = "x" }), Throws.ArgumentException);
        Assert.Throws<ArgumentNullException>(() => _ = new EngineDocument("d", [], new Dictionary<string, string> { ["text"] = null! }));
    }

    [Test]
    public void With_indexing_options_the_weights_are_the_ones_a_lucene_index_scores_with()
    {
        var vector = Vector(("dog", 1.234f), ("puppy", 0.04f), ("[CLS]", 2f), ("u.s.", 0.51f));
        var indexing = new SpladeIndexingOptions { Quantizer = new TermFrequencyQuantizer(10f), Pruning = new PruningOptions { TopK = 3 } };

        var document = EngineDocument.FromVector("d", vector, TestVocabulary.Instance, indexing);

        // Top 3 keeps [CLS], dog and u.s.; [CLS] never becomes a term; puppy is pruned; tf / scale: 12 / 10 and 5 / 10.
        Assert.That(document.Terms, Is.EquivalentTo(new[] { new TermWeight("dog", 1.2f), new TermWeight("u.s.", 0.5f) }));
    }

    [Test]
    public void Without_indexing_options_the_encoder_weights_stay_and_special_tokens_go()
    {
        var document = EngineDocument.FromVector("d", Vector(("dog", 1.234f), ("[SEP]", 3f), ("##s", 0.04f)), TestVocabulary.Instance);
        Assert.That(document.Terms, Is.EquivalentTo(new[] { new TermWeight("dog", 1.234f), new TermWeight("##s", 0.04f) }));
    }

    [Test]
    public void Term_frequencies_become_weights_at_the_quantizer_scale()
    {
        var quantizer = new TermFrequencyQuantizer(10f);
        var frequencies = quantizer.Quantize(Vector(("dog", 0.7f), ("oven", 2.3f)));

        var document = EngineDocument.FromTermFrequencies("d", frequencies, quantizer, TestVocabulary.Instance);

        Assert.That(document.Terms, Is.EquivalentTo(new[] { new TermWeight("dog", 7 / 10f), new TermWeight("oven", 23 / 10f) }));
    }

    [Test]
    public void A_term_id_outside_the_vocabulary_is_refused() =>
        Assert.That(() => EngineDocument.FromVector("d", new SparseVector([500], [1f]), TestVocabulary.Instance), Throws.ArgumentException.With.Message.Contains("outside the vocabulary"));

    internal static SparseVector Vector(params (string Term, float Weight)[] terms) =>
        new(terms.Select(t => TestVocabulary.Id(t.Term)).ToArray(), terms.Select(t => t.Weight).ToArray());
}
