using System.Diagnostics;
using System.Text.Json;
using Lucene.Splade.Encoders;
using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Eval.Commands;
using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Eval.Reporting;
using Lucene.Splade.Eval.Tests.Support;
using Spectre.Console;

namespace Lucene.Splade.Eval.Tests.EndToEnd;

/// <summary>Whole runs: the committed tiny collection always, <c>adi</c> when the shared datasets are present.</summary>
[NonParallelizable]
public sealed class EndToEndTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestData.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static ModelSource EmbeddedModel() => ModelSource.Resolve(null, new SpladeEncoderOptions { IntraOpThreads = 1 });

    [Test]
    public void ThroughAnseriniTheSpladeRunIsTheSame()
    {
        using var model = EmbeddedModel();
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var options = new ExperimentOptions { TimingDocuments = 0, TimingQueries = 0, Runs = RunKinds.Splade };

        var direct = new Experiment(TestData.TinyCollection, model, cache, Path.Combine(_folder, "direct")) { Progress = false }.Run(options);
        var viaAnserini = new Experiment(TestData.TinyCollection, model, cache, Path.Combine(_folder, "anserini")) { Progress = false }.Run(options with { ViaAnserini = true });

        Assert.That(File.Exists(Path.Combine(_folder, "anserini", "anserini-vectors.jsonl")), Is.True);
        Assert.That(viaAnserini.Runs.Single().Metrics, Is.EqualTo(direct.Runs.Single().Metrics));
        Assert.That(viaAnserini.Efficiency.SpladeIndex!.SizeBytes, Is.EqualTo(direct.Efficiency.SpladeIndex!.SizeBytes), "the same postings");
    }

    [Test]
    public void TinyCollectionFullRun()
    {
        using var model = EmbeddedModel();
        var output = Path.Combine(_folder, "out");
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var options = new ExperimentOptions { TimingDocuments = 5, TimingQueries = 3, WeightStep = 0.25 };

        var report = new Experiment(TestData.TinyCollection, model, cache, output) { Progress = false }.Run(options);
        ReportWriter.Write(report, output);

        Assert.That(report.Runs.Select(r => r.Name), Is.EqualTo(new[] { "bm25", "splade", "rrf-k60", report.Runs[3].Name, report.Runs[4].Name }));
        Assert.That(report.Runs[3].Name, Does.StartWith("minmax-w"));
        Assert.That(report.Runs[4].Name, Does.StartWith("zscore-w"));
        Assert.That(report.Dataset.TuneSplit, Is.EqualTo("train"), "tuned on train, never on test");
        Assert.That(report.Runs[3].Tuning!.Curve, Has.Count.EqualTo(5));
        Assert.That(report.BestHybrid, Is.Not.Null);

        // Clear-cut queries: BM25 ranks a relevant document first for all three.
        var bm25 = report.Runs[0].Metrics;
        Assert.That(bm25.RecipRank10, Is.EqualTo(1.0));
        Assert.That(bm25.Recall1000, Is.EqualTo(1.0));
        foreach (var run in report.Runs)
        {
            Assert.That(new[] { run.Metrics.Ndcg10, run.Metrics.RecipRank10, run.Metrics.Recall100, run.Metrics.Map }, Is.All.InRange(0.0, 1.0), run.Name);
            Assert.That(run.Queries, Is.EqualTo(3));

            // The run file re-evaluates to the reported figures: the file is what trec_eval would read.
            var fromFile = TrecEval.Evaluate(TrecRunFile.Read(Path.Combine(output, run.RunFile!)), BeirCollection.ReadQrels(TestData.TinyCollection, "test"));
            Assert.That(fromFile.Mean.Ndcg10, Is.EqualTo(run.Metrics.Ndcg10).Within(1e-12), run.Name);
        }

        var e = report.Efficiency;
        Assert.That(e.Bm25Index!.SizeBytes, Is.GreaterThan(0));
        Assert.That(e.SpladeIndex!.SizeBytes, Is.GreaterThan(0));
        Assert.That(e.Bm25Search!.Queries, Is.EqualTo(3));
        Assert.That(e.SpladeSearch!.P99Ms, Is.GreaterThanOrEqualTo(e.SpladeSearch.P50Ms));
        Assert.That(e.DocumentEncoding!.SampleDocuments, Is.EqualTo(5));
        Assert.That(e.DocumentEncoding.TokenizationShare + e.DocumentEncoding.ModelAndPoolingShare + e.DocumentEncoding.IndexingShare, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(e.QueryEncoding!.Queries, Is.EqualTo(3));
        Assert.That(e.ShortQueryEncodingQuerySession!.Queries, Is.EqualTo(e.ShortQueryEncoding!.Queries), "the short queries, timed again on a query session");
        Assert.That(e.Sparsity!.DocumentTermsRaw, Is.GreaterThan(0));
        Assert.That(e.CorpusFromCache, Is.False);
        Assert.That(Directory.Exists(Path.Combine(output, "index-splade")), Is.False, "indexes are removed unless kept");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        Assert.That(json.RootElement.GetProperty("model").GetProperty("cacheKey").GetString(), Is.EqualTo(model.CacheKey));
        Assert.That(json.RootElement.GetProperty("options").GetProperty("quantizationScale").GetDouble(), Is.EqualTo(Lucene.Splade.Vectors.TermFrequencyQuantizer.DefaultScale));
        Assert.That(File.ReadAllText(Path.Combine(output, "report.md")), Does.Contain("| bm25 |"));
    }

    [Test]
    public void SecondRunWithOtherPruningReadsTheCacheAndNeverLoadsTheModel()
    {
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        using (var model = EmbeddedModel())
        {
            new Experiment(TestData.TinyCollection, model, cache, Path.Combine(_folder, "a")) { Progress = false }
                .Run(new ExperimentOptions { Runs = RunKinds.Splade, TimingDocuments = 0, TimingQueries = 0 });
        }

        using var again = EmbeddedModel();
        var report = new Experiment(TestData.TinyCollection, again, cache, Path.Combine(_folder, "b")) { Progress = false }
            .Run(new ExperimentOptions
            {
                Runs = RunKinds.Splade,
                TimingDocuments = 0,
                TimingQueries = 0,
                DocumentPruning = new Lucene.Splade.Vectors.PruningOptions { TopK = 8 },
                QueryPruning = new Lucene.Splade.Vectors.PruningOptions { TopK = 4 },
                QuantizationScale = 10,
            });

        Assert.That(again.IsLoaded, Is.False, "cached vectors: no ONNX session");
        Assert.That(report.Efficiency.CorpusFromCache, Is.True);
        Assert.That(report.Efficiency.Sparsity!.DocumentTermsIndexed, Is.LessThanOrEqualTo(8));
        Assert.That(report.Efficiency.Sparsity.QueryTermsUsed, Is.LessThanOrEqualTo(4));
    }

    [Test]
    public void SharedSpladeIndexIsReusedWhenOnlyQuerySettingsChange()
    {
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var index = Path.Combine(_folder, "shared-index");
        using var model = EmbeddedModel();
        var baseOptions = new ExperimentOptions { Runs = RunKinds.Splade, TimingDocuments = 0, TimingQueries = 0, SpladeIndexFolder = index };
        Report Run(ExperimentOptions o) => new Experiment(TestData.TinyCollection, model, cache, Path.Combine(_folder, "o")) { Progress = false }.Run(o);

        var first = Run(baseOptions);
        var queryChanged = Run(baseOptions with { QueryPruning = new Lucene.Splade.Vectors.PruningOptions { TopK = 3 } });
        var docsChanged = Run(baseOptions with { QuantizationScale = 70 });

        Assert.That(queryChanged.Efficiency.SpladeIndex!.Seconds, Is.EqualTo(first.Efficiency.SpladeIndex!.Seconds), "reused");
        Assert.That(docsChanged.Efficiency.SpladeIndex!.SizeBytes, Is.Not.EqualTo(first.Efficiency.SpladeIndex.SizeBytes), "rebuilt with scale 70");
        Assert.That(Directory.Exists(index), Is.True, "a shared index is kept");
    }

    [Test]
    public void SparsityCommandPrintsTermCountsForTheCorpusAndTheQueries()
    {
        var output = new StringWriter();
        var before = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        int exit;
        try
        {
            exit = CliApp.Create().Run(["sparsity", TestData.TinyCollection]);
        }
        finally
        {
            AnsiConsole.Console = before;
        }

        var text = output.ToString();
        Assert.That(exit, Is.EqualTo(0), text);

        // One row per side: its count, then an average number of terms that a real encoding gives (> 0).
        var documents = System.Text.RegularExpressions.Regex.Match(text, @"documents\s*│\s*(\d+)\s*│\s*([\d.]+)");
        var queries = System.Text.RegularExpressions.Regex.Match(text, @"queries \(test\)\s*│\s*(\d+)\s*│\s*([\d.]+)");
        Assert.That(documents.Success && queries.Success, Is.True, text);
        Assert.Multiple(() =>
        {
            Assert.That(int.Parse(documents.Groups[1].Value), Is.EqualTo(File.ReadLines(Path.Combine(TestData.TinyCollection, "corpus.jsonl")).Count(l => l.Trim().Length > 0)));
            Assert.That(double.Parse(documents.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(1));
            Assert.That(int.Parse(queries.Groups[1].Value), Is.GreaterThan(0));
            Assert.That(double.Parse(queries.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(1));
        });
    }

    [Test]
    public void CommandLineRunWritesReportAndRunFiles()
    {
        var output = Path.Combine(_folder, "cli");

        var exit = CliApp.Create().Run(["run", TestData.TinyCollection, "--runs", "bm25", "-o", output, "--no-progress"]);

        Assert.That(exit, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(output, "report.md")), Is.True);
        Assert.That(File.Exists(Path.Combine(output, "report.json")), Is.True);
        Assert.That(File.ReadAllLines(Path.Combine(output, "bm25.test.trec")), Is.Not.Empty);
    }

    [Test]
    public void CommandLineRejectsTuningOnTheEvaluatedSplit()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });

        var exit = CliApp.Create(console).Run(["run", TestData.TinyCollection, "--tune-split", "test", "-o", Path.Combine(_folder, "x"), "--no-progress", "--cache", Path.Combine(_folder, "c")]);

        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("The tuning split cannot be the evaluated split 'test'"));
        Assert.That(File.Exists(Path.Combine(_folder, "x", "bm25.test.trec")), Is.False, "nothing is evaluated");
    }

    [Test]
    public void SweepWritesTableJsonAndPlot()
    {
        var output = Path.Combine(_folder, "sweep");

        var exit = CliApp.Create().Run(["sweep", TestData.TinyCollection, "--param", "query-top-k", "--values", "2,8,none", "-o", output, "--no-progress", "--cache", Path.Combine(_folder, "cache")]);

        Assert.That(exit, Is.EqualTo(0));
        var png = File.ReadAllBytes(Path.Combine(output, "sweep.png"));
        Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }), "a PNG");
        Assert.That(File.ReadAllText(Path.Combine(output, "sweep.md")), Does.Contain("| 8 |").And.Contain("| bm25 |"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "sweep.json")));
        Assert.That(json.RootElement.GetProperty("points").GetArrayLength(), Is.EqualTo(3));
    }

    [Test]
    public void LeaveOneOutWritesFoldsAndEveryCandidate()
    {
        var root = Path.Combine(_folder, "collections");
        foreach (var name in new[] { "first", "second" })
        {
            CopyFolder(TestData.TinyCollection, Path.Combine(root, name));
        }

        var output = Path.Combine(_folder, "loo");
        var exit = CliApp.Create().Run(["loo", root, "--collections", "first,second", "-o", output, "--no-progress", "--cache", Path.Combine(_folder, "cache")]);

        Assert.That(exit, Is.EqualTo(0));
        var markdown = File.ReadAllText(Path.Combine(output, "loo.md"));
        Assert.That(markdown, Does.Contain("| first | ").And.Contain("| second | ").And.Contain("Chosen on all 2 collections"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "loo.json")));
        Assert.That(json.RootElement.GetProperty("folds").GetArrayLength(), Is.EqualTo(2));
        Assert.That(json.RootElement.GetProperty("candidates").GetArrayLength(), Is.EqualTo(1 + 2 * 21), "RRF, then min-max and z-score at weights 0, 0.05, ... 1");
        Assert.That(File.ReadAllLines(Path.Combine(output, "first", "splade.test.trec")), Is.Not.Empty);
    }

    [Test]
    public void LeaveOneOutNeedsTwoCollections()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        var root = Path.GetDirectoryName(TestData.TinyCollection)!;

        var exit = CliApp.Create(console).Run(["loo", root, "--collections", Path.GetFileName(TestData.TinyCollection), "-o", Path.Combine(_folder, "x")]);

        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("at least two different collections"));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Test]
    public void AdiFullRunFinishesInSeconds()
    {
        var shared = TestData.SharedDatasets();
        if (shared is null || !Directory.Exists(Path.Combine(shared, "adi")))
        {
            Assert.Ignore("The shared datasets are absent (looked for $LUCENE_SPLADE_DATASETS, else ../shared/datasets beside the folder of Lucene.Splade.sln); adi is not run.");
        }

        var clock = Stopwatch.StartNew();
        using var model = EmbeddedModel();
        // A cache that outlives the test run: the first run encodes adi's 82 documents, later runs read the vectors.
        var cache = new VectorCache(Path.Combine(Path.GetTempPath(), "lucene-splade-eval-tests", "cache"));
        var report = new Experiment(Path.Combine(shared!, "adi"), model, cache, Path.Combine(_folder, "adi")) { Progress = false }
            .Run(new ExperimentOptions { TimingDocuments = 0, TimingQueries = 0 }); // live encoding timings: see the tiny run
        var seconds = clock.Elapsed.TotalSeconds;

        Assert.That(report.Dataset.Documents, Is.EqualTo(82));
        Assert.That(report.Dataset.JudgedQueries, Is.EqualTo(35));
        Assert.That(report.Dataset.TuneSplit, Is.Null, "adi has only a test split");
        Assert.That(report.BestHybrid, Is.EqualTo(Lucene.Splade.Search.HybridFusion.Default.Name), "without a tuning split the hybrid is the library's default fusion");
        Assert.That(report.Runs, Has.Count.EqualTo(5));
        Assert.That(report.Runs[0].Metrics.Ndcg10, Is.InRange(0.2, 0.8), "BM25 on adi");
        Assert.That(seconds, Is.LessThan(report.Efficiency.CorpusFromCache ? 30 : 180), "seconds with cached vectors; a cold run encodes 82 documents");
        TestContext.Out.WriteLine($"adi: {seconds:F1} s ({(report.Efficiency.CorpusFromCache ? "cached vectors" : "encoded")}); " + string.Join("; ", report.Runs.Select(r => $"{r.Name} nDCG@10 {r.Metrics.Ndcg10:F4}")));
    }
}
