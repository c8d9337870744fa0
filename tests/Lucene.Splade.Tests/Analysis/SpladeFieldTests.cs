using Lucene.Net.Index;
using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

[TestFixture]
public sealed class SpladeFieldTests
{
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    [Test]
    public void TheFieldTypeIndexesFrequenciesWithoutNormsOrStorage()
    {
        var type = SpladeField.SpladeFieldType;

        Assert.Multiple(() =>
        {
            Assert.That(type.IsIndexed, Is.True);
            Assert.That(type.IsTokenized, Is.True);
            Assert.That(type.IsStored, Is.False);
            Assert.That(type.IndexOptions, Is.EqualTo(IndexOptions.DOCS_AND_FREQS));
            Assert.That(type.OmitNorms, Is.True);
            Assert.That(type.StoreTermVectors, Is.False);
        });
    }

    [Test]
    public void TheFieldTypeIsFrozen()
    {
        Assert.That(() => SpladeField.SpladeFieldType.IsStored = true, Throws.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void ATextFieldCarriesTheTextForTheAnalyzer()
    {
        var field = SpladeField.CreateTextField("splade", "some text");

        Assert.That(field.GetStringValue(), Is.EqualTo("some text"));
        Assert.That(field.FieldType, Is.SameAs(SpladeField.SpladeFieldType));
        Assert.That(field.GetTokenStreamValue(), Is.Null);
    }

    [Test]
    public void AnEncodedFieldCarriesAVectorTokenStream()
    {
        var vector = new SparseVector([40, 41], [0.5f, 0.25f]);
        var options = new SpladeIndexingOptions { Pruning = new PruningOptions { TopK = 1 } };

        var field = SpladeField.CreateEncodedField("splade", vector, Vocabulary, options);
        var quantizedField = SpladeField.CreateEncodedField("splade", TermFrequencyQuantizer.Default.Quantize(vector), Vocabulary);

        var stream = field.GetTokenStreamValue() as SparseVectorTokenStream;
        Assert.That(stream, Is.Not.Null);
        Assert.That(stream!.TermFrequencies.TermIds.ToArray(), Is.EqualTo(new[] { 40 }));
        Assert.That(stream.TermFrequencies.Frequencies.ToArray(), Is.EqualTo(new[] { 5 }));
        Assert.That(((SparseVectorTokenStream)quantizedField.GetTokenStreamValue()).TermFrequencies.Count, Is.EqualTo(2));
        Assert.That(field.FieldType, Is.SameAs(SpladeField.SpladeFieldType));
    }
}
