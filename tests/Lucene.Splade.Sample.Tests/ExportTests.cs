using System.Text.Json;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Splade.Corpora;
using Lucene.Splade.Engines;
using Lucene.Splade.Interchange;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.TestSupport;

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
        // Exactly the index's postings (re-encoding the text is no reference: the index was encoded in batches, and
        // int8 activations are quantized per batch, so terms at the rounding edge differ from a one-text encoding).
        var vocabulary = SampleTestContext.Encoder.Vocabulary;
        var exportedFrequencies = Enumerable.Range(0, exported.Vector.Count).ToDictionary(i => vocabulary[exported.Vector.TermIds[i]], i => exported.Vector.Frequencies[i]);
        Assert.That(exportedFrequencies, Is.EquivalentTo(IndexedFrequencies(SharedIndex.Path)[first.Id]), "the indexed vector, read back from the postings");
        Assert.That(run.Output, Does.Contain($"Exported {TestCorpus.Documents.Length} documents"));
    }

    [TestCase("elasticsearch", "sparse_vector")]
    [TestCase("opensearch", "rank_features")]
    public void Export_writes_bulk_bodies_with_float_weights_at_the_index_scale_and_the_mapping(string format, string vectorType)
    {
        var folder = SampleTestContext.NewFolder("export-" + format);
        var file = Path.Combine(folder, "bulk.ndjson");

        var run = ConsoleRun.Of("export", "--index", SharedIndex.Path, "--format", format, "--index-name", "sample-docs", "-o", file);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        var lines = File.ReadAllText(file);
        Assert.That(lines, Does.EndWith("\n"));
        var pairs = lines[..^1].Split('\n').Chunk(2).ToArray();
        Assert.That(pairs.Select(p => Action(p[0])), Is.EquivalentTo(TestCorpus.Documents.Select(d => ("sample-docs", d.Id))));
        var expected = IndexedFrequencies(SharedIndex.Path);
        var scale = SharedIndex.Metadata().Scale;
        foreach (var pair in pairs)
        {
            using var source = JsonDocument.Parse(pair[1]);
            var id = Action(pair[0]).Id;
            var corpus = TestCorpus.Documents.Single(d => d.Id == id);
            Assert.That(source.RootElement.GetProperty("title").GetString(), Is.EqualTo(corpus.Title));
            Assert.That(source.RootElement.GetProperty("text").GetString(), Is.EqualTo(corpus.Text));
            var weights = source.RootElement.GetProperty("splade").EnumerateObject().ToDictionary(p => EngineTermKeys.FromKey(p.Name), p => p.Value.GetSingle());
            Assert.That(weights, Is.EquivalentTo(expected[id].ToDictionary(t => t.Key, t => t.Value / scale)), "float weight = tf / the index's scale");
            Assert.That(source.RootElement.GetProperty("splade").EnumerateObject().Select(p => p.Name), Has.None.Contains("."));
        }

        var mapping = File.ReadAllText(Path.Combine(folder, "bulk.mapping.json"));
        Assert.That(mapping, Does.Contain($$"""
            "splade":{"type":"{{vectorType}}"}
            """.Trim()));
        Assert.That(run.Output, Does.Contain($"Exported {TestCorpus.Documents.Length} documents").And.Contain("bulk.mapping.json"));
    }

    [Test]
    public void Export_of_an_index_with_forward_vectors_writes_the_models_float_weights()
    {
        var folder = SampleTestContext.NewFolder("export-forward");
        var index = Path.Combine(folder, "index");
        var metadata = SharedIndex.Metadata();
        new IndexBuilder(SampleTestContext.Encoder, metadata, new IndexBuildOptions(index, Rebuild: true, Threads: 2, BatchSize: 4, ForwardVectors: true))
            .Build(TestCorpus.Documents, null, CancellationToken.None);
        var file = Path.Combine(folder, "bulk.ndjson");

        var run = ConsoleRun.Of("export", "--index", index, "--format", "elasticsearch", "-o", file);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        Assert.That(run.Output, Does.Contain("from the forward index"));
        var vocabulary = SampleTestContext.Encoder.Vocabulary;
        Dictionary<string, Dictionary<string, float>> forward;
        using (var directory = FSDirectory.Open(index))
        using (var reader = DirectoryReader.Open(directory))
        {
            forward = ForwardVectors.Read(reader, CorpusFields.SpladeVector).ToDictionary(
                d => reader.Document(d.Doc).Get(CorpusFields.Id),
                d => Enumerable.Range(0, d.Vector.Count).ToDictionary(i => vocabulary[d.Vector.TermIds[i]], i => d.Vector.Weights[i]));
        }

        var postings = IndexedFrequencies(index);
        var lines = File.ReadAllText(file)[..^1].Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2 * TestCorpus.Documents.Length));
        foreach (var pair in lines.Chunk(2))
        {
            var id = Action(pair[0]).Id;
            using var source = JsonDocument.Parse(pair[1]);
            var weights = source.RootElement.GetProperty("splade").EnumerateObject().ToDictionary(p => EngineTermKeys.FromKey(p.Name), p => p.Value.GetSingle());
            Assert.That(weights, Is.EquivalentTo(forward[id]), "the stored floats, not tf / scale");
            Assert.That(weights.Values.Any(w => w * metadata.Scale != MathF.Round(w * metadata.Scale)), Is.True, "not multiples of 1 / scale");
            foreach (var (term, tf) in postings[id])
            {
                Assert.That(metadata.IndexingOptions.Quantizer.ToFrequency(weights[term]), Is.EqualTo(tf), $"{id} {term}: the postings quantize the same vector");
            }
        }
    }

    [TestCase(EngineFlavor.Elasticsearch)]
    [TestCase(EngineFlavor.OpenSearch)]
    public void Export_to_a_cluster_creates_the_index_and_sends_every_document(EngineFlavor flavor)
    {
        using var cluster = new FakeSearchEngine(flavor);

        var run = ConsoleRun.Of("export", "--index", SharedIndex.Path, "--format", flavor.ToString().ToLowerInvariant(), "--url", cluster.Url, "--index-name", "sample-docs", "--bulk-size", "4");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        Assert.That(cluster.Violations, Is.Empty, "every request had the documented shape");
        Assert.That(cluster.Documents.Keys, Is.EquivalentTo(TestCorpus.Documents.Select(d => d.Id)));
        Assert.That(cluster.BulkRequests, Has.Count.EqualTo(2), "batches of 4 and 2");
        Assert.That(run.Output, Does.Contain("Created index sample-docs").And.Contain($"{TestCorpus.Documents.Length} indexed, 0 failed"));
    }

    [Test]
    public void Export_to_a_cluster_reports_the_documents_it_refused()
    {
        using var cluster = new FakeSearchEngine(EngineFlavor.Elasticsearch);
        cluster.RejectDocument("bread");

        var run = ConsoleRun.Of("export", "--index", SharedIndex.Path, "--format", "elasticsearch", "--url", cluster.Url);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.SkippedInput), run.Output);
        Assert.That(run.Output, Does.Contain("bread").And.Contain("did not land").And.Contain("document_parsing_exception"));
        Assert.That(cluster.Documents, Has.Count.EqualTo(TestCorpus.Documents.Length - 1));
    }

    [Test]
    public void Export_refuses_formats_it_does_not_write()
    {
        var run = ConsoleRun.Of("export", "--index", SharedIndex.Path, "--format", "solr", "-o", "x.jsonl");
        Assert.That(run.ExitCode, Is.Not.EqualTo(0));
        Assert.That(run.Output, Does.Contain("--format must be one of anserini, elasticsearch, opensearch"));
    }

    [Test]
    public void Export_to_a_cluster_needs_an_engine_format_and_an_http_address()
    {
        Assert.That(ConsoleRun.Of("export", "--index", SharedIndex.Path, "--url", "http://localhost:9200").Output, Does.Contain("--url needs --format elasticsearch or opensearch"));
        Assert.That(ConsoleRun.Of("export", "--index", SharedIndex.Path, "--format", "opensearch", "--url", "localhost").Output, Does.Contain("--url must be an http(s) address"));
        Assert.That(ConsoleRun.Of("export", "--index", SharedIndex.Path, "--format", "opensearch", "--url", "http://localhost:9200", "--index-name", "Bad").Output, Does.Contain("must be lowercase"));
    }

    /// <summary>Every document's SPLADE term frequencies in an index, by id and term.</summary>
    internal static Dictionary<string, Dictionary<string, int>> IndexedFrequencies(string indexPath)
    {
        using var directory = FSDirectory.Open(indexPath);
        using var reader = DirectoryReader.Open(directory);
        var vocabulary = SampleTestContext.Encoder.Vocabulary;
        return IndexedVectors.Read(reader, CorpusFields.Splade, vocabulary).ToDictionary(
            d => reader.Document(d.Doc).Get(CorpusFields.Id),
            d => Enumerable.Range(0, d.Vector.Count).ToDictionary(i => vocabulary[d.Vector.TermIds[i]], i => d.Vector.Frequencies[i]));
    }

    private static (string Index, string Id) Action(string line)
    {
        using var action = JsonDocument.Parse(line);
        var index = action.RootElement.GetProperty("index");
        return (index.GetProperty("_index").GetString()!, index.GetProperty("_id").GetString()!);
    }
}
