using Google.Protobuf;
using Lucene.Splade.ModelPreparation;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Lucene.Splade.ModelPreparation.Tests;

/// <summary>Raising a graph to opset 18: reductions take their axes as an input, and the results do not change.</summary>
public sealed class Opset18UpgradeTests
{
    [Test]
    public void ReductionsWithAxesAttributesGiveTheSameResultsAtOpset18()
    {
        var model = Reductions(opset: 13);
        var input = Enumerable.Range(0, 24).Select(i => (float)Math.Sin(i * 0.7)).ToArray();
        var expected = Run(model, input);

        var rewritten = Opset18Upgrade.Apply(model);

        Assert.That(rewritten, Is.EqualTo(2), "ReduceMean and ReduceMax had axes attributes; ReduceSum already takes an input");
        Assert.That(model.OpsetImport.Single().Version, Is.EqualTo(18));
        Assert.That(model.Graph.Node.SelectMany(n => n.Attribute).Select(a => a.Name), Has.None.EqualTo("axes"));
        var mean = model.Graph.Node.Single(n => n.OpType == "ReduceMean");
        Assert.That(mean.Input, Has.Count.EqualTo(2));
        Assert.That(model.Graph.Initializer.Single(t => t.Name == mean.Input[1]).Int64Data, Is.EqualTo(new long[] { -1 }));
        var actual = Run(model, input);
        foreach (var name in expected.Keys)
        {
            Assert.That(actual[name], Is.EqualTo(expected[name]), name);
        }
    }

    [Test]
    public void AGraphAtOpset18IsLeftAsItIs()
    {
        var model = Reductions(opset: 13);
        Opset18Upgrade.Apply(model);
        var before = model.ToByteArray();

        Assert.That(Opset18Upgrade.Apply(model), Is.Zero);
        Assert.That(model.ToByteArray(), Is.EqualTo(before));
    }

    [Test]
    public void OpsetsBelow13AreRefused()
    {
        var model = Reductions(opset: 12);

        Assert.That(() => Opset18Upgrade.Apply(model), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("opset 12"));
    }

    /// <summary>x [2, 3, 4] -> mean over the last axis, max over axis 1, sum over axis 1 (input-style since 13).</summary>
    private static ModelProto Reductions(long opset)
    {
        var graph = new GraphProto { Name = "reductions" };
        graph.Input.Add(Value("x", 2, 3, 4));
        graph.Output.Add(Value("mean", 2, 3, 1));
        graph.Output.Add(Value("max", 2, 4));
        graph.Output.Add(Value("sum", 2, 1, 4));
        graph.Node.Add(Node("ReduceMean", ["x"], "mean", ("axes", new long[] { -1 }), ("keepdims", 1L)));
        graph.Node.Add(Node("ReduceMax", ["x"], "max", ("axes", new long[] { 1 }), ("keepdims", 0L)));
        var axis = new TensorProto { Name = "sum_axes", DataType = (int)TensorProto.Types.DataType.Int64 };
        axis.Dims.Add(1);
        axis.Int64Data.Add(1);
        graph.Initializer.Add(axis);
        graph.Node.Add(Node("ReduceSum", ["x", "sum_axes"], "sum", ("keepdims", 1L)));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private static NodeProto Node(string op, string[] inputs, string output, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "/" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (name, value) in attributes)
        {
            var attribute = new AttributeProto { Name = name };
            if (value is long[] ints)
            {
                attribute.Type = AttributeProto.Types.AttributeType.Ints;
                attribute.Ints.AddRange(ints);
            }
            else
            {
                attribute.Type = AttributeProto.Types.AttributeType.Int;
                attribute.I = (long)value;
            }

            node.Attribute.Add(attribute);
        }

        return node;
    }

    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static Dictionary<string, float[]> Run(ModelProto model, float[] input)
    {
        using var session = new InferenceSession(model.ToByteArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input, [2, 3, 4]))]);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }
}
