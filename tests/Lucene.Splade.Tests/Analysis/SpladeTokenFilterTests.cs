using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

[TestFixture]
public sealed class SpladeTokenFilterTests
{
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    [Test]
    public void EmitsEachTermAsOftenAsItsQuantizedFrequency_InAscendingIdOrder_WithTheVocabularyTokenAsText()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        const string text = "Learned sparse retrieval expands documents; sparse terms get weights.";
        using var analyzer = new SpladeAnalyzer(encoder);

        var output = TokenStreamChecker.Analyze(analyzer, text);

        var expected = ExpectedTokens.For(encoder.EncodeDocument(text), Vocabulary, SpladeIndexingOptions.Default, 0, text.Length);
        Assert.That(expected, Has.Count.GreaterThan(encoder.EncodeDocument(text).Count), "the text should give some frequencies above 1");
        Assert.That(output.Tokens, Is.EqualTo(expected));
    }

    [Test]
    public void FirstEmissionOfATermAdvancesThePosition_RepeatsStackOnIt()
    {
        var vector = new SparseVector([20, 30, 40], [0.3f, 0.1f, 0.25f]);
        using var analyzer = new SpladeAnalyzer(ExpectedTokens.FixedEncoder(Vocabulary, vector));

        var tokens = TokenStreamChecker.Analyze(analyzer, "any text").Tokens;

        Assert.That(tokens.Select(t => (t.Term, t.PositionIncrement)), Is.EqualTo(new[]
        {
            (Vocabulary[20], 1), (Vocabulary[20], 0), (Vocabulary[20], 0),
            (Vocabulary[30], 1),
            (Vocabulary[40], 1), (Vocabulary[40], 0), (Vocabulary[40], 0),
        }));
    }

    [Test]
    public void EveryTokenSpansTheWholeText_AndEndReportsTheTextLengthAsFinalOffset()
    {
        const string text = "offsets of a single keyword token";
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));

        var output = TokenStreamChecker.Analyze(analyzer, text);

        Assert.That(output.Tokens, Is.Not.Empty);
        Assert.That(output.Tokens.Select(t => (t.StartOffset, t.EndOffset)).Distinct(), Is.EqualTo(new[] { (0, text.Length) }));
        Assert.That(output.FinalOffset, Is.EqualTo(text.Length));
    }

    [Test]
    public void TheAnalyzerHandsTheEncoderTheTextUnchanged()
    {
        const string text = "  Spacing,\tcase and PUNCTUATION stay  ";
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var analyzer = new SpladeAnalyzer(encoder);

        TokenStreamChecker.Analyze(analyzer, text);

        Assert.That(encoder.ReceivedTexts, Is.EqualTo(new[] { text }));
    }

    [Test]
    public void SeveralInputTokensAreJoinedWithOneSpace_AndOffsetsSpanThemAll()
    {
        const string text = "  alpha   beta\tgamma  ";
        var encoder = new FakeSparseEncoder(Vocabulary);
        var tokenizer = new WhitespaceTokenizer(SpladeTestIndex.Version, new StringReader(text));
        using var filter = new SpladeTokenFilter(tokenizer, encoder);

        var output = TokenStreamChecker.Consume(filter);

        Assert.That(encoder.ReceivedTexts, Is.EqualTo(new[] { "alpha beta gamma" }));
        var expected = ExpectedTokens.For(encoder.EncodeDocument("alpha beta gamma"), Vocabulary, SpladeIndexingOptions.Default, text.IndexOf('a'), text.LastIndexOf('a') + 1);
        Assert.That(output.Tokens, Is.EqualTo(expected));
        Assert.That(output.FinalOffset, Is.EqualTo(text.Length));
    }

    [Test]
    public void EndNeverReportsAFinalOffsetBeforeTheOffsetsOfItsTokens()
    {
        // An input whose End reports a final offset (3) before the end of the text it gave (7).
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var filter = new SpladeTokenFilter(new InputWithAnEarlyFinalOffset(), encoder);

        var output = TokenStreamChecker.Consume(filter);

        Assert.That(output.Tokens, Is.Not.Empty);
        Assert.That(output.Tokens.Select(t => t.EndOffset).Distinct(), Is.EqualTo(new[] { 7 }));
        Assert.That(output.FinalOffset, Is.EqualTo(7));
    }

    [TestCase("")]
    [TestCase("   \t ")]
    public void TextWithoutWordsGivesNoTokens(string text)
    {
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));

        var output = TokenStreamChecker.Analyze(analyzer, text);

        Assert.That(output.Tokens, Is.Empty);
        Assert.That(output.FinalOffset, Is.EqualTo(text.Length));
    }

    [Test]
    public void SpecialTokensNeverBecomeTerms()
    {
        var vector = new SparseVector([FakeVocabulary.ClsId, 1, 100], [2f, 1f, 0.2f]);
        using var analyzer = new SpladeAnalyzer(ExpectedTokens.FixedEncoder(Vocabulary, vector));

        var tokens = TokenStreamChecker.Analyze(analyzer, "x").Tokens;

        Assert.That(tokens.Select(t => t.Term).Distinct(), Is.EqualTo(new[] { Vocabulary[100] }));
    }

    [Test]
    public void PruningRunsBeforeQuantization_AndWeightsRoundingToZeroAreDropped()
    {
        // 0.004 rounds to tf 0 at the default scale; TopK 3 keeps ids 12, 13 and 11 (ties by lower id).
        var vector = new SparseVector([10, 11, 12, 13, 14, 15], [0.2f, 0.3f, 0.9f, 0.5f, 0.3f, 0.004f]);
        var options = new SpladeIndexingOptions { Pruning = new PruningOptions { TopK = 3 } };
        using var unpruned = new SpladeAnalyzer(ExpectedTokens.FixedEncoder(Vocabulary, vector));
        using var pruned = new SpladeAnalyzer(ExpectedTokens.FixedEncoder(Vocabulary, vector), options);

        var prunedTerms = TokenStreamChecker.Analyze(pruned, "x").Tokens.Select(t => t.Term).Distinct();
        var allTerms = TokenStreamChecker.Analyze(unpruned, "x").Tokens.Select(t => t.Term).Distinct();

        Assert.That(prunedTerms, Is.EqualTo(new[] { Vocabulary[11], Vocabulary[12], Vocabulary[13] }));
        Assert.That(allTerms, Is.EqualTo(new[] { 10, 11, 12, 13, 14 }.Select(id => Vocabulary[id])));
    }

    [Test]
    public void AQuantizerWithAnotherScaleChangesTheFrequencies()
    {
        var vector = new SparseVector([50], [0.5f]);
        var options = new SpladeIndexingOptions { Quantizer = new TermFrequencyQuantizer(scale: 10) };
        using var analyzer = new SpladeAnalyzer(ExpectedTokens.FixedEncoder(Vocabulary, vector), options);

        var tokens = TokenStreamChecker.Analyze(analyzer, "x").Tokens;

        Assert.That(tokens, Has.Count.EqualTo(5));
    }

    [Test]
    public void ConsumingWithoutReset_ThrowsAClearError()
    {
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));
        var stream = analyzer.GetTokenStream("splade", "never reset");

        Assert.That(() => stream.IncrementToken(), Throws.InvalidOperationException.With.Message.Contains("Reset()"));
    }

    [Test]
    public void ConsumingAReusedStreamWithoutReset_Throws()
    {
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));
        TokenStreamChecker.Analyze(analyzer, "first document");
        var stream = analyzer.GetTokenStream("splade", "second document");

        Assert.That(() => stream.IncrementToken(), Throws.InvalidOperationException.With.Message.Contains("Reset()"));
    }

    [Test]
    public void ResetForgetsAPartlyConsumedDocument()
    {
        const string first = "a long first document that is only partly read";
        const string second = "the second document";
        using var reference = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));
        var expected = TokenStreamChecker.Analyze(reference, second);
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));

        var stream = analyzer.GetTokenStream("splade", first);
        stream.Reset();
        Assert.That(stream.IncrementToken() && stream.IncrementToken(), Is.True);
        stream.End();
        stream.Dispose();
        var output = TokenStreamChecker.Analyze(analyzer, second);

        Assert.That(output, Is.EqualTo(expected).Using<StreamOutput>(SameOutput));
    }

    [Test]
    public void TermIdsOutsideTheVocabularyAreRejected()
    {
        var vector = new SparseVector([10, Vocabulary.Count], [1f, 1f]);
        using var analyzer = new SpladeAnalyzer(ExpectedTokens.FixedEncoder(Vocabulary, vector));
        var stream = analyzer.GetTokenStream("splade", "x");
        stream.Reset();

        Assert.That(() => stream.IncrementToken(), Throws.ArgumentException.With.Message.Contains("outside the vocabulary"));
    }

    [Test]
    public void InvalidArguments_AreRejected()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var tokenizer = new KeywordTokenizer(new StringReader("x"));

        Assert.Multiple(() =>
        {
            Assert.That(() => new SpladeTokenFilter(null!, encoder), Throws.ArgumentNullException);
            Assert.That(() => new SpladeTokenFilter(tokenizer, null!), Throws.ArgumentNullException);
            Assert.That(() => new SpladeAnalyzer(null!), Throws.ArgumentNullException);

            // Options check their values where they are written, so a bad filter or analyzer can never be built.
            Assert.That(() => new SpladeIndexingOptions { Pruning = new PruningOptions { TopK = 0 } }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("TopK"));
            Assert.That(() => new SpladeIndexingOptions { Pruning = null! }, Throws.ArgumentNullException);
            Assert.That(() => new SpladeIndexingOptions { Quantizer = null! }, Throws.ArgumentNullException);
            Assert.That(() => SpladeIndexingOptions.Default with { Quantizer = null! }, Throws.ArgumentNullException, "with-expressions are checked too");
        });
    }

    internal static bool SameOutput(StreamOutput a, StreamOutput b) => a.FinalOffset == b.FinalOffset && a.Tokens.SequenceEqual(b.Tokens);

    /// <summary>One token "alpha" at offsets 2..7, then a final offset of 3.</summary>
    private sealed class InputWithAnEarlyFinalOffset : TokenStream
    {
        private readonly Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute _term;
        private readonly Lucene.Net.Analysis.TokenAttributes.IOffsetAttribute _offset;
        private bool _done;

        public InputWithAnEarlyFinalOffset()
        {
            _term = AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
            _offset = AddAttribute<Lucene.Net.Analysis.TokenAttributes.IOffsetAttribute>();
        }

        public override bool IncrementToken()
        {
            if (_done)
            {
                return false;
            }

            ClearAttributes();
            _term.SetEmpty().Append("alpha");
            _offset.SetOffset(2, 7);
            _done = true;
            return true;
        }

        public override void End()
        {
            base.End();
            _offset.SetOffset(3, 3);
        }

        public override void Reset()
        {
            base.Reset();
            _done = false;
        }
    }
}
