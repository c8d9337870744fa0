using Onnx;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// Evaluates, at preparation time, a 2-D float matrix that a graph computes from constants only: an initializer, its
/// 2-D <c>Transpose</c>, or the <c>Add</c>/<c>Sub</c> of a constant row. That is how a tied decoder reaches its
/// MatMul (<c>MatMul(h, Transpose(E - mean))</c> in the calibrated head, <c>MatMul(h, Transpose(E))</c> in the trained
/// one), and ONNX Runtime would only fold it to a float constant at load time, after quantization had passed it by.
/// </summary>
/// <remarks>
/// Hand-written because no .NET library evaluates ONNX subgraphs outside a session; the few operators above are all
/// that SPLADE exports put between a weight and its MatMul. Anything else is left alone (the MatMul stays in float).
/// </remarks>
internal static class ConstantMatrix
{
    /// <summary>The row-major values of <paramref name="name"/>, or null when it is not a constant 2-D float matrix.</summary>
    /// <param name="name">The tensor a MatMul reads as its second input.</param>
    /// <param name="initializers">The graph's initializers by name.</param>
    /// <param name="producers">The node that writes each tensor, by tensor name.</param>
    /// <param name="chain">Receives the nodes evaluated (empty for a plain initializer).</param>
    public static (float[] Values, int Rows, int Cols)? TryResolve(
        string name, IReadOnlyDictionary<string, TensorProto> initializers, IReadOnlyDictionary<string, NodeProto> producers, List<NodeProto> chain)
    {
        if (initializers.TryGetValue(name, out var tensor))
        {
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float || tensor.Dims.Count != 2)
            {
                return null;
            }

            var rows = checked((int)tensor.Dims[0]);
            var cols = checked((int)tensor.Dims[1]);
            return (SpladeHeadGraph.ReadFloats(tensor, rows * cols), rows, cols);
        }

        if (!producers.TryGetValue(name, out var node) || !string.IsNullOrEmpty(node.Domain))
        {
            return null;
        }

        (float[] Values, int Rows, int Cols)? result = node.OpType switch
        {
            "Transpose" when node.Input.Count == 1 && IsTwoDimensionalSwap(node) =>
                TryResolve(node.Input[0], initializers, producers, chain) is { } m ? Transpose(m) : null,
            "Add" or "Sub" when node.Input.Count == 2 =>
                TryResolve(node.Input[0], initializers, producers, chain) is { } m && Row(node.Input[1], initializers, m.Cols) is { } row
                    ? AddRow(m, row, node.OpType == "Sub" ? -1f : 1f)
                    : null,
            _ => null,
        };
        if (result is not null)
        {
            chain.Add(node);
        }

        return result;
    }

    private static bool IsTwoDimensionalSwap(NodeProto node)
    {
        var perm = node.Attribute.FirstOrDefault(a => a.Name == "perm");
        return perm is null || perm.Ints.SequenceEqual([1L, 0L]);
    }

    /// <summary>A float initializer of shape <c>[cols]</c> or <c>[1, cols]</c>, broadcast over the rows.</summary>
    private static float[]? Row(string name, IReadOnlyDictionary<string, TensorProto> initializers, int cols)
    {
        if (!initializers.TryGetValue(name, out var tensor) || tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            return null;
        }

        var dims = tensor.Dims.ToArray();
        var isRow = dims.Length == 1 ? dims[0] == cols : dims.Length == 2 && dims[0] == 1 && dims[1] == cols;
        return isRow ? SpladeHeadGraph.ReadFloats(tensor, cols) : null;
    }

    private static (float[] Values, int Rows, int Cols) Transpose((float[] Values, int Rows, int Cols) m)
    {
        var t = new float[m.Values.Length];
        for (var r = 0; r < m.Rows; r++)
        {
            for (var c = 0; c < m.Cols; c++)
            {
                t[(c * m.Rows) + r] = m.Values[(r * m.Cols) + c];
            }
        }

        return (t, m.Cols, m.Rows);
    }

    private static (float[] Values, int Rows, int Cols) AddRow((float[] Values, int Rows, int Cols) m, float[] row, float sign)
    {
        var sum = new float[m.Values.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = m.Values[i] + (sign * row[i % m.Cols]);
        }

        return (sum, m.Rows, m.Cols);
    }
}
