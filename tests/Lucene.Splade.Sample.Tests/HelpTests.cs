namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class HelpTests
{
    /// <summary>Option descriptions are Spectre markup: a stray bracket ("[CLS]", "(0, 1]") breaks the help page.</summary>
    [TestCase]
    [TestCase("demo")]
    [TestCase("index")]
    [TestCase("search")]
    [TestCase("explain")]
    [TestCase("encode")]
    [TestCase("stats")]
    public void Every_help_page_renders(params string[] command)
    {
        var run = ConsoleRun.Of([.. command, "--help"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(run.Output, Does.Contain("OPTIONS").And.Not.Contain("error:"));
    }
}
