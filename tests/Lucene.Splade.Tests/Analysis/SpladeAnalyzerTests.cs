using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

[TestFixture]
public sealed class SpladeAnalyzerTests
{
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    private static readonly string[] Texts = Enumerable.Range(0, 40)
        .Select(i => $"document {i} about topic {i % 7} with words w{i * 13 % 29} and w{i * 7 % 31} {(i % 5 == 0 ? string.Empty : "extra")}")
        .Append(string.Empty)
        .ToArray();

    [Test]
    public void TheTokenStreamChainIsReusedForTheNextDocument()
    {
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));

        var first = analyzer.GetTokenStream("splade", "first");
        TokenStreamChecker.Consume(first);
        var second = analyzer.GetTokenStream("other-field", "second");
        TokenStreamChecker.Consume(second);

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void AReusedAnalyzerGivesTheSameOutputAsAFreshOnePerDocument()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var reused = new SpladeAnalyzer(encoder);

        foreach (var text in Texts.Concat(Enumerable.Reverse(Texts)))
        {
            using var fresh = new SpladeAnalyzer(encoder);
            var expected = TokenStreamChecker.Analyze(fresh, text);

            Assert.That(TokenStreamChecker.Analyze(reused, text), Is.EqualTo(expected).Using<StreamOutput>(SpladeTokenFilterTests.SameOutput), text);
        }
    }

    [Test]
    public void OneAnalyzerSharedByThreadsGivesTheSameOutputAsSequentialUse()
    {
        var encoder = new FakeSparseEncoder(Vocabulary);
        using var analyzer = new SpladeAnalyzer(encoder);
        var expected = Texts.Select(t => TokenStreamChecker.Analyze(analyzer, t)).ToArray();
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var random = new Random(worker);
            for (var n = 0; n < 200; n++)
            {
                var i = random.Next(Texts.Length);
                var output = TokenStreamChecker.Analyze(analyzer, Texts[i]);
                if (!SpladeTokenFilterTests.SameOutput(output, expected[i]))
                {
                    mismatches.Add($"worker {worker}: '{Texts[i]}'");
                }
            }
        });

        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void AskingForTheNextStreamBeforeDisposingThePreviousOne_Throws()
    {
        // Lucene's own check (Tokenizer.SetReader): the per-thread chain is still in use.
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));
        var first = analyzer.GetTokenStream("splade", "first");
        first.Reset();

        Assert.That(() => analyzer.GetTokenStream("splade", "second"), Throws.InvalidOperationException);
    }

    [Test]
    public void ADisposedAnalyzerRefusesNewStreams()
    {
        var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));
        TokenStreamChecker.Analyze(analyzer, "used once");

        analyzer.Dispose();

        Assert.That(() => analyzer.GetTokenStream("splade", "again"), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void OptionsDefaultToNoPruningAndTheDefaultQuantizer()
    {
        using var analyzer = new SpladeAnalyzer(new FakeSparseEncoder(Vocabulary));

        Assert.That(analyzer.Options, Is.EqualTo(SpladeIndexingOptions.Default));
        Assert.That(analyzer.Options.Pruning.IsNone, Is.True);
        Assert.That(analyzer.Options.Quantizer, Is.SameAs(TermFrequencyQuantizer.Default));
    }
}
