using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Lucene.Splade.ModelPreparation;

/// <summary>What <see cref="Int8MatMulQuantizer.Apply"/> changed.</summary>
/// <param name="Quantized">MatMuls rewritten to int8.</param>
/// <param name="KeptFloat">Names of the MatMuls with constant weights left in float (asked for, or not 2-D float weights).</param>
/// <param name="WeightBytesBefore">Bytes of the float weights that were quantized.</param>
/// <param name="WeightBytesAfter">Bytes of their int8 weights, scales and zero points.</param>
internal sealed record Int8QuantizationResult(int Quantized, IReadOnlyList<string> KeptFloat, long WeightBytesBefore, long WeightBytesAfter);

/// <summary>
/// Rewrites every <c>MatMul</c> whose second input is a constant 2-D float matrix into int8 with dynamic activation
/// quantization: <c>DynamicQuantizeLinear(A) -&gt; MatMulInteger(A_q, W_q) -&gt; Cast -&gt; Mul(A_scale x W_scale)</c>.
/// </summary>
/// <remarks>
/// <para>
/// This is the graph ONNX Runtime's own dynamic quantizer writes (Python, <c>quantize_dynamic</c>), which no .NET
/// library offers: the rewrite is hand-written on the ONNX protobuf (OnnxSharp), like the SPLADE head. ONNX Runtime's
/// graph optimizer fuses the pattern into <c>MatMulIntegerToFloat</c>, whose CPU kernel (MLAS, u8 x s8) uses
/// AVX-512 VNNI / AVX-VNNI where the CPU has it.
/// </para>
/// <para>
/// Weights are quantized symmetrically to [-127, 127] with one scale per output column (per channel) or one for the
/// whole matrix; activations are quantized per tensor at run time (uint8 with a zero point). Several MatMuls that read
/// the same activation (query, key and value) share one <c>DynamicQuantizeLinear</c>.
/// </para>
/// </remarks>
internal static class Int8MatMulQuantizer
{
    private const string Suffix = "_int8";

    /// <summary>Quantizes the model's constant-weight MatMuls in place.</summary>
    /// <param name="model">The model, changed in place.</param>
    /// <param name="keepFloat">Names of MatMul nodes (or of their weight initializers) to leave in float.</param>
    /// <param name="perChannel">One scale per output column (true) or one per matrix.</param>
    /// <param name="floatDownProjections">
    /// Leave in float every MatMul whose weight has more rows than columns: in a transformer, the feed-forward output
    /// projection, whose input (after GELU) has the long-tailed range that one uint8 scale per tensor resolves worst.
    /// </param>
    /// <returns>What was changed.</returns>
    /// <exception cref="InvalidDataException">The model's opset is below 11 (no <c>DynamicQuantizeLinear</c>).</exception>
    public static Int8QuantizationResult Apply(ModelProto model, IReadOnlySet<string>? keepFloat = null, bool perChannel = true, bool floatDownProjections = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opset = model.OpsetImport.FirstOrDefault(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx")?.Version ?? 0;
        if (opset < 11)
        {
            throw new InvalidDataException($"The graph declares ONNX opset {opset}; int8 quantization needs opset 11 or later (DynamicQuantizeLinear).");
        }

        keepFloat ??= new HashSet<string>();
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var nodes = graph.Node.ToList();
        var rewritten = new List<NodeProto>(nodes.Count + 16);
        var quantizedActivations = new Dictionary<string, (string Q, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        var quantizedWeights = new Dictionary<string, (string Q, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        var kept = new List<string>();
        long before = 0, after = 0;
        var count = 0;

        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        var folded = new HashSet<NodeProto>();
        foreach (var node in nodes)
        {
            if (node.OpType != "MatMul" || !string.IsNullOrEmpty(node.Domain) || node.Input.Count != 2)
            {
                rewritten.Add(node);
                continue;
            }

            var weightName = node.Input[1];
            var chain = new List<NodeProto>();
            var constant = ConstantMatrix.TryResolve(weightName, initializers, producers, chain);
            if (constant is null)
            {
                if (initializers.ContainsKey(weightName))
                {
                    kept.Add(node.Name); // a constant, but not a 2-D float matrix
                }

                rewritten.Add(node);
                continue;
            }

            if (keepFloat.Contains(node.Name) || keepFloat.Contains(weightName) || (floatDownProjections && constant.Value.Rows > constant.Value.Cols))
            {
                kept.Add(node.Name);
                rewritten.Add(node);
                continue;
            }

            folded.UnionWith(chain);
            if (!quantizedWeights.TryGetValue(weightName, out var w))
            {
                var (values, rows, cols) = constant.Value;
                var (q, scales) = QuantizeWeights(values, rows, cols, perChannel);
                w = (AddInitializer(graph, weightName + Suffix, q, rows, cols),
                     AddInitializer(graph, weightName + "_scale", scales, perChannel ? [cols] : []),
                     AddInitializer(graph, weightName + "_zero_point", new sbyte[scales.Length], perChannel ? [cols] : []));
                quantizedWeights[weightName] = w;
                before += 4L * values.Length;
                after += q.Length + (5L * scales.Length);
            }

            var input = node.Input[0];
            if (!quantizedActivations.TryGetValue(input, out var a))
            {
                var prefix = input + "_dq";
                a = (prefix + "_q", prefix + "_scale", prefix + "_zero_point");
                rewritten.Add(NewNode("DynamicQuantizeLinear", prefix, [input], [a.Q, a.Scale, a.ZeroPoint]));
                quantizedActivations[input] = a;
            }

            var output = node.Output[0];
            var name = string.IsNullOrEmpty(node.Name) ? output : node.Name;
            rewritten.Add(NewNode("MatMulInteger", name + "_int", [a.Q, w.Q, a.ZeroPoint, w.ZeroPoint], [output + "_int32"]));
            var cast = NewNode("Cast", name + "_cast", [output + "_int32"], [output + "_float"]);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
            rewritten.Add(cast);
            rewritten.Add(NewNode("Mul", name + "_scales", [a.Scale, w.Scale], [output + "_scale"]));
            rewritten.Add(NewNode("Mul", name + "_rescale", [output + "_float", output + "_scale"], [output]));
            count++;
        }

        graph.Node.Clear();
        graph.Node.AddRange(rewritten);
        RemoveDeadNodes(graph, folded);
        RemoveUnusedInitializers(graph, quantizedWeights.Keys.Concat(folded.SelectMany(n => n.Input)));
        return new Int8QuantizationResult(count, kept, before, after);
    }

    /// <summary>Symmetric int8 quantization of a row-major <c>[rows, cols]</c> matrix, per column or per tensor.</summary>
    /// <returns>The int8 values (row-major) and the scales (one per column, or one).</returns>
    internal static (sbyte[] Values, float[] Scales) QuantizeWeights(float[] values, int rows, int cols, bool perChannel)
    {
        var scales = new float[perChannel ? cols : 1];
        for (var i = 0; i < values.Length; i++)
        {
            var s = perChannel ? i % cols : 0;
            scales[s] = Math.Max(scales[s], Math.Abs(values[i]));
        }

        for (var s = 0; s < scales.Length; s++)
        {
            scales[s] = scales[s] > 0 ? scales[s] / 127f : 1f;
        }

        var q = new sbyte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var scaled = MathF.Round(values[i] / scales[perChannel ? i % cols : 0], MidpointRounding.ToEven);
            q[i] = (sbyte)Math.Clamp(scaled, -127f, 127f);
        }

        return (q, scales);
    }

    private static NodeProto NewNode(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static string AddInitializer<T>(GraphProto graph, string name, T[] values, params long[] dims)
        where T : unmanaged
    {
        var type = typeof(T) == typeof(sbyte) ? TensorProto.Types.DataType.Int8 : TensorProto.Types.DataType.Float;
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>
    /// Removes the nodes of <paramref name="candidates"/> (the computations of folded weights) whose outputs nothing
    /// reads any more, repeatedly, so a chain such as <c>Sub -&gt; Transpose</c> goes as a whole.
    /// </summary>
    private static void RemoveDeadNodes(GraphProto graph, HashSet<NodeProto> candidates)
    {
        bool removed;
        do
        {
            var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
            var dead = graph.Node.Where(n => candidates.Contains(n) && !n.Output.Any(used.Contains)).ToList();
            foreach (var node in dead)
            {
                graph.Node.Remove(node);
            }

            removed = dead.Count > 0;
        }
        while (removed);
    }

    /// <summary>Drops the float weights that no node reads any more (also from the graph inputs of old exports).</summary>
    private static void RemoveUnusedInitializers(GraphProto graph, IEnumerable<string> candidates)
    {
        var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unused = candidates.Where(c => !used.Contains(c)).ToHashSet(StringComparer.Ordinal);
        var keep = graph.Initializer.Where(t => !unused.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(keep);
        var inputs = graph.Input.Where(i => !unused.Contains(i.Name)).ToList();
        graph.Input.Clear();
        graph.Input.AddRange(inputs);
    }
}
