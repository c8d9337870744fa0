using System.Text;

namespace Lucene.Splade.Sample.Tests;

/// <summary>
/// The sample console's examples in README.md run as written, in order, from the repository's root: each line
/// <c>dotnet run --project samples/Lucene.Splade.Sample -- ARGS [&lt; FILE]</c> is run in-process with its arguments
/// (and FILE as standard input).
/// </summary>
[TestFixture]
[NonParallelizable] // changes the current directory and standard input
public sealed class ReadmeExamplesTests
{
    private const string Prefix = "dotnet run --project samples/Lucene.Splade.Sample -- ";

    [Test]
    public void The_readme_console_examples_run_as_written()
    {
        var root = RepositoryRoot();
        var examples = File.ReadLines(Path.Combine(root, "README.md")).Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).ToList();
        Assert.That(examples, Has.Count.GreaterThanOrEqualTo(5), "README.md lost its console examples");
        var before = Environment.CurrentDirectory;
        var input = Console.In;
        // The examples write these indexes (the index command's and the import command's).
        string[] indexes = [Path.Combine(root, "artifacts", "sample-index"), Path.Combine(root, "artifacts", "imported-index")];
        try
        {
            Environment.CurrentDirectory = root;
            DeleteFolders(indexes);

            foreach (var example in examples)
            {
                var (args, stdin) = Parse(example[Prefix.Length..]);
                Console.SetIn(stdin is null ? new StringReader("") : new StreamReader(Path.Combine(root, stdin)));
                var run = ConsoleRun.Of([.. args]);

                Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), $"{example}\n{run.Output}");
                Assert.That(run.Output, Does.Not.Contain("error:"), example);
                if (args[0] is "search" or "explain")
                {
                    Assert.That(run.Output, Does.Contain("d1"), $"{example}: expected documents in the output\n{run.Output}");
                }
            }
        }
        finally
        {
            Console.SetIn(input);
            Environment.CurrentDirectory = before;
            DeleteFolders(indexes);
        }
    }

    private static void DeleteFolders(IEnumerable<string> folders)
    {
        foreach (var folder in folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Shell words (double quotes group) and an optional trailing <c>&lt; file</c>.</summary>
    private static (List<string> Args, string? Stdin) Parse(string line)
    {
        var args = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        var inWord = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (inWord)
                {
                    args.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            args.Add(word.ToString());
        }

        var redirect = args.IndexOf("<");
        return redirect < 0 ? (args, null) : (args[..redirect], args[redirect + 1]);
    }

    private static string RepositoryRoot() => Lucene.Splade.TestSupport.RepositoryLocator.RepositoryRoot();
}
