using Spectre.Console;

namespace Lucene.Splade.Sample.Tests;

/// <summary>The result of running the console in-process: its exit code and everything it printed.</summary>
internal sealed record ConsoleRun(int ExitCode, string Output)
{
    /// <summary>Runs the console's command line in-process on a wide, plain (no colour, no live display) console.</summary>
    public static ConsoleRun Of(params string[] args) => Of(CancellationToken.None, args);

    public static ConsoleRun Of(CancellationToken cancellationToken, params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 240;
        var exitCode = SampleApp.Run(args, console, cancellationToken);
        return new ConsoleRun(exitCode, writer.ToString());
    }

    /// <summary>The lines that start with "error:".</summary>
    public string[] ErrorLines => Output.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();

    /// <summary>A failed run prints one error line and no stack trace.</summary>
    public void AssertOneLineError(string expectedFragment)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ExitCode, Is.EqualTo(ExitCodes.Error), Output);
            Assert.That(ErrorLines, Has.Length.EqualTo(1), Output);
            Assert.That(ErrorLines.FirstOrDefault(), Does.Contain(expectedFragment), Output);
            Assert.That(Output, Does.Not.Contain("   at "), "no stack trace");
        });
    }
}
