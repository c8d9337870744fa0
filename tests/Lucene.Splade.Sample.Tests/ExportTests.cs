using Lucene.Splade.Corpora;
using Lucene.Splade.Interchange;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class ExportTests
{
    [Test]
    public void Export_writes_every_document_with_its_indexed_vector_as_anserini_json_lines()
    {
        var file = Path.Combine(SampleTestContext.NewFolder("export"), "vectors.jsonl");

        var run = ConsoleRun.Of("export", "--index", SharedIndex.Path, "-o", file);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        using var reader = new StreamReader(file);
        var documents = AnseriniVectors.ReadDocuments(reader, SampleTestContext.Encoder.Vocabulary, file).ToList();
        Assert.That(documents.Select(d => d.Id), Is.EquivalentTo(TestCorpus.Documents.Select(d => d.Id)));
        Assert.That(documents, Has.All.Matches<AnseriniDocument>(d => d.Vector.Count > 0 && d.Contents.Length > 0));
        var first = TestCorpus.Documents[0];
        var exported = documents.Single(d => d.Id == first.Id);
        Assert.That(exported.Contents, Is.EqualTo(first.Contents.Trim()));
        var expected = SharedIndex.Metadata().IndexingOptions.ToTermFrequencies(SampleTestContext.Encoder.EncodeDocument(first.Contents));
        // The index was encoded in batches: int8 activations are quantized per batch, so a term at the rounding edge
        // can differ from this one-text encoding. The exact round trip is the library's test (IndexedVectors).
        var shared = exported.Vector.TermIds.ToArray().Intersect(expected.TermIds.ToArray()).Count();
        Assert.That(shared, Is.GreaterThanOrEqualTo(0.9 * expected.Count), "the indexed vector, read back from the postings");
        Assert.That(run.Output, Does.Contain($"Exported {TestCorpus.Documents.Length} documents"));
    }

    [Test]
    public void Export_refuses_formats_it_does_not_write()
    {
        var run = ConsoleRun.Of("export", "--index", SharedIndex.Path, "--format", "elasticsearch", "-o", "x.jsonl");
        Assert.That(run.ExitCode, Is.Not.EqualTo(0));
        Assert.That(run.Output, Does.Contain("--format must be anserini"));
    }
}
