using Lucene.Splade.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Lucene.Splade.ModelPreparation.Tests;

[TestFixture]
public sealed class MlmHeadTests
{
    private const int Hidden = 384;
    private const int Vocab = 30522;

    [Test]
    public void SafetensorsReaderDecodesF32F16AndBf16()
    {
        var path = Path.Combine(BuildTestSupport.Root, "dtypes.safetensors");
        WriteSafetensors(path, new() { ["a"] = ([1.5f, -2f], "F32"), ["b"] = ([0.25f, 3f], "F16"), ["c"] = ([-0.5f, 8f], "BF16") });

        var tensors = MlmHeadWeights.ReadSafetensors(path);

        Assert.That(tensors["a"], Is.EqualTo(new[] { 1.5f, -2f }));
        Assert.That(tensors["b"], Is.EqualTo(new[] { 0.25f, 3f }));
        Assert.That(tensors["c"], Is.EqualTo(new[] { -0.5f, 8f }));
    }

    [Test]
    public void MissingHeadTensorIsNamed()
    {
        var path = Path.Combine(BuildTestSupport.Root, "incomplete.safetensors");
        WriteSafetensors(path, new() { ["transform.dense.weight"] = (new float[4], "F32") });

        var e = Assert.Throws<InvalidDataException>(() => MlmHeadWeights.Load(path));

        Assert.That(e!.Message, Does.Contain("transform.dense.bias"));
    }

    [Test]
    public void TopLayerPatchWritesLinearWeightsTransposedAndNamedTensorsByName()
    {
        var model = EmbeddedModelBuilder.ReadModel(BuildTestSupport.MiniLmAssembly);
        var untouched = EncoderLayerPatch.Read(model, "encoder.layer.4.attention.self.query.weight");
        var random = new Random(7);
        var query = Enumerable.Range(0, Hidden * Hidden).Select(_ => (float)random.NextDouble()).ToArray();
        var intermediate = Enumerable.Range(0, 1536 * Hidden).Select(_ => (float)random.NextDouble()).ToArray();
        var norm = Enumerable.Range(0, Hidden).Select(i => (float)i).ToArray();

        EncoderLayerPatch.Apply(model, new Dictionary<string, float[]>
        {
            ["encoder.layer.5.attention.self.query.weight"] = query,
            ["encoder.layer.5.intermediate.dense.weight"] = intermediate,
            ["encoder.layer.5.output.LayerNorm.bias"] = norm,
        }, "test");

        Assert.That(EncoderLayerPatch.Read(model, "encoder.layer.5.attention.self.query.weight"), Is.EqualTo(query));
        Assert.That(EncoderLayerPatch.Read(model, "encoder.layer.5.intermediate.dense.weight"), Is.EqualTo(intermediate));
        Assert.That(EncoderLayerPatch.Read(model, "encoder.layer.5.output.LayerNorm.bias"), Is.EqualTo(norm));
        Assert.That(EncoderLayerPatch.Read(model, "encoder.layer.4.attention.self.query.weight"), Is.EqualTo(untouched));
        // Stored as ONNX MatMul [in, out]: element (out 1, in 0) of the PyTorch layout sits at [0, 1].
        const string bias = "encoder.layer.5.intermediate.dense.bias";
        var add = model.Graph.Node.Single(n => n.OpType == "Add" && n.Input.Contains(bias));
        var matmul = model.Graph.Node.Single(n => n.Output.Contains(add.Input.Single(i => i != bias)));
        var stored = model.Graph.Initializer.Single(t => t.Name == matmul.Input[1]);
        Assert.That(stored.Dims, Is.EqualTo(new long[] { Hidden, 1536 }));
        Assert.That(SpladeHeadGraph.ReadFloats(stored, Hidden * 1536)[1], Is.EqualTo(intermediate[Hidden]));
    }

    [Test]
    public void TopLayerPatchRefusesTensorsThatDoNotFit()
    {
        var model = EmbeddedModelBuilder.ReadModel(BuildTestSupport.MiniLmAssembly);

        var unknown = Assert.Throws<InvalidDataException>(() => EncoderLayerPatch.Apply(model, new Dictionary<string, float[]> { ["encoder.layer.9.output.LayerNorm.bias"] = new float[Hidden] }, "f.safetensors"));
        var size = Assert.Throws<InvalidDataException>(() => EncoderLayerPatch.Apply(model, new Dictionary<string, float[]> { ["encoder.layer.5.output.dense.weight"] = new float[10] }, "f.safetensors"));
        var other = Assert.Throws<InvalidDataException>(() => EncoderLayerPatch.Apply(model, new Dictionary<string, float[]> { ["cls.predictions.bias"] = new float[10] }, "f.safetensors"));

        Assert.That(unknown!.Message, Does.Contain("encoder.layer.9.output.LayerNorm.bias").And.Contain("f.safetensors"));
        Assert.That(size!.Message, Does.Contain("10 values"));
        Assert.That(other!.Message, Does.Contain("not an encoder layer parameter"));
    }

    [Test]
    public void TopLayersBesideAHeadGoIntoTheEncoder()
    {
        var folder = Path.Combine(BuildTestSupport.Root, "head-with-layers");
        Directory.CreateDirectory(folder);
        var random = new Random(3);
        float[] Values(int n, float scale, float offset = 0) => Enumerable.Range(0, n).Select(_ => offset + (scale * (float)(random.NextDouble() - 0.5))).ToArray();
        var path = Path.Combine(folder, "head.safetensors");
        WriteSafetensors(path, new()
        {
            ["cls.predictions.transform.dense.weight"] = (Values(Hidden * Hidden, 0.1f), "F32"),
            ["cls.predictions.transform.dense.bias"] = (Values(Hidden, 0.1f), "F32"),
            ["cls.predictions.transform.LayerNorm.weight"] = (Values(Hidden, 0.1f, 1), "F32"),
            ["cls.predictions.transform.LayerNorm.bias"] = (Values(Hidden, 0.1f), "F32"),
            ["cls.predictions.bias"] = (Values(Vocab, 1f, -2), "F32"),
        });
        var norm = Values(Hidden, 0.2f);
        WriteSafetensors(Path.Combine(folder, EmbeddedTrainedHead.TopLayersFileName), new() { ["encoder.layer.5.output.LayerNorm.bias"] = (norm, "F32") });

        var built = BuildTestSupport.Build("head-with-layers-model", EmbeddedHeadChoice.FromFile(path));

        using var stream = File.OpenRead(Path.Combine(built, EmbeddedModelBuilder.ModelFileName));
        var model = Onnx.ModelProto.Parser.ParseFrom(stream);
        Assert.That(EncoderLayerPatch.Read(model, "encoder.layer.5.output.LayerNorm.bias"), Is.EqualTo(norm));
    }

    [Test]
    public void TrainedHeadGraphEqualsHostComputation()
    {
        var random = new Random(12345);
        float[] Normal(int n, double scale, double offset = 0) => Enumerable.Range(0, n).Select(_ => (float)(offset + (scale * Gaussian(random)))).ToArray();
        var dense = Normal(Hidden * Hidden, 0.05);
        var denseBias = Normal(Hidden, 0.1);
        var gamma = Normal(Hidden, 0.1, 1);
        var beta = Normal(Hidden, 0.1);
        var bias = Normal(Vocab, 0.5, -1);

        // Hugging Face names, with the dense weight in F16 as a half-precision export would have it.
        var path = Path.Combine(BuildTestSupport.Root, "head.safetensors");
        WriteSafetensors(path, new()
        {
            ["cls.predictions.transform.dense.weight"] = (dense, "F16"),
            ["cls.predictions.transform.dense.bias"] = (denseBias, "F32"),
            ["cls.predictions.transform.LayerNorm.weight"] = (gamma, "F32"),
            ["cls.predictions.transform.LayerNorm.bias"] = (beta, "F32"),
            ["cls.predictions.bias"] = (bias, "F32"),
        });
        dense = dense.Select(x => (float)(Half)x).ToArray();

        var folder = BuildTestSupport.Build("random-head", EmbeddedHeadChoice.FromFile(path));

        var (embedding, _, _) = BuildTestSupport.WordEmbeddings();
        var vocabulary = Vocabulary.Load(Path.Combine(folder, EmbeddedModelBuilder.VocabularyFileName));
        var unknown = vocabulary.TryGetId("[UNK]", out var unk) ? unk : -1;

        // A [UNK] piece, which the pooling leaves out.
        int[][] batch = [BuildTestSupport.WithUnknown(BuildTestSupport.Tokenize("Vitamin D and bone density."), unknown, 3), BuildTestSupport.Tokenize("A short one")];
        using var original = new InferenceSession(BuildTestSupport.OriginalModelPath);
        var (states, shape) = BuildTestSupport.Run(original, "last_hidden_state", batch);
        var expected = BuildTestSupport.HostPooling(states, shape[0], shape[1], Hidden, batch, h => Logits(h, dense, denseBias, gamma, beta, embedding, bias), 0, vocabulary.IsExcludedTerm, unknown);

        using var session = new InferenceSession(Path.Combine(folder, EmbeddedModelBuilder.ModelFileName));
        var (actual, _) = BuildTestSupport.Run(session, "splade_weights", batch);

        Assert.That(expected.Sum(e => e.Count(w => w > 0)), Is.GreaterThan(100), "random weights must give a non-trivial reference");
        for (var b = 0; b < batch.Length; b++)
        {
            for (var j = 0; j < Vocab; j++)
            {
                Assert.That(actual[(b * Vocab) + j], Is.EqualTo(expected[b][j]).Within(1e-4), $"text {b}, term {j}");
            }
        }
    }

    private static double[] Logits(double[] h, float[] dense, float[] denseBias, float[] gamma, float[] beta, float[] embedding, float[] bias)
    {
        var x = new double[Hidden];
        for (var o = 0; o < Hidden; o++)
        {
            double sum = denseBias[o];
            for (var i = 0; i < Hidden; i++)
            {
                sum += dense[(o * Hidden) + i] * h[i];
            }

            x[o] = 0.5 * sum * (1 + Erf(sum / Math.Sqrt(2)));
        }

        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / Hidden;
        var ln = x.Select((v, i) => ((v - mean) / Math.Sqrt(variance + 1e-12) * gamma[i]) + beta[i]).ToArray();
        var logits = new double[Vocab];
        for (var j = 0; j < Vocab; j++)
        {
            double sum = bias[j];
            for (var i = 0; i < Hidden; i++)
            {
                sum += ln[i] * embedding[(j * Hidden) + i];
            }

            logits[j] = sum;
        }

        return logits;
    }

    /// <summary>Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7; .NET has no erf).</summary>
    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + (0.3275911 * x));
        var poly = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        var y = 1 - (poly * Math.Exp(-x * x));
        return sign * y;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void WriteSafetensors(string path, Dictionary<string, (float[] Values, string Dtype)> tensors) =>
        Lucene.Splade.Tests.Support.SafetensorsTestFile.Write(path, tensors);
}
