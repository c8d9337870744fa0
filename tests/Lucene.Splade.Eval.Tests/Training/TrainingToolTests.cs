using System.Text.Json;
using Lucene.Splade.Encoders;
using Lucene.Splade.Eval.Tests.Support;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Tests.Training;

/// <summary>
/// The Python training tool (eval/Lucene.Splade.Training): its own unit tests, and a tiny end-to-end training whose
/// model folder the C# library loads and encodes with the same weights Python computes.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TrainingToolTests
{
    private string _root = "";
    private string _model = "";

    [OneTimeSetUp]
    public void TrainTinyModel()
    {
        PythonTool.RequireInterpreter();
        _root = Path.Combine(Path.GetTempPath(), "splade-train-test-" + Guid.NewGuid().ToString("N"));
        var fixtures = PythonTool.Run("-m", "splade_train.tiny", _root);
        Assert.That(fixtures.ExitCode, Is.Zero, fixtures.Error);
        _model = Path.Combine(_root, "model");
        var train = PythonTool.Run("-m", "splade_train", "train",
            "--encoder", Path.Combine(_root, "encoder"),
            "--corpus", Path.Combine(_root, "data", "corpus.jsonl"),
            "--pairs", Path.Combine(_root, "data", "pairs.tsv"),
            "--holdout", "0", "--steps", "40", "--batch-size", "6", "--learning-rate", "3e-3", "--lambda-warmup", "10",
            "--max-length", "64", "--cache", "", "--threads", "1", "--quiet", "--out", _model,
            "--init-z", "0.5", "--lambda-d", "1e-4", "--lambda-q", "1e-4");
        Assert.That(train.ExitCode, Is.Zero, train.Error);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        if (_root.Length > 0 && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    public void PythonUnitTestsPass()
    {
        var (code, _, error) = PythonTool.Run("-m", "unittest", "discover", "-s", "tests", "-v");
        var summary = error.Split('\n').LastOrDefault(l => l.StartsWith("Ran ", StringComparison.Ordinal)) ?? "(no summary)";
        Assert.That(code, Is.Zero, error);
        Assert.That(error, Does.Contain("\nOK"), summary);
        TestContext.Out.WriteLine("python unittest: " + summary);
    }

    [Test]
    public void TrainedFolderEncodesInCSharpAsInPython()
    {
        const string text = "where do whales and dolphins live";
        using var encoder = SpladeEncoder.Load(_model);
        var ours = encoder.EncodeQuery(text);
        var theirs = PythonWeights("--model", _model, "--max-length", "64", text);

        Assert.That(ours.IsEmpty, Is.False, "the trained tiny model gives the query no terms");
        AssertSameWeights(ours, theirs, id => encoder.Vocabulary[id]);
    }

    [Test]
    public void InferenceFreeWeightsMatchPython()
    {
        const string text = "how do astronauts reach orbit orbit";
        var ours = InferenceFreeQueryEncoder.Load(_model).EncodeQuery(text);
        var theirs = PythonWeights("--model", _model, "--max-length", "64", "--inference-free", text);

        Assert.That(ours.IsEmpty, Is.False);
        using var encoder = SpladeEncoder.Load(_model);
        AssertSameWeights(ours, theirs, id => encoder.Vocabulary[id]);
    }

    [Test]
    public void TrainingRecordDescribesTheRun()
    {
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(_model, "training.json")));
        var root = record.RootElement;
        Assert.That(root.GetProperty("pairs").GetProperty("labeled_train").GetInt32(), Is.EqualTo(18));
        Assert.That(root.GetProperty("config").GetProperty("steps").GetInt32(), Is.EqualTo(40));
        Assert.That(root.GetProperty("history").GetArrayLength(), Is.EqualTo(2));

        // The record is committed with the weights: inputs by name and hash, no folder of the machine that trained.
        var source = root.GetProperty("sources")[0];
        Assert.That(source.GetProperty("corpus").GetString(), Is.EqualTo("data/corpus.jsonl"));
        Assert.That(source.GetProperty("sha256").GetString(), Has.Length.EqualTo(64));
        Assert.That(source.GetProperty("pairs").GetProperty("pairs").GetString(), Is.EqualTo("data/pairs.tsv"));
        var text = File.ReadAllText(Path.Combine(_model, "training.json"));
        Assert.That(text, Does.Not.Contain(_root.Replace("\\", "\\\\")).And.Not.Contain(Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar)));
    }

    [Test]
    public void LeaveOneOutTrainsEachFoldWithoutItsCollectionAndEvaluatesWithTheHarness()
    {
        var datasets = Path.Combine(_root, "loo-datasets");
        foreach (var name in new[] { "first", "second" })
        {
            foreach (var file in Directory.GetFiles(TestData.TinyCollection, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(datasets, name, Path.GetRelativePath(TestData.TinyCollection, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        var output = Path.Combine(_root, "loo");
        var harness = $"dotnet \"{typeof(Lucene.Splade.Eval.Commands.CliApp).Assembly.Location}\"";
        var (code, _, error) = PythonTool.Run("-m", "splade_train", "loo", "--datasets", datasets, "--collections", "first,second",
            "--out", output, "--harness", harness, "--eval-cache", Path.Combine(_root, "loo-cache"), "--quiet", "--",
            "--encoder", Path.Combine(_root, "encoder"), "--steps", "4", "--batch-size", "4", "--holdout", "0", "--max-length", "64",
            "--cache", "", "--threads", "1", "--quiet", "--no-inference-free");

        Assert.That(code, Is.Zero, error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "loo.json")));
        var folds = json.RootElement.GetProperty("folds").EnumerateArray().ToList();
        Assert.That(folds.Select(f => f.GetProperty("held_out").GetString()), Is.EqualTo(new[] { "first", "second" }));
        Assert.That(folds.Select(f => f.GetProperty("bm25").GetDouble()), Has.All.InRange(0.0, 1.0));
        foreach (var fold in new[] { "first", "second" })
        {
            using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, fold, "training.json")));
            var trainedOn = record.RootElement.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("collection").GetString()).ToList();
            Assert.That(trainedOn, Is.EqualTo(new[] { fold == "first" ? "second" : "first" }), "a fold never sees its held-out collection");
            Assert.That(File.Exists(Path.Combine(output, fold, "eval", "report.json")), Is.True);
        }

        Assert.That(File.ReadAllText(Path.Combine(output, "loo.md")), Does.Contain("| first | ").And.Contain("| mean | "));
    }

    private static Dictionary<string, float> PythonWeights(params string[] arguments)
    {
        var (code, output, error) = PythonTool.Run(["-m", "splade_train", "encode", .. arguments]);
        Assert.That(code, Is.Zero, error);
        using var json = JsonDocument.Parse(output.Trim());
        return json.RootElement.GetProperty("weights").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
    }

    /// <summary>
    /// The same terms with the same weights, within ONNX Runtime's float tolerance (1e-3); only a term whose weight
    /// is itself within that tolerance of zero may be on one side only. Both sides must hold terms to compare.
    /// </summary>
    private static void AssertSameWeights(SparseVector ours, Dictionary<string, float> theirs, Func<int, string> token)
    {
        var mine = new Dictionary<string, float>();
        for (var i = 0; i < ours.Count; i++)
        {
            mine[token(ours.TermIds[i])] = ours.Weights[i];
        }

        Assert.That(theirs.Count(t => t.Value > 1e-3f), Is.GreaterThan(0), "Python gave no terms to compare with");
        Assert.That(mine.Count(t => t.Value > 1e-3f), Is.GreaterThan(0), "C# gave no terms to compare with");
        Assert.Multiple(() =>
        {
            foreach (var term in theirs.Keys.Union(mine.Keys))
            {
                var theirWeight = theirs.GetValueOrDefault(term);
                var myWeight = mine.GetValueOrDefault(term);
                Assert.That(myWeight, Is.EqualTo(theirWeight).Within(1e-3), $"term '{term}': C# {myWeight}, Python {theirWeight}");
            }
        });
    }
}
