using Lucene.Splade.Sample.Searching;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class SearchTests
{
    [TestCase("splade")]
    [TestCase("bm25")]
    public void The_obvious_document_comes_first(string engineName)
    {
        var engine = Enum.Parse<Engine>(engineName, ignoreCase: true);
        using var searcher = new Searcher(SharedIndex.Path, SampleTestContext.Encoder);

        var hits = searcher.Search("how to bake a loaf of bread", engine, 3);

        Assert.That(hits, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(hits[0].Id, Is.EqualTo("bread"));
            Assert.That(hits[0].Rank, Is.EqualTo(1));
            Assert.That(hits[0].Title, Is.EqualTo("Baking bread at home"));
            Assert.That(hits[0].Snippet, Does.Contain("loaf"));
            Assert.That(hits.Select(h => h.Score), Is.Ordered.Descending);
        });
    }

    [Test]
    public void Splade_finds_a_document_through_a_word_it_does_not_contain()
    {
        using var searcher = new Searcher(SharedIndex.Path, SampleTestContext.Encoder);

        // The bike document says "bicycle", never "bike": BM25 has nothing to match, SPLADE expands the query.
        var bm25 = searcher.Search("bike", Engine.Bm25, 1);
        var splade = searcher.Search("bike", Engine.Splade, 1);

        Assert.Multiple(() =>
        {
            Assert.That(bm25, Is.Empty);
            Assert.That(splade.Select(h => h.Id), Is.EqualTo(new[] { "bike" }));
        });
    }

    [Test]
    public void The_search_command_shows_rank_score_id_title_and_snippet_for_both_engines()
    {
        var run = ConsoleRun.Of("search", "caring for young dogs", "--index", SharedIndex.Path, "--engine", "both", "-k", "2");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
            Assert.That(run.Output, Does.Contain("SPLADE").And.Contain("BM25"));
            Assert.That(run.Output, Does.Contain("puppy").And.Contain("Caring for a puppy"));
        });
    }

    [Test]
    public void The_search_command_shows_snippets_for_one_engine()
    {
        var run = ConsoleRun.Of("search", "pension fund", "--index", SharedIndex.Path, "--engine", "bm25", "-k", "1");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(run.Output, Does.Contain("snippet").And.Contain("compound interest"));
    }
}
