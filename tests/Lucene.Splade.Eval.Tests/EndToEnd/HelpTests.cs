using Lucene.Splade.Eval.Commands;
using Spectre.Console;

namespace Lucene.Splade.Eval.Tests.EndToEnd;

/// <summary>Every help page of <c>splade-eval</c> renders (option descriptions are Spectre markup: a stray bracket breaks them).</summary>
[TestFixture]
public sealed class HelpTests
{
    [TestCase]
    [TestCase("run")]
    [TestCase("sweep")]
    [TestCase("encode")]
    [TestCase("sparsity")]
    [TestCase("nrt")]
    [TestCase("loo")]
    public void Every_help_page_renders(params string[] command)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });

        var exit = CliApp.Create(console).Run([.. command, "--help"]);

        Assert.That(exit, Is.Zero, output.ToString());
        Assert.That(output.ToString(), Does.Contain("USAGE").And.Not.Contain("error:"));
        if (command.Length > 0)
        {
            Assert.That(output.ToString(), Does.Contain("OPTIONS"));
        }
    }
}
