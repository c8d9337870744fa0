using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Onnx;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// Replaces encoder layer weights in a Hugging Face BERT ONNX export with trained ones (the
/// <c>top_layers.safetensors</c> the training tool writes when it trains the encoder's top layers with the head).
/// </summary>
/// <remarks>
/// Hand-written because no library edits ONNX initializers by Hugging Face parameter name. Biases and LayerNorm
/// parameters keep their names in the export (<c>encoder.layer.5.output.LayerNorm.weight</c>), so they are replaced by
/// name. The linear layers' weights are anonymous (<c>onnx::MatMul_925</c>); each feeds a MatMul whose output goes to
/// an Add with the named bias, so the weight is found by following the graph from that bias, as the training tool
/// does when it reads the encoder. Tensors come in PyTorch's <c>[out, in]</c> layout; ONNX MatMul wants <c>[in, out]</c>.
/// </remarks>
internal static partial class EncoderLayerPatch
{
    private static readonly string[] LinearParts =
    [
        "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
        "intermediate.dense", "output.dense",
    ];

    /// <summary>Writes every tensor of <paramref name="tensors"/> into the graph's matching initializer.</summary>
    /// <param name="model">The encoder graph, changed in place.</param>
    /// <param name="tensors">Tensors named <c>encoder.layer.N.*</c> (PyTorch layout), as float values.</param>
    /// <param name="source">Where the tensors come from, for error messages.</param>
    /// <exception cref="InvalidDataException">A tensor names no parameter of the graph, or its size does not fit.</exception>
    public static void Apply(ModelProto model, IReadOnlyDictionary<string, float[]> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var parameters = new Parameters(model);
        foreach (var (name, values) in tensors)
        {
            var (target, transposed) = parameters.Locate(name, source);
            Write(target, values, transposed, name, source);
        }
    }

    /// <summary>The graph's current value of an encoder layer parameter, in PyTorch layout (for checks and tests).</summary>
    public static float[] Read(ModelProto model, string name)
    {
        var (tensor, transposed) = new Parameters(model).Locate(name, "the encoder graph");
        var values = SpladeHeadGraph.ReadFloats(tensor, checked((int)tensor.Dims.Aggregate(1L, (a, b) => a * b)));
        return transposed is { } shape ? Transpose(values, rows: shape.In, cols: shape.Out) : values;
    }

    /// <summary>Initializers and the node links needed to find a parameter's tensor.</summary>
    private sealed class Parameters
    {
        private readonly Dictionary<string, TensorProto> _initializers;
        private readonly Dictionary<string, NodeProto> _producers = [];
        private readonly Dictionary<string, List<NodeProto>> _consumers = [];

        public Parameters(ModelProto model)
        {
            ArgumentNullException.ThrowIfNull(model);
            _initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
            foreach (var node in model.Graph.Node)
            {
                foreach (var output in node.Output)
                {
                    _producers[output] = node;
                }

                foreach (var input in node.Input)
                {
                    if (!_consumers.TryGetValue(input, out var list))
                    {
                        _consumers[input] = list = [];
                    }

                    list.Add(node);
                }
            }
        }

        /// <summary>The tensor holding parameter <paramref name="name"/>, and its (out, in) shape when the graph stores
        /// it transposed (a linear layer's MatMul weight).</summary>
        public (TensorProto Tensor, (int Out, int In)? Transposed) Locate(string name, string source)
        {
            if (!LayerParameter().IsMatch(name))
            {
                throw new InvalidDataException($"'{source}': tensor '{name}' is not an encoder layer parameter (encoder.layer.N.*).");
            }

            var linear = LinearParts.FirstOrDefault(p => name.EndsWith("." + p + ".weight", StringComparison.Ordinal));
            if (linear is null)
            {
                return _initializers.TryGetValue(name, out var named)
                    ? (named, null)
                    : throw new InvalidDataException($"'{source}': the encoder graph has no parameter '{name}'.");
            }

            var bias = name[..^".weight".Length] + ".bias";
            var weight = FindMatMulWeight(bias, _initializers, _producers, _consumers);
            if (weight is null || weight.Dims.Count != 2)
            {
                throw new InvalidDataException($"'{source}': cannot find the weight of '{name}' in the encoder graph (no MatMul feeding an Add with '{bias}').");
            }

            return (weight, (checked((int)weight.Dims[1]), checked((int)weight.Dims[0])));
        }
    }

    private static TensorProto? FindMatMulWeight(string bias, Dictionary<string, TensorProto> initializers,
        Dictionary<string, NodeProto> producers, Dictionary<string, List<NodeProto>> consumers)
    {
        if (!consumers.TryGetValue(bias, out var adds))
        {
            return null;
        }

        foreach (var add in adds.Where(n => n.OpType == "Add"))
        {
            foreach (var input in add.Input.Where(i => i != bias))
            {
                if (!producers.TryGetValue(input, out var matmul) || matmul.OpType != "MatMul" || matmul.Input.Count != 2
                    || !initializers.TryGetValue(matmul.Input[1], out var weight))
                {
                    continue;
                }

                // A weight shared with another node would change that node too: refuse rather than guess.
                return consumers[weight.Name].Count == 1 ? weight : null;
            }
        }

        return null;
    }

    private static void Write(TensorProto target, float[] values, (int Out, int In)? transposeFrom, string name, string source)
    {
        if (target.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"'{source}': the graph's '{target.Name}' (for '{name}') is not a float tensor.");
        }

        var count = target.Dims.Aggregate(1L, (a, b) => a * b);
        if (values.Length != count)
        {
            throw new InvalidDataException($"'{source}': '{name}' has {values.Length} values; the graph's tensor [{string.Join(", ", target.Dims)}] has {count}.");
        }

        // PyTorch [out, in] -> ONNX MatMul [in, out].
        var data = transposeFrom is { } shape ? Transpose(values, rows: shape.Out, cols: shape.In) : values;
        target.FloatData.Clear();
        target.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
    }

    private static float[] Transpose(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                result[(c * rows) + r] = values[(r * cols) + c];
            }
        }

        return result;
    }

    [GeneratedRegex(@"^encoder\.layer\.\d+\..+$")]
    private static partial Regex LayerParameter();
}
