using Lucene.Splade.Sample.Searching;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class ExplainTests
{
    [TestCase("how to bake a loaf of bread", "bread")]
    [TestCase("learning to play music", "guitar")]
    [TestCase("vegetable garden", "tomato")]
    public void Contributions_add_up_to_the_score_the_search_gives(string query, string documentId)
    {
        using var searcher = new Searcher(SharedIndex.Path, SampleTestContext.Encoder);
        var hit = searcher.Search(query, Engine.Splade, 10).Single(h => h.Id == documentId);

        var explanation = new Explainer(searcher, SampleTestContext.Encoder, SampleTestContext.Encoder.Tokenizer).Explain(query, documentId);

        Assert.Multiple(() =>
        {
            Assert.That(explanation.Score, Is.EqualTo(hit.Score));
            Assert.That(explanation.Total, Is.EqualTo(hit.Score).Within(1e-4).Percent);
            Assert.That(explanation.Rank, Is.EqualTo(hit.Rank));
            Assert.That(explanation.Terms, Is.Not.Empty);
        });
        foreach (var t in explanation.Terms)
        {
            Assert.That(t.Contribution, Is.EqualTo(t.QueryWeight * t.Tf).Within(1e-5).Percent, t.Term);
            Assert.That(t.DocumentWeight, Is.EqualTo(t.Tf / 100f).Within(1e-6), t.Term);
        }
    }

    [Test]
    public void Terms_are_marked_literal_or_expansion()
    {
        using var searcher = new Searcher(SharedIndex.Path, SampleTestContext.Encoder);

        var explanation = new Explainer(searcher, SampleTestContext.Encoder, SampleTestContext.Encoder.Tokenizer).Explain("bread loaf", "bread");

        Assert.Multiple(() =>
        {
            Assert.That(explanation.Terms.Single(t => t.Term == "bread").IsLiteral, Is.True);
            Assert.That(explanation.Terms.Where(t => t.Term != "bread" && t.Term != "loaf"), Has.All.Matches<TermContribution>(t => !t.IsLiteral));
        });
    }

    [Test]
    public void Word_pieces_are_shown_readably()
    {
        var pieces = new WordPieces(SampleTestContext.Encoder.Tokenizer, "unbelievably");
        var continuation = SampleTestContext.Encoder.Tokenizer.Tokenize("unbelievably").First(p => p.StartsWith("##", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(WordPieces.Readable("##ing"), Is.EqualTo("…ing"));
            Assert.That(WordPieces.Readable("bread"), Is.EqualTo("bread"));
            Assert.That(pieces.WholeWord(continuation), Is.EqualTo("unbelievably"));
        });
    }

    [Test]
    public void The_explain_command_prints_the_terms_and_a_total_equal_to_the_score()
    {
        var run = ConsoleRun.Of("explain", "how to bake a loaf of bread", "bread", "--index", SharedIndex.Path);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(run.Output, Does.Contain("query w").And.Contain("adds").And.Contain("total").And.Contain("literal"));
        Assert.That(run.Output, Does.Match(@"Hybrid \(" + System.Text.RegularExpressions.Regex.Escape(Lucene.Splade.Search.HybridFusion.Default.Name) + @"\): fused rank \d+ \(score [0-9.]+\) from BM25 rank \d+ \(score [0-9.]+\) and SPLADE rank \d+"), "the hybrid part: both ranks and the fused one");
        var total = run.Output.Split('\n').Single(l => l.Contains("total", StringComparison.Ordinal) && l.Contains('│')).Split('│', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        var score = System.Text.RegularExpressions.Regex.Match(run.Output, @"SPLADE score ([0-9.]+)").Groups[1].Value;
        Assert.That(total, Is.EqualTo(score));
    }

    [Test]
    public void Explaining_an_unknown_document_is_an_error()
    {
        ConsoleRun.Of("explain", "bread", "no-such-doc", "--index", SharedIndex.Path).AssertOneLineError("no document with id 'no-such-doc'");
    }
}
