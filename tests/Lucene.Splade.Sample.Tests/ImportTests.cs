using Lucene.Splade.Sample.Searching;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class ImportTests
{
    [Test]
    public void An_exported_anserini_file_imports_to_the_same_postings_and_the_search_command_finds_its_documents()
    {
        var folder = SampleTestContext.NewFolder("import");
        var file = Path.Combine(folder, "vectors.jsonl");
        var index = Path.Combine(folder, "index");
        Assert.That(ConsoleRun.Of("export", "--index", SharedIndex.Path, "-o", file).ExitCode, Is.EqualTo(ExitCodes.Ok));

        var run = ConsoleRun.Of("import", file, "--index", index, "--scale", "100");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(run.Output, Does.Contain($"Imported {TestCorpus.Documents.Length} documents").And.Contain("no model run"));
        Assert.That(ExportTests.IndexedFrequencies(index), Is.EquivalentTo(ExportTests.IndexedFrequencies(SharedIndex.Path)), "the same term frequencies, document by document");
        Assert.That(IndexProbe.Read(index).UserData["splade.scale"], Is.EqualTo("100"));

        var search = ConsoleRun.Of("search", "how to fix a flat tyre", "--index", index, "--engine", "splade", "-k", "1");
        Assert.That(search.ExitCode, Is.EqualTo(ExitCodes.Ok), search.Output);
        Assert.That(search.Output, Does.Contain("bike"));
        using var searcher = new Searcher(index, SampleTestContext.Encoder);
        Assert.That(searcher.Search("caring for young dogs", Engine.Splade, 1).Select(h => h.Id), Is.EqualTo(new[] { "puppy" }));
    }

    [Test]
    public void Importing_again_skips_the_ids_already_indexed()
    {
        var folder = SampleTestContext.NewFolder("import-again");
        var file = Path.Combine(folder, "vectors.jsonl");
        var index = Path.Combine(folder, "index");
        ConsoleRun.Of("export", "--index", SharedIndex.Path, "-o", file);
        ConsoleRun.Of("import", file, "--index", index, "--scale", "100");

        var again = ConsoleRun.Of("import", file, "--index", index, "--scale", "100");

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.Output);
        Assert.That(again.Output, Does.Contain($"Imported 0 documents").And.Contain($"skipped {TestCorpus.Documents.Length} already indexed"));
        Assert.That(IndexProbe.Read(index).Ids, Has.Length.EqualTo(TestCorpus.Documents.Length));
    }

    [Test]
    public void A_file_made_with_another_vocabulary_is_a_one_line_error()
    {
        var folder = SampleTestContext.NewFolder("import-bad");
        var file = Path.Combine(folder, "vectors.jsonl");
        File.WriteAllText(file, """{"id": "x", "contents": "text", "vector": {"qqqzzzword": 3}}""" + "\n");

        ConsoleRun.Of("import", file, "--index", Path.Combine(folder, "index")).AssertOneLineError("not in the vocabulary");
    }

    [Test]
    public void A_missing_file_is_a_one_line_error() =>
        ConsoleRun.Of("import", Path.Combine(SampleTestContext.Root, "no-such.jsonl"), "--index", Path.Combine(SampleTestContext.Root, "no-index")).AssertOneLineError("Input not found");
}
