using Lucene.Splade.Corpora;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class IndexCommandTests
{
    private static readonly string[] AllIds = TestCorpus.Documents.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray();

    [Test]
    public void Index_of_a_json_lines_file_holds_every_document_and_records_the_model()
    {
        var folder = SampleTestContext.NewFolder("jsonl");
        var index = Path.Combine(folder, "index");

        var run = ConsoleRun.Of("index", TestCorpus.WriteJsonLines(folder), "--index", index, "--batch-size", "4");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        var probe = IndexProbe.Read(index);
        Assert.Multiple(() =>
        {
            Assert.That(probe.Ids, Is.EqualTo(AllIds));
            Assert.That(probe.UserData["splade.model"], Is.EqualTo("embedded"));
            Assert.That(probe.UserData["splade.scale"], Is.EqualTo("10"), "the library's default scale");
            Assert.That(run.Output, Does.Contain("holds 6 documents"));
        });
    }

    [Test]
    public void Index_reads_the_beir_layout()
    {
        var folder = SampleTestContext.NewFolder("beir");
        var index = Path.Combine(folder, "index");

        var run = ConsoleRun.Of("index", TestCorpus.WriteJsonLines(folder, TestCorpus.Documents.Take(2), idKey: "_id"), "--index", index);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(IndexProbe.Read(index).Ids, Is.EqualTo(new[] { "bike", "bread" }));
    }

    [Test]
    public void Index_of_a_folder_takes_txt_and_md_files_with_relative_paths_as_ids()
    {
        var folder = SampleTestContext.NewFolder("folder");
        var input = Path.Combine(folder, "docs");
        Directory.CreateDirectory(Path.Combine(input, "garden"));
        File.WriteAllText(Path.Combine(input, "bread.txt"), "Knead the dough and bake the loaf.");
        File.WriteAllText(Path.Combine(input, "garden", "tomatoes.md"), "# Growing tomatoes\n\nWater the plants often.");
        File.WriteAllText(Path.Combine(input, "notes.csv"), "not,a,document");

        var documents = new DocumentReader(input).Read().ToArray();
        var run = ConsoleRun.Of("index", input, "--index", Path.Combine(folder, "index"));

        Assert.Multiple(() =>
        {
            Assert.That(documents.Select(d => d.Id), Is.EqualTo(new[] { "bread.txt", "garden/tomatoes.md" }));
            Assert.That(documents.Select(d => d.Title), Is.EqualTo(new[] { "bread", "Growing tomatoes" }));
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
            Assert.That(IndexProbe.Read(Path.Combine(folder, "index")).Ids, Has.Length.EqualTo(2));
        });
    }

    [Test]
    public void Running_again_skips_ids_already_indexed_and_adds_new_ones()
    {
        var folder = SampleTestContext.NewFolder("resume");
        var index = Path.Combine(folder, "index");
        var first = ConsoleRun.Of("index", TestCorpus.WriteJsonLines(folder, TestCorpus.Documents.Take(4)), "--index", index);

        var second = ConsoleRun.Of("index", TestCorpus.WriteJsonLines(folder), "--index", index);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Output);
            Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Ok), second.Output);
            Assert.That(second.Output, Does.Contain("Added 2 documents").And.Contain("skipped 4 already indexed"));
            Assert.That(IndexProbe.Read(index).Ids, Is.EqualTo(AllIds), "each document once");
        });
    }

    [Test]
    public void Rebuild_starts_from_an_empty_index()
    {
        var folder = SampleTestContext.NewFolder("rebuild");
        var index = Path.Combine(folder, "index");
        ConsoleRun.Of("index", TestCorpus.WriteJsonLines(folder), "--index", index);

        var run = ConsoleRun.Of("index", TestCorpus.WriteJsonLines(folder, TestCorpus.Documents.Take(1), name: "one.jsonl"), "--index", index, "--rebuild");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(IndexProbe.Read(index).Ids, Is.EqualTo(new[] { "bread" }));
    }

    [Test]
    public void Continuing_with_other_settings_is_refused()
    {
        var folder = SampleTestContext.NewFolder("mismatch");
        var index = Path.Combine(folder, "index");
        var input = TestCorpus.WriteJsonLines(folder, TestCorpus.Documents.Take(1));
        ConsoleRun.Of("index", input, "--index", index);

        var run = ConsoleRun.Of("index", input, "--index", index, "--scale", "50");

        run.AssertOneLineError("--rebuild");
    }

    [Test]
    public void Repeated_ids_in_the_input_are_indexed_once()
    {
        var folder = SampleTestContext.NewFolder("duplicates");
        var index = Path.Combine(folder, "index");
        var input = TestCorpus.WriteJsonLines(folder, [TestCorpus.Documents[0], TestCorpus.Documents[0] with { Text = "Another text." }]);

        var run = ConsoleRun.Of("index", input, "--index", index);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(run.Output, Does.Contain("ignored 1 repeated ids"));
        Assert.That(IndexProbe.Read(index).Ids, Is.EqualTo(new[] { "bread" }));
    }
}
