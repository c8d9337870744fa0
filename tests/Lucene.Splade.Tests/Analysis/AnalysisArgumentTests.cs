using Lucene.Net.Analysis.Core;
using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

/// <summary>Null arguments, the TokenStream contract's messages, and replacing a vector mid-stream.</summary>
[TestFixture]
public sealed class AnalysisArgumentTests
{
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();
    private static readonly SparseVector Vector = new([30, 31], [0.02f, 0.05f]);

    [Test]
    public void Null_arguments_name_the_parameter()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SparseVectorTokenStream(Vector, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("vocabulary"));
            Assert.That(() => new SparseVectorTokenStream((SparseVector)null!, Vocabulary), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("vector"));
            Assert.That(() => new SparseVectorTokenStream((QuantizedVector)null!, Vocabulary), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("termFrequencies"));
            var stream = new SparseVectorTokenStream(Vector, Vocabulary);
            Assert.That(() => stream.SetVector((SparseVector)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("vector"));
            Assert.That(() => stream.SetVector((QuantizedVector)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("termFrequencies"));
            Assert.That(() => SpladeField.CreateTextField(null!, "text"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
            Assert.That(() => SpladeField.CreateTextField("field", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
            Assert.That(() => SpladeField.CreateEncodedField(null!, Vector, Vocabulary), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
            Assert.That(() => SpladeField.CreateEncodedField(null!, new TermFrequencyQuantizer().Quantize(Vector), Vocabulary), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
            Assert.That(() => SpladeIndexingOptions.Default.ToTermFrequencies(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("vector"));
        });
    }

    [Test]
    public void IncrementToken_before_Reset_says_what_the_workflow_is()
    {
        const string Workflow = "(workflow: Reset(), IncrementToken() until false, End(), Dispose()).";
        var stream = new SparseVectorTokenStream(Vector, Vocabulary);
        Assert.That(() => stream.IncrementToken(), Throws.InvalidOperationException
            .With.Message.EqualTo("TokenStream contract violation: Reset() must be called before IncrementToken() on a SparseVectorTokenStream " + Workflow));

        using var filter = new SpladeTokenFilter(new WhitespaceTokenizer(Lucene.Net.Util.LuceneVersion.LUCENE_48, new StringReader("paris")), ExpectedTokens.FixedEncoder(Vocabulary, Vector));
        Assert.That(() => filter.IncrementToken(), Throws.InvalidOperationException
            .With.Message.EqualTo("TokenStream contract violation: Reset() must be called before IncrementToken() on a SpladeTokenFilter " + Workflow));
    }

    [Test]
    public void A_vector_set_mid_stream_ends_the_current_pass_and_is_emitted_after_the_next_Reset()
    {
        var stream = new SparseVectorTokenStream(Vector, Vocabulary);
        stream.Reset();
        Assert.That(stream.IncrementToken(), Is.True);

        stream.SetVector(new SparseVector([40], [0.1f]));

        Assert.That(stream.IncrementToken(), Is.False, "the old vector is forgotten at once");
        stream.Reset();
        var emitted = 0;
        while (stream.IncrementToken())
        {
            emitted++;
        }

        Assert.That(emitted, Is.EqualTo(stream.TermFrequencies.TotalFrequency), "the new vector's tokens, from the start");
        Assert.That(emitted, Is.GreaterThan(0));
    }
}
