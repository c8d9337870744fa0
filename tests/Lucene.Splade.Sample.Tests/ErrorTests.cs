using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Splade.Sample.Indexing;

namespace Lucene.Splade.Sample.Tests;

/// <summary>Every user error is one line and a non-zero exit code, never a stack trace.</summary>
[TestFixture]
public sealed class ErrorTests
{
    [Test]
    public void A_missing_input_path()
    {
        var folder = SampleTestContext.NewFolder("missing");

        ConsoleRun.Of("index", Path.Combine(folder, "nowhere.jsonl"), "--index", Path.Combine(folder, "index"))
            .AssertOneLineError("No such file or folder");
    }

    [Test]
    public void A_bad_json_line_is_reported_with_its_number_and_the_rest_is_indexed()
    {
        var folder = SampleTestContext.NewFolder("badline");
        var input = TestCorpus.WriteJsonLines(folder, TestCorpus.Documents.Take(3));
        var lines = File.ReadAllLines(input).ToList();
        lines.Insert(1, "{\"id\": \"broken\", \"text\": ");
        lines.Insert(3, "{\"title\": \"no id\", \"text\": \"orphan\"}");
        File.WriteAllLines(input, lines);

        var run = ConsoleRun.Of("index", input, "--index", Path.Combine(folder, "index"));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.SkippedInput), run.Output);
            Assert.That(run.Output, Does.Contain("line 2: not valid JSON"));
            Assert.That(run.Output, Does.Contain("line 4: no document id"));
            Assert.That(run.Output, Does.Not.Contain("   at "));
            Assert.That(IndexProbe.Read(Path.Combine(folder, "index")).Ids, Has.Length.EqualTo(3));
        });
    }

    [Test]
    public void An_unreadable_file_in_a_folder_is_reported_and_skipped()
    {
        var folder = SampleTestContext.NewFolder("unreadable");
        var input = Path.Combine(folder, "docs");
        System.IO.Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "good.txt"), "Knead the dough and bake the loaf.");

        // A dangling link cannot be read whoever runs the test (permissions do not stop root).
        File.CreateSymbolicLink(Path.Combine(input, "gone.txt"), Path.Combine(folder, "deleted.txt"));

        var run = ConsoleRun.Of("index", input, "--index", Path.Combine(folder, "index"));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.SkippedInput), run.Output);
            Assert.That(run.Output, Does.Contain("gone.txt: cannot read the file"));
            Assert.That(IndexProbe.Read(Path.Combine(folder, "index")).Ids, Is.EqualTo(new[] { "good.txt" }));
        });
    }

    [Test]
    public void An_unsupported_input_file()
    {
        var folder = SampleTestContext.NewFolder("csv");
        var input = Path.Combine(folder, "data.csv");
        File.WriteAllText(input, "a,b");

        ConsoleRun.Of("index", input, "--index", Path.Combine(folder, "index")).AssertOneLineError("expected a folder");
    }

    [Test]
    public void An_index_locked_by_another_writer()
    {
        var folder = SampleTestContext.NewFolder("locked");
        var index = Path.Combine(folder, "index");
        using var directory = FSDirectory.Open(index);
        using var writer = new IndexWriter(directory, new IndexWriterConfig(IndexLayout.Version, null));

        ConsoleRun.Of("index", TestCorpus.WriteJsonLines(folder, TestCorpus.Documents.Take(1)), "--index", index)
            .AssertOneLineError("locked by another process (LockObtainFailedException");
    }

    [Test]
    public void A_model_folder_that_does_not_exist()
    {
        ConsoleRun.Of("encode", "text", "--model", Path.Combine(SampleTestContext.Root, "no-model")).AssertOneLineError("Model folder not found");
    }

    [Test]
    public void A_model_folder_without_a_model()
    {
        ConsoleRun.Of("encode", "text", "--model", SampleTestContext.NewFolder("empty-model")).AssertOneLineError("Cannot load the model");
    }

    [Test]
    public void Searching_where_there_is_no_index()
    {
        var folder = SampleTestContext.NewFolder("noindex");

        ConsoleRun.Of("search", "bread", "--index", folder).AssertOneLineError("holds no Lucene index");
        ConsoleRun.Of("stats", "--index", Path.Combine(folder, "absent")).AssertOneLineError("folder does not exist");
    }

    [TestCase("--scale", "-1", "--scale must be a positive number")]
    [TestCase("--doc-mass", "2", "--doc-mass must be more than 0 and at most 1")]
    [TestCase("--query-top-k", "0", "--query-top-k must be at least 1")]
    [TestCase("--batch-size", "0", "--batch-size must be at least 1")]
    public void An_out_of_range_option(string option, string value, string message)
    {
        ConsoleRun.Of("encode", "text", option, value).AssertOneLineError(message);
    }

    [Test]
    public void An_unknown_command()
    {
        var run = ConsoleRun.Of("frobnicate");

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Output, Does.Contain("frobnicate").And.Contain("nknown command"), "the error names the command it did not know");
        Assert.That(run.Output, Does.Not.Contain("   at "));
    }
}
