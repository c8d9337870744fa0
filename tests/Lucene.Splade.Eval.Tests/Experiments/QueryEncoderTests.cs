using System.Text.Json;
using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;
using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Eval.Commands;
using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Eval.Reporting;
using Lucene.Splade.Eval.Tests.Support;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Eval.Tests.Experiments;

/// <summary>
/// <c>--query-encoder inference-free</c>: documents still encoded (and cached) by the model, queries by the folder's
/// query weights, under a query cache key of their own; the report says which encoder made the queries.
/// </summary>
[NonParallelizable]
public sealed class QueryEncoderTests
{
    private static readonly SpladeEncoderOptions Options = new() { IntraOpThreads = 1 };

    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestData.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>A copy of the embedded model's folder, with query weights (1 for every ordinary word piece) or without.</summary>
    private string ModelFolder(bool withQueryWeights = true, string name = "model")
    {
        var source = EmbeddedSpladeModel.FolderPath;
        var target = Path.Combine(_folder, name);
        Directory.CreateDirectory(target);
        foreach (var file in new[] { "model.onnx", SpladeModelFolder.VocabularyFileName, SpladeModelConfig.FileName })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(target, file));
        }

        if (withQueryWeights)
        {
            WriteWeights(target, 1f);
        }

        return target;
    }

    private static void WriteWeights(string folder, float weight)
    {
        var vocabulary = Vocabulary.Load(Path.Combine(folder, SpladeModelFolder.VocabularyFileName));
        var weights = Enumerable.Range(0, vocabulary.Count).Select(i => vocabulary.IsExcludedTerm(i) ? 0f : weight).ToArray();
        InferenceFreeQueryEncoder.SaveWeights(Path.Combine(folder, SpladeModelFolder.QueryWeightsFileName), weights);
    }

    private static readonly ExperimentOptions SpladeOnly = new() { Runs = RunKinds.Splade, TimingDocuments = 0, TimingQueries = 3 };

    [TestCase("model", false)]
    [TestCase("inference-free", true)]
    [TestCase(" Inference-Free ", true)]
    public void NamesParse(string name, bool inferenceFree)
    {
        var expected = inferenceFree ? QueryEncoderKind.InferenceFree : QueryEncoderKind.Model;
        Assert.That(QueryEncoderNames.Parse(name), Is.EqualTo(expected));
        Assert.That(QueryEncoderNames.Name(expected), Is.EqualTo(name.Trim().ToLowerInvariant()));
    }

    [Test]
    public void UnknownNameIsRejected()
    {
        Assert.That(() => QueryEncoderNames.Parse("idf"), Throws.ArgumentException.With.Message.Contains("model").And.Message.Contains("inference-free"));
    }

    [Test]
    public void InferenceFreeRunEncodesQueriesWithTheWeightsAndDocumentsWithTheModel()
    {
        var folder = ModelFolder();
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var output = Path.Combine(_folder, "out");
        using var model = ModelSource.Resolve(folder, Options, QueryEncoderKind.InferenceFree);

        var report = new Experiment(TestData.TinyCollection, model, cache, output) { Progress = false }.Run(SpladeOnly);
        ReportWriter.Write(report, output);

        var weightsPath = Path.Combine(folder, SpladeModelFolder.QueryWeightsFileName);
        Assert.That(report.Model!.QueryEncoder, Is.EqualTo("inference-free"));
        Assert.That(report.Model.QueryWeights, Is.EqualTo(weightsPath));
        Assert.That(report.Model.QueryCacheKey, Is.EqualTo(model.QueryCacheKey).And.Not.EqualTo(model.CacheKey));

        // The cached query vectors are the inference-free encoder's: each query's own word pieces, weight 1, no expansion.
        var queries = BeirCollection.ReadQueries(TestData.TinyCollection);
        var cachedQueries = VectorCache.Read(cache.PathFor(Path.Combine(TestData.TinyCollection, "queries.jsonl"), model.QueryCacheKey));
        var expected = InferenceFreeQueryEncoder.Load(folder).EncodeQueries(queries.Select(q => q.Text).ToArray());
        Assert.That(cachedQueries.Ids, Is.EqualTo(queries.Select(q => q.Id)));
        Assert.That(cachedQueries.Vectors, Is.EqualTo(expected));
        Assert.That(cachedQueries.Vectors.SelectMany(v => v.Weights.ToArray()), Is.All.EqualTo(1f));
        Assert.That(File.Exists(cache.PathFor(Path.Combine(TestData.TinyCollection, "corpus.jsonl"), model.CacheKey)), Is.True, "documents cached under the model's key");
        var documents = VectorCache.Read(cache.PathFor(Path.Combine(TestData.TinyCollection, "corpus.jsonl"), model.CacheKey));
        Assert.That(documents.Vectors.Any(v => v.Weights.ToArray().Any(w => w != 1f)), Is.True, "documents are the model's, not the weight lookup's");

        var splade = report.Runs.Single(r => r.Name == "splade");
        Assert.That(splade.Queries, Is.EqualTo(3));
        Assert.That(splade.Metrics.Ndcg10, Is.InRange(0.0, 1.0));
        Assert.That(report.Efficiency.QueryEncoding!.Queries, Is.EqualTo(3), "query encoding timed with the inference-free encoder");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        var modelJson = json.RootElement.GetProperty("model");
        Assert.That(modelJson.GetProperty("queryEncoder").GetString(), Is.EqualTo("inference-free"));
        Assert.That(modelJson.GetProperty("queryCacheKey").GetString(), Is.EqualTo(model.QueryCacheKey));
        Assert.That(modelJson.GetProperty("queryWeights").GetString(), Is.EqualTo(weightsPath));
        var markdown = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.That(markdown, Does.Contain("SPLADE queries: inference-free").And.Contain("query encoding (inference-free"));
    }

    [Test]
    public void ModelModeIsTheDefaultAndKeepsItsCacheKey()
    {
        var folder = ModelFolder();
        using var byDefault = ModelSource.Resolve(folder, Options);
        using var inferenceFree = ModelSource.Resolve(folder, Options, QueryEncoderKind.InferenceFree);

        Assert.That(byDefault.QueryEncoderKind, Is.EqualTo(QueryEncoderKind.Model));
        Assert.That(byDefault.QueryCacheKey, Is.EqualTo(byDefault.CacheKey), "caches built before the option stay valid");
        Assert.That(byDefault.QueryWeightsPath, Is.Null, "weights in the folder are not used unless asked for");
        Assert.That(inferenceFree.CacheKey, Is.EqualTo(byDefault.CacheKey), "documents are shared");
        Assert.That(inferenceFree.QueryCacheKey, Is.Not.EqualTo(byDefault.QueryCacheKey));
        Assert.That(inferenceFree.QueryEncoder, Is.InstanceOf<InferenceFreeQueryEncoder>());
        Assert.That(inferenceFree.IsLoaded, Is.False, "the inference-free encoder needs no ONNX session");
        Assert.That(byDefault.QueryEncoder, Is.SameAs(byDefault.Encoder));
    }

    [Test]
    public void OtherWeightsGiveAnotherQueryKey()
    {
        var folder = ModelFolder();
        string first;
        using (var model = ModelSource.Resolve(folder, Options, QueryEncoderKind.InferenceFree))
        {
            first = model.QueryCacheKey;
        }

        WriteWeights(folder, 2f);
        using var changed = ModelSource.Resolve(folder, Options, QueryEncoderKind.InferenceFree);

        Assert.That(changed.QueryCacheKey, Is.Not.EqualTo(first));
    }

    [Test]
    public void ModesShareDocumentVectorsButNotQueryVectors()
    {
        var folder = ModelFolder();
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var queriesFile = Path.Combine(TestData.TinyCollection, "queries.jsonl");
        var noTiming = SpladeOnly with { TimingQueries = 0 };
        string modelQueries;
        using (var model = ModelSource.Resolve(folder, Options))
        {
            new Experiment(TestData.TinyCollection, model, cache, Path.Combine(_folder, "a")) { Progress = false }.Run(noTiming);
            modelQueries = cache.PathFor(queriesFile, model.QueryCacheKey);
        }

        using var inferenceFree = ModelSource.Resolve(folder, Options, QueryEncoderKind.InferenceFree);
        var report = new Experiment(TestData.TinyCollection, inferenceFree, cache, Path.Combine(_folder, "b")) { Progress = false }.Run(noTiming);

        var inferenceFreeQueries = cache.PathFor(queriesFile, inferenceFree.QueryCacheKey);
        Assert.That(inferenceFreeQueries, Is.Not.EqualTo(modelQueries));
        Assert.That(File.Exists(modelQueries) && File.Exists(inferenceFreeQueries), Is.True, "one query cache per mode");
        Assert.That(VectorCache.Read(inferenceFreeQueries).Vectors, Is.Not.EqualTo(VectorCache.Read(modelQueries).Vectors));
        Assert.That(report.Efficiency.CorpusFromCache, Is.True, "the model's document vectors are reused");
        Assert.That(inferenceFree.IsLoaded, Is.False, "cached documents and inference-free queries: the model never runs");
    }

    [Test]
    public void CommandLineRunWithInferenceFreeQueries()
    {
        var folder = ModelFolder();
        var output = Path.Combine(_folder, "cli");
        var cache = Path.Combine(_folder, "cache");

        var encode = CliApp.Create().Run(["encode", TestData.TinyCollection, "-m", folder, "--query-encoder", "inference-free", "--cache", cache, "--no-progress"]);
        var run = CliApp.Create().Run(["run", TestData.TinyCollection, "-m", folder, "--query-encoder", "inference-free", "--runs", "splade", "--timing-docs", "0", "--timing-queries", "2", "-o", output, "--cache", cache, "--no-progress"]);

        Assert.That(encode, Is.EqualTo(0));
        Assert.That(run, Is.EqualTo(0));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        Assert.That(json.RootElement.GetProperty("model").GetProperty("queryEncoder").GetString(), Is.EqualTo("inference-free"));
        Assert.That(json.RootElement.GetProperty("efficiency").GetProperty("corpusFromCache").GetBoolean(), Is.True, "encode filled the cache the run read");
    }

    [Test]
    public void CommandLineRejectsAnUnknownQueryEncoder()
    {
        var settings = new RunSettings { Dataset = TestData.TinyCollection, QueryEncoder = "idf" };

        Assert.That(settings.Validate().Successful, Is.False);
        Assert.That(settings.Validate().Message, Does.Contain("--query-encoder"));
        Assert.That(new RunSettings { Dataset = TestData.TinyCollection }.QueryEncoderKind, Is.EqualTo(QueryEncoderKind.Model), "model by default");
        Assert.That(CliApp.Create().Run(["run", TestData.TinyCollection, "--query-encoder", "idf", "-o", Path.Combine(_folder, "x"), "--no-progress"]), Is.Not.EqualTo(0));
    }

    [Test]
    public void FolderWithoutQueryWeightsFailsBeforeEncoding()
    {
        var folder = ModelFolder(withQueryWeights: false);
        var cache = Path.Combine(_folder, "cache");

        var e = Assert.Throws<FileNotFoundException>(() => ModelSource.Resolve(folder, Options, QueryEncoderKind.InferenceFree));
        var exit = CliApp.Create().Run(["run", TestData.TinyCollection, "-m", folder, "--query-encoder", "inference-free", "--runs", "splade", "-o", Path.Combine(_folder, "x"), "--cache", cache, "--no-progress"]);

        Assert.That(e!.Message, Does.Contain("no inference-free query weights"));
        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(Directory.Exists(cache) && Directory.EnumerateFiles(cache).Any(), Is.False, "nothing was encoded");
    }

    [Test]
    public void EmbeddedDefaultUsesTheEmbeddedFolder()
    {
        var embedded = EmbeddedSpladeModel.FolderPath;
        var weights = Path.Combine(embedded, SpladeModelFolder.QueryWeightsFileName);
        if (File.Exists(weights))
        {
            using var model = ModelSource.Resolve(null, Options, QueryEncoderKind.InferenceFree);
            Assert.That(model.IsEmbeddedDefault, Is.True);
            Assert.That(model.QueryWeightsPath, Is.EqualTo(weights));
        }
        else
        {
            var e = Assert.Throws<FileNotFoundException>(() => ModelSource.Resolve(null, Options, QueryEncoderKind.InferenceFree));
            Assert.That(e!.FileName, Is.EqualTo(weights), "looked for in the embedded model's folder");
        }
    }

    [Test]
    public void ModelModeReportSaysQueriesCameFromTheModel()
    {
        var info = new ModelInfo("m", "/m", false, "k", 512, 10, QueryEncoderNames.Model, "k", null);

        Assert.That(info.QueryEncoderText, Is.EqualTo("encoded by the model"));
        var inferenceFree = info with { QueryEncoder = QueryEncoderNames.InferenceFree, QueryCacheKey = "q", QueryWeights = "/m/query_weights.safetensors" };
        Assert.That(inferenceFree.QueryEncoderText, Does.Contain("inference-free").And.Contain("query_weights.safetensors").And.Contain("q"));
    }
}
