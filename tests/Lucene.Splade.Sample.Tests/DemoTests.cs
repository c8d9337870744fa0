namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class DemoTests
{
    /// <summary>The main job: the no-argument run on the bundled corpus (the slowest test, about half a minute).</summary>
    [Test]
    public void The_no_argument_run_compares_splade_with_bm25_on_the_bundled_corpus()
    {
        var run = ConsoleRun.Of();
        var text = string.Join(' ', run.Output.Split('\n', StringSplitOptions.TrimEntries)); // sentences may wrap

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
            Assert.That(run.Output, Does.Contain("Encoded and indexed 243 documents"));
            Assert.That(run.Output, Does.Contain("Relevant documents in the top 3 (of ").And.Contain("hybrid"));
            Assert.That(run.Output, Does.Contain("SPLADE found"), "at least one document BM25 missed, with its terms");
            Assert.That(text, Does.Contain("written for this project").And.Contain("BM25 does better than SPLADE"), "the demo says how its corpus was made");
            Assert.That(text, Does.Contain("✓ marks a document judged relevant"), "the check mark is explained");
        });
    }
}
