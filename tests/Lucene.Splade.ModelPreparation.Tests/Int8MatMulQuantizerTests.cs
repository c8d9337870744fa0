using System.Runtime.InteropServices;
using Google.Protobuf;
using Lucene.Splade.ModelPreparation;
using Lucene.Splade.Modeling;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Lucene.Splade.ModelPreparation.Tests;

/// <summary>The int8 rewrite of constant-weight MatMuls, on small graphs run by ONNX Runtime before and after.</summary>
public sealed class Int8MatMulQuantizerTests
{
    private const int Inner = 16;
    private const int Cols = 12;

    [Test]
    public void QuantizedGraphGivesTheFloatResultsWithinInt8Error()
    {
        var (model, w1, w2) = TwoMatMulsOnOneInput(seed: 3);
        var input = RandomMatrix(5, Inner, seed: 4);
        var expected = Run(model, input);

        var result = Int8MatMulQuantizer.Apply(model);
        var actual = Run(model, input);

        Assert.That(result.Quantized, Is.EqualTo(2));
        Assert.That(result.WeightBytesAfter, Is.LessThan(result.WeightBytesBefore / 3), "int8 weights are a quarter of the float ones, plus scales");
        foreach (var name in expected.Keys)
        {
            var scale = expected[name].Max(Math.Abs);
            for (var i = 0; i < expected[name].Length; i++)
            {
                Assert.That(actual[name][i], Is.EqualTo(expected[name][i]).Within(0.03 * scale), $"{name}[{i}]");
            }

            Assert.That(actual[name], Is.Not.EqualTo(expected[name]), "the results come from the int8 path, not the float one");
        }

        // An independent reference: activations and weights quantized here, then multiplied exactly.
        var reference = ReferenceInt8(input, 5, Inner, w1, Cols);
        for (var i = 0; i < reference.Length; i++)
        {
            Assert.That(actual["y1"][i], Is.EqualTo(reference[i]).Within(1e-4 * (1 + Math.Abs(reference[i]))), $"y1[{i}] against the reference");
        }

        _ = w2;
    }

    [Test]
    public void OneDynamicQuantizationServesEveryMatMulOfTheSameInputAndTheFloatWeightsAreGone()
    {
        var (model, _, _) = TwoMatMulsOnOneInput(seed: 5);

        Int8MatMulQuantizer.Apply(model);

        var ops = model.Graph.Node.Select(n => n.OpType).ToList();
        Assert.That(ops.Count(o => o == "DynamicQuantizeLinear"), Is.EqualTo(1));
        Assert.That(ops.Count(o => o == "MatMulInteger"), Is.EqualTo(2));
        Assert.That(ops, Has.None.EqualTo("MatMul"));
        Assert.That(model.Graph.Initializer.Select(t => t.Name), Has.None.EqualTo("w1").And.None.EqualTo("w2"));
        Assert.That(model.Graph.Initializer.Single(t => t.Name == "w1_int8").DataType, Is.EqualTo((int)TensorProto.Types.DataType.Int8));
    }

    [Test]
    public void NamedMatMulsStayInFloat()
    {
        var (model, _, _) = TwoMatMulsOnOneInput(seed: 6);
        var input = RandomMatrix(2, Inner, seed: 7);
        var expected = Run(model, input);

        var result = Int8MatMulQuantizer.Apply(model, keepFloat: new HashSet<string> { "mm2" });
        var actual = Run(model, input);

        Assert.That(result.Quantized, Is.EqualTo(1));
        Assert.That(result.KeptFloat, Is.EqualTo(new[] { "mm2" }));
        Assert.That(actual["y2"], Is.EqualTo(expected["y2"]), "the kept MatMul is untouched");
        Assert.That(model.Graph.Initializer.Select(t => t.Name), Has.Some.EqualTo("w2"));
    }

    [Test]
    public void PerChannelScalesKeepSmallColumnsAccurate()
    {
        // One column is 1000 times larger than the others: a single scale leaves the small columns a few levels.
        var values = RandomMatrix(Inner, Cols, seed: 8);
        for (var r = 0; r < Inner; r++)
        {
            values[(r * Cols) + 0] *= 1000;
        }

        double Error(bool perChannel)
        {
            var (q, scales) = Int8MatMulQuantizer.QuantizeWeights(values, Inner, Cols, perChannel);
            var worst = 0.0;
            for (var i = 0; i < values.Length; i++)
            {
                if (i % Cols != 0)
                {
                    worst = Math.Max(worst, Math.Abs((q[i] * scales[perChannel ? i % Cols : 0]) - values[i]));
                }
            }

            return worst;
        }

        Assert.That(Error(perChannel: true), Is.LessThan(0.01));
        Assert.That(Error(perChannel: false), Is.GreaterThan(0.5));
    }

    [Test]
    public void WeightsQuantizeSymmetricallyAndAllZeroColumnsSurvive()
    {
        var values = new float[] { 1.27f, 0f, -1.27f, 0f, 0.005f, 0f };
        var (q, scales) = Int8MatMulQuantizer.QuantizeWeights(values, rows: 3, cols: 2, perChannel: true);

        Assert.That(scales, Is.EqualTo(new[] { 0.01f, 1f }).Within(1e-7f));
        Assert.That(q, Is.EqualTo(new sbyte[] { 127, 0, -127, 0, 0, 0 }), "0.005 / 0.01 = 0.5 rounds to even (0)");
    }

    [Test]
    public void OldOpsetsAreRefused()
    {
        var (model, _, _) = TwoMatMulsOnOneInput(seed: 9);
        model.OpsetImport[0].Version = 10;

        Assert.That(() => Int8MatMulQuantizer.Apply(model), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("opset 10"));
    }

    [Test]
    public void AModelFolderIsCopiedWithAnInt8GraphOnceAndRebuiltWhenDamaged()
    {
        var root = Path.Combine(Path.GetTempPath(), "int8-folder-" + Guid.NewGuid().ToString("N"));
        try
        {
            var source = Path.Combine(root, "source");
            Directory.CreateDirectory(source);
            File.WriteAllBytes(Path.Combine(source, "model.onnx"), TwoMatMulsOnOneInput(seed: 10).Model.ToByteArray());
            File.WriteAllLines(Path.Combine(source, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "fish"]);
            File.WriteAllText(Path.Combine(source, "splade_config.json"), "{\"max_length\": 32}");
            var target = Path.Combine(root, "int8");

            var first = Int8ModelFolder.BuildIfNeeded(source, target);
            var second = Int8ModelFolder.BuildIfNeeded(source, target);

            Assert.That(first!.Quantized, Is.EqualTo(2));
            Assert.That(second, Is.Null, "an intact folder from the same inputs is left as it is");
            Assert.That(File.ReadAllText(Path.Combine(target, "vocab.txt")), Is.EqualTo(File.ReadAllText(Path.Combine(source, "vocab.txt"))));
            Assert.That(ModelFolderManifest.TryLoad(target)!.Files.Select(f => f.Name), Is.EquivalentTo(new[] { "model.onnx", "vocab.txt", "splade_config.json" }));
            var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(target, "model.onnx")));
            Assert.That(graph.Graph.Node.Select(n => n.OpType), Has.Some.EqualTo("MatMulInteger").And.None.EqualTo("MatMul"));

            File.WriteAllBytes(Path.Combine(target, "model.onnx"), [1, 2, 3]);
            Assert.That(Int8ModelFolder.BuildIfNeeded(source, target), Is.Not.Null, "a damaged folder is rebuilt");
            Assert.That(Int8ModelFolder.BuildIfNeeded(source, target, perChannel: false), Is.Not.Null, "other settings rebuild it");
            Assert.That(() => Int8ModelFolder.BuildIfNeeded(source, source), Throws.ArgumentException);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void ATiedDecoderComputedFromConstantsIsFoldedQuantizedAndItsChainRemoved()
    {
        // The heads' decoder: y = x (E - mean)^T, with E [cols, 16] also read by another node (the embedding lookup).
        var embedding = RandomMatrix(Cols, Inner, seed: 11);
        var mean = RandomMatrix(1, Inner, seed: 12);
        var graph = new GraphProto { Name = "tied" };
        graph.Input.Add(Value("x", -1, Inner));
        graph.Output.Add(Value("y", -1, Cols));
        graph.Output.Add(Value("e_copy", Cols, Inner));
        graph.Initializer.Add(Tensor("E", embedding, Cols, Inner));
        graph.Initializer.Add(Tensor("mean", mean, Inner));
        graph.Node.Add(Node("Sub", "centre", ["E", "mean"], "E_centred"));
        var transpose = Node("Transpose", "flip", ["E_centred"], "E_t");
        transpose.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 0 } });
        graph.Node.Add(transpose);
        graph.Node.Add(Node("MatMul", "decoder", ["x", "E_t"], "y"));
        graph.Node.Add(Node("Identity", "other_reader", ["E"], "e_copy"));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var input = RandomMatrix(3, Inner, seed: 13);
        var expected = Run(model, input);

        var result = Int8MatMulQuantizer.Apply(model);
        var actual = Run(model, input);

        Assert.That(result.Quantized, Is.EqualTo(1));
        Assert.That(model.Graph.Node.Select(n => n.OpType), Has.None.EqualTo("Sub").And.None.EqualTo("Transpose").And.None.EqualTo("MatMul"));
        Assert.That(model.Graph.Initializer.Select(t => t.Name), Has.Some.EqualTo("E").And.None.EqualTo("mean"), "E is still read; the mean is not");
        Assert.That(actual["e_copy"], Is.EqualTo(expected["e_copy"]));

        // The folded weight is (E - mean)^T: the int8 result matches a reference quantized from it.
        var weight = new float[Inner * Cols];
        for (var r = 0; r < Cols; r++)
        {
            for (var c = 0; c < Inner; c++)
            {
                weight[(c * Cols) + r] = embedding[(r * Inner) + c] - mean[c];
            }
        }

        var reference = ReferenceInt8(input, 3, Inner, weight, Cols);
        for (var i = 0; i < reference.Length; i++)
        {
            Assert.That(actual["y"][i], Is.EqualTo(reference[i]).Within(1e-4 * (1 + Math.Abs(reference[i]))), $"y[{i}]");
            Assert.That(actual["y"][i], Is.EqualTo(expected["y"][i]).Within(0.03 * expected["y"].Max(Math.Abs)), $"y[{i}] against float");
        }
    }

    [Test]
    public void AMatMulWhoseWeightIsComputedFromAnInputStaysInFloat()
    {
        var graph = new GraphProto { Name = "dynamic" };
        graph.Input.Add(Value("x", -1, Inner));
        graph.Input.Add(Value("w", Cols, Inner));
        graph.Output.Add(Value("y", -1, Cols));
        graph.Node.Add(Node("Transpose", "flip", ["w"], "w_t"));
        graph.Node.Add(Node("MatMul", "mm", ["x", "w_t"], "y"));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });

        var result = Int8MatMulQuantizer.Apply(model);

        Assert.That(result.Quantized, Is.Zero);
        Assert.That(model.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Transpose", "MatMul" }));
    }

    /// <summary>x [n, 16] feeds two MatMuls with constant weights: y1 = x w1, y2 = x w2.</summary>
    private static (ModelProto Model, float[] W1, float[] W2) TwoMatMulsOnOneInput(int seed)
    {
        var w1 = RandomMatrix(Inner, Cols, seed);
        var w2 = RandomMatrix(Inner, Cols, seed + 100);
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(Value("x", -1, Inner));
        graph.Output.Add(Value("y1", -1, Cols));
        graph.Output.Add(Value("y2", -1, Cols));
        graph.Initializer.Add(Tensor("w1", w1, Inner, Cols));
        graph.Initializer.Add(Tensor("w2", w2, Inner, Cols));
        graph.Node.Add(Node("MatMul", "mm1", ["x", "w1"], "y1"));
        graph.Node.Add(Node("MatMul", "mm2", ["x", "w2"], "y2"));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return (model, w1, w2);
    }

    private static Dictionary<string, float[]> Run(ModelProto model, float[] input)
    {
        using var session = new InferenceSession(model.ToByteArray());
        var rows = input.Length / Inner;
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input, [rows, Inner]))]);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }

    /// <summary>DynamicQuantizeLinear and symmetric per-column int8 weights, from their ONNX definitions.</summary>
    private static float[] ReferenceInt8(float[] a, int rows, int inner, float[] w, int cols)
    {
        var min = Math.Min(0f, a.Min());
        var max = Math.Max(0f, a.Max());
        var scale = (max - min) / 255f;
        var zero = (int)Math.Clamp(MathF.Round(-min / scale, MidpointRounding.ToEven), 0, 255);
        var aq = a.Select(v => (int)Math.Clamp(MathF.Round(v / scale, MidpointRounding.ToEven) + zero, 0, 255)).ToArray();
        var (wq, wScales) = Int8MatMulQuantizer.QuantizeWeights(w, inner, cols, perChannel: true);
        var y = new float[rows * cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                long sum = 0;
                for (var k = 0; k < inner; k++)
                {
                    sum += (aq[(r * inner) + k] - zero) * wq[(k * cols) + c];
                }

                y[(r * cols) + c] = sum * (scale * wScales[c]);
            }
        }

        return y;
    }

    private static float[] RandomMatrix(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * cols).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }

    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "n" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
