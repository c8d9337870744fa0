using System.Text.Json;
using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tests.Support;

namespace Lucene.Splade.ModelPreparation.Tests;

/// <summary>The trained head shipped for the embedded default model: it loads, and gives the documented sparsity.</summary>
[TestFixture]
public sealed class TrainedHeadTests
{
    private static readonly Lazy<string> FolderLazy = new(() => BuildTestSupport.Build("trained", EmbeddedHeadChoice.Trained));

    private static string Folder => FolderLazy.Value;

    [Test]
    public void TrainedHeadFolderHoldsTheShippedFiles()
    {
        Assert.That(EmbeddedTrainedHead.Id, Does.Match("^trained-[0-9a-f]{16}$"));
        Assert.That(File.Exists(Path.Combine(Folder, EmbeddedTrainedHead.HeadFileName)), Is.True);
        Assert.That(File.Exists(Path.Combine(Folder, EmbeddedTrainedHead.QueryWeightsFileName)), Is.True);
        Assert.That(SpladeModelFolder.Resolve(Folder).LoadConfig().Description, Does.Contain("trained for retrieval").And.Contain(EmbeddedTrainedHead.Id));
    }

    [Test]
    public void TrainingRecordNamesItsDataAndSettings()
    {
        using var record = JsonDocument.Parse(EmbeddedTrainedHead.TrainingRecord());
        var root = record.RootElement;
        var sources = root.GetProperty("sources").EnumerateArray().ToList();
        Assert.That(sources.Select(s => s.GetProperty("collection").GetString()), Has.Some.EqualTo("scifact"));
        Assert.That(sources.Select(s => s.GetProperty("corpus_sha256").GetString()), Has.All.Length.EqualTo(64), "each collection named by its hash");
        Assert.That(sources.Select(s => s.GetProperty("splits").ToString()), Has.None.Contains("test"), "the shipped head must not have seen a test split");
        var text = EmbeddedTrainedHead.TrainingRecord();
        Assert.That(text, Does.Not.Match(@"""(/|[A-Za-z]:\\\\)[^""]*"""), "no absolute path of the machine that trained it");
        Assert.That(root.GetProperty("config").GetProperty("lambda_d").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("history").GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public void ShippedWeightsAreSmallEnoughToCommit()
    {
        var head = new FileInfo(Path.Combine(Folder, EmbeddedTrainedHead.HeadFileName)).Length;
        var query = new FileInfo(Path.Combine(Folder, EmbeddedTrainedHead.QueryWeightsFileName)).Length;
        var layers = new FileInfo(Path.Combine(Folder, EmbeddedTrainedHead.TopLayersFileName)).Length;
        Assert.That(head + query + layers, Is.LessThan(10L * 1024 * 1024));
    }

    [Test]
    public void GivesTheDocumentedSparsityOnTheSampleCorpus()
    {
        var corpus = SampleTexts("corpus.jsonl", "text").Take(60).ToList();
        var queries = SampleTexts("queries.jsonl", "text").ToList();
        using var encoder = SpladeEncoder.Load(Folder);

        var docTerms = encoder.EncodeDocuments(corpus).Select(v => v.Count).ToList();
        var queryTerms = encoder.EncodeQueries(queries).Select(v => v.Count).ToList();

        TestContext.Out.WriteLine($"terms per document {docTerms.Average():F1}, per query {queryTerms.Average():F1}");
        // The README documents 132.8 terms per document (first 60 sample documents) and 56.2 per sample query for the
        // shipped weights; a changed head or graph that moves these by more than 10% must update the documentation.
        Assert.That(docTerms.Average(), Is.InRange(132.8 * 0.9, 132.8 * 1.1));
        Assert.That(queryTerms.Average(), Is.InRange(56.2 * 0.9, 56.2 * 1.1));
        Assert.That(docTerms, Has.All.GreaterThan(0));
    }

    [Test]
    public void InferenceFreeQueriesHaveAtMostTheirOwnWordPieces()
    {
        var queries = SampleTexts("queries.jsonl", "text").ToList();
        var encoder = InferenceFreeQueryEncoder.Load(Folder);
        foreach (var query in queries)
        {
            var pieces = encoder.Tokenizer.Encode(query, encoder.MaxLength).Count(id => !encoder.Vocabulary.IsExcludedTerm(id));
            var vector = encoder.EncodeQuery(query);
            Assert.That(vector.Count, Is.InRange(1, pieces), query);
        }
    }

    [Test]
    public void ExpansionsAreTopical()
    {
        using var encoder = SpladeEncoder.Load(Folder);
        var vector = encoder.EncodeQuery("What is the capital of France?");
        var top = vector.ByDescendingWeight().Take(20).Select(t => encoder.Vocabulary[t.TermId]).ToList();
        var input = encoder.Tokenizer.Encode("What is the capital of France?", encoder.MaxLength).Select(id => encoder.Vocabulary[id]).ToHashSet();
        var expansions = top.Where(t => !input.Contains(t)).ToList();

        Assert.That(top.Take(10), Does.Contain("france").And.Contain("capital"), string.Join(" ", top));
        Assert.That(expansions, Has.Count.GreaterThanOrEqualTo(3), "terms the query does not say: " + string.Join(" ", expansions));
        Assert.That(expansions.Intersect(["paris", "french", "city", "cities", "capitals"]), Is.Not.Empty, "an expansion about the topic: " + string.Join(" ", expansions));
    }

    private static IEnumerable<string> SampleTexts(string file, string field)
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "samples", "Lucene.Splade.Sample", "Data", file);
        foreach (var line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
        {
            using var json = JsonDocument.Parse(line);
            yield return json.RootElement.GetProperty(field).GetString()!;
        }
    }
}
