using Onnx;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// Raises an encoder graph's default-domain opset to 18, the first with <c>ScatterElements</c>'s <c>max</c> reduction,
/// which the calibrated head's per-token top-k pooling needs.
/// </summary>
/// <remarks>
/// Between opsets 13 and 18 the only operators whose existing graphs change meaning are the reductions other than
/// <c>ReduceSum</c> (already input-style in 13): opset 18 takes their <c>axes</c> as an optional input instead of an
/// attribute. Every other change in 14 to 18 adds optional attributes, inputs or types with defaults that keep
/// opset-13 behaviour (for example <c>Reshape</c>'s <c>allowzero</c>, <c>Split</c>'s <c>num_outputs</c>). The upgrade
/// therefore moves each reduction's <c>axes</c> attribute into an int64 initializer input and bumps the version; no
/// converter package exists for .NET, which is why it is written here.
/// </remarks>
internal static class Opset18Upgrade
{
    /// <summary>The opset version the upgrade targets.</summary>
    public const long Version = 18;

    private static readonly HashSet<string> AttributeAxesReductions = new(StringComparer.Ordinal)
    {
        "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
        "ReduceSumSquare",
    };

    /// <summary>Upgrades <paramref name="model"/> in place; a graph already at 18 or later is left as it is.</summary>
    /// <returns>How many reductions were rewritten.</returns>
    /// <exception cref="InvalidDataException">The graph declares no default-domain opset, or one below 13.</exception>
    public static int Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var import = model.OpsetImport.FirstOrDefault(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx")
            ?? throw new InvalidDataException("The graph declares no default-domain (ai.onnx) opset.");
        if (import.Version < 13)
        {
            throw new InvalidDataException($"The graph declares ONNX opset {import.Version}; the upgrade to opset 18 starts from 13.");
        }

        if (import.Version >= Version)
        {
            return 0;
        }

        var rewritten = 0;
        foreach (var node in model.Graph.Node)
        {
            if (!string.IsNullOrEmpty(node.Domain) || !AttributeAxesReductions.Contains(node.OpType))
            {
                continue;
            }

            var axes = node.Attribute.FirstOrDefault(a => a.Name == "axes");
            if (axes is null)
            {
                // No axes attribute means "all axes" in both opsets (noop_with_empty_axes defaults to 0).
                continue;
            }

            if (node.Input.Count != 1)
            {
                throw new InvalidDataException($"Reduction '{node.Name}' ({node.OpType}) has {node.Input.Count} inputs and an axes attribute; opset 13 allows one input.");
            }

            var tensor = new TensorProto
            {
                Name = $"opset18/{node.Output[0]}/axes",
                DataType = (int)TensorProto.Types.DataType.Int64,
            };
            tensor.Dims.Add(axes.Ints.Count);
            tensor.Int64Data.AddRange(axes.Ints);
            model.Graph.Initializer.Add(tensor);
            node.Attribute.Remove(axes);
            node.Input.Add(tensor.Name);
            rewritten++;
        }

        import.Version = Version;
        return rewritten;
    }
}
