using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

[TestFixture]
public sealed class SparseVectorTokenStreamTests
{
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    private static IEnumerable<TestCaseData> OptionCases()
    {
        yield return new TestCaseData(SpladeIndexingOptions.Default).SetArgDisplayNames("default");
        yield return new TestCaseData(new SpladeIndexingOptions { Pruning = new PruningOptions { TopK = 7, MinWeight = 0.1f } }).SetArgDisplayNames("pruned");
        yield return new TestCaseData(new SpladeIndexingOptions { Quantizer = new TermFrequencyQuantizer(scale: 7.5f, maxFrequency: 9) }).SetArgDisplayNames("coarse quantizer");
    }

    [TestCaseSource(nameof(OptionCases))]
    public void EmitsTheSameTermsAndPositionsAsTheAnalyzer(SpladeIndexingOptions options)
    {
        var vector = RandomVectors.Create(new Random(11), terms: 25, idRange: 300, RandomVectors.ContinuousWeight);
        using var analyzer = new SpladeAnalyzer(ExpectedTokens.FixedEncoder(Vocabulary, vector), options);
        var analyzed = TokenStreamChecker.Analyze(analyzer, "stands for the vector");

        var streamed = TokenStreamChecker.Consume(new SparseVectorTokenStream(vector, Vocabulary, options));

        Assert.That(ExpectedTokens.WithoutOffsets(streamed.Tokens), Is.EqualTo(ExpectedTokens.WithoutOffsets(analyzed.Tokens)));
        Assert.That(streamed.Tokens, Is.EqualTo(ExpectedTokens.For(vector, Vocabulary, options, 0, 0)));
    }

    [Test]
    public void QuantizedInputIsIndexedAsGiven()
    {
        var vector = RandomVectors.Create(new Random(12), terms: 20, idRange: 300, RandomVectors.ContinuousWeight);
        var quantizer = new TermFrequencyQuantizer(scale: 30);
        var options = new SpladeIndexingOptions { Quantizer = quantizer };

        var fromQuantized = TokenStreamChecker.Consume(new SparseVectorTokenStream(quantizer.Quantize(vector), Vocabulary));
        var fromVector = TokenStreamChecker.Consume(new SparseVectorTokenStream(vector, Vocabulary, options));

        Assert.That(fromQuantized.Tokens, Is.Not.Empty);
        Assert.That(fromQuantized.Tokens, Is.EqualTo(fromVector.Tokens));
    }

    [Test]
    public void OffsetsAreZero_AsThereIsNoText()
    {
        var output = TokenStreamChecker.Consume(new SparseVectorTokenStream(new SparseVector([30, 31], [0.2f, 0.5f]), Vocabulary));

        Assert.That(output.Tokens, Has.Count.EqualTo(7));
        Assert.That(output.Tokens.Select(t => (t.StartOffset, t.EndOffset)).Distinct(), Is.EqualTo(new[] { (0, 0) }));
        Assert.That(output.FinalOffset, Is.Zero);
    }

    [Test]
    public void ResetRewinds_SoTheSameStreamCanBeIndexedAgain()
    {
        var stream = new SparseVectorTokenStream(RandomVectors.Create(new Random(13), 10, 100, RandomVectors.ContinuousWeight), Vocabulary);
        var first = TokenStreamChecker.Consume(stream);

        stream.Reset();
        stream.IncrementToken();
        var second = TokenStreamChecker.Consume(stream);

        Assert.That(first.Tokens, Is.Not.Empty);
        Assert.That(second.Tokens, Is.EqualTo(first.Tokens));
    }

    [Test]
    public void SetVectorReusesTheStreamForTheNextDocument()
    {
        var a = RandomVectors.Create(new Random(14), 10, 100, RandomVectors.ContinuousWeight);
        var b = RandomVectors.Create(new Random(15), 12, 100, RandomVectors.ContinuousWeight);
        var stream = new SparseVectorTokenStream(a, Vocabulary);
        TokenStreamChecker.Consume(stream);

        var reused = TokenStreamChecker.Consume(stream.SetVector(b));

        Assert.That(reused.Tokens, Is.EqualTo(TokenStreamChecker.Consume(new SparseVectorTokenStream(b, Vocabulary)).Tokens));
        Assert.That(stream.TermFrequencies.Count, Is.EqualTo(SpladeIndexingOptions.Default.ToTermFrequencies(b).Count));
    }

    [Test]
    public void ConsumingWithoutReset_Throws_AlsoAfterDispose()
    {
        var stream = new SparseVectorTokenStream(new SparseVector([30], [1f]), Vocabulary);

        Assert.That(() => stream.IncrementToken(), Throws.InvalidOperationException.With.Message.Contains("Reset()"));
        TokenStreamChecker.Consume(stream);
        Assert.That(() => stream.IncrementToken(), Throws.InvalidOperationException.With.Message.Contains("Reset()"));
    }

    [Test]
    public void AnEmptyVectorGivesNoTokens()
    {
        var output = TokenStreamChecker.Consume(new SparseVectorTokenStream(SparseVector.Empty, Vocabulary));

        Assert.That(output.Tokens, Is.Empty);
    }

    [Test]
    public void TermIdsOutsideTheVocabularyAreRejectedUpFront()
    {
        var vector = new SparseVector([10, Vocabulary.Count + 3], [1f, 1f]);

        Assert.That(() => new SparseVectorTokenStream(vector, Vocabulary), Throws.ArgumentException.With.Message.Contains("outside the vocabulary"));
        Assert.That(() => new SparseVectorTokenStream(TermFrequencyQuantizer.Default.Quantize(vector), Vocabulary), Throws.ArgumentException);
    }
}
