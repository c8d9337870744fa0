using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// Appends a SPLADE head to a BERT-style encoder graph (MiniLM): the new graph's only output is
/// <see cref="OutputName"/>, float <c>[batch, vocab]</c>, the max-pooled SPLADE weights. Inputs are unchanged.
/// </summary>
/// <remarks>
/// The head is written in opset 18 (reductions take <c>axes</c> as an input; <c>ScatterElements</c> has the <c>max</c>
/// reduction the per-token top-k pooling uses). An encoder exported at opset 13 to 17 (MiniLM declares 13) is first
/// raised to 18 by <see cref="Opset18Upgrade"/>; older opsets are refused rather than guessed at.
/// </remarks>
internal static class SpladeHeadGraph
{
    /// <summary>The name of the pooled-weights output.</summary>
    public const string OutputName = "splade_weights";

    /// <summary>The encoder output the head reads.</summary>
    public const string HiddenStateName = "last_hidden_state";

    /// <summary>The tied input embedding matrix <c>[vocab, hidden]</c>, reused as the decoder.</summary>
    public const string WordEmbeddingName = "embeddings.word_embeddings.weight";

    private const string Prefix = "splade_head/";

    /// <summary>The calibrated head's MatMul of the hidden states with the embedding covariance (the z-score's scale).</summary>
    public const string CovarianceMatMulName = Prefix + "u_cov/MatMul";

    /// <summary>Appends the calibrated tied-decoder head (see <see cref="EmbeddedCalibration"/>).</summary>
    /// <param name="model">The encoder; modified in place.</param>
    /// <param name="threshold">The z-score below which a term gets no weight.</param>
    /// <param name="excludedTerms">Vocabulary ids whose weight is forced to zero (special tokens).</param>
    /// <param name="topK">Per token, only the <paramref name="topK"/> highest z-scores count; 0 keeps all.</param>
    public static void AppendCalibratedHead(ModelProto model, float threshold, int topK, IReadOnlySet<int> excludedTerms, long? unknownId = null)
    {
        var (graph, embedding, vocab, hidden) = Prepare(model);

        // z_tj = (h_t . (e_j - mean_e)) / std_j(h_t . e_j). The per-token standard deviation over
        // the vocabulary is sqrt(h^T C h), C the covariance of the embedding rows, so it costs [hidden]-sized work
        // instead of two passes over the [batch, seq, vocab] logits.
        var (meanRow, covariance) = RowMeanAndCovariance(embedding, vocab, hidden);
        var u = HiddenStateName;
        var uc = Node(graph, "MatMul", [u, Const(graph, "covariance", covariance, hidden, hidden)], "u_cov");
        var sq = Node(graph, "Mul", [uc, u], "u_cov_u");
        var ss = Node(graph, "ReduceSum", [sq, ConstLong(graph, "axis_last", -1)], "variance", ("keepdims", 1));
        var sd = Node(graph, "Sqrt", [Node(graph, "Add", [ss, Scalar(graph, "epsilon", 1e-12f)], "variance_eps")], "std");
        var un = Node(graph, "Div", [u, sd], "u_scaled");
        var centered = Node(graph, "Sub", [WordEmbeddingName, Const(graph, "embedding_mean", meanRow, hidden)], "decoder_centered");
        var decoderT = Node(graph, "Transpose", [centered], "decoder_t", ("perm", new long[] { 1, 0 }));
        var z = Node(graph, "MatMul", [un, decoderT], "z");
        if (topK > 0)
        {
            AppendTopKPooling(graph, z, topK, threshold, vocab, excludedTerms, unknownId);
        }
        else
        {
            AppendPooling(graph, z, threshold, vocab, excludedTerms, unknownId);
        }
    }

    /// <summary>Appends a trained BERT MLM head (<see cref="MlmHeadWeights"/>) with the tied decoder.</summary>
    public static void AppendMlmHead(ModelProto model, MlmHeadWeights head, IReadOnlySet<int> excludedTerms, long? unknownId = null)
    {
        var (graph, _, vocab, hidden) = Prepare(model);
        head.Validate(hidden, vocab);

        // PyTorch Linear stores W as [out, in]; y = x W^T + b.
        var wt = new float[hidden * hidden];
        for (var o = 0; o < hidden; o++)
        {
            for (var i = 0; i < hidden; i++)
            {
                wt[(i * hidden) + o] = head.DenseWeight[(o * hidden) + i];
            }
        }

        var dense = Node(graph, "Add", [Node(graph, "MatMul", [HiddenStateName, Const(graph, "dense_wt", wt, hidden, hidden)], "dense_mm"), Const(graph, "dense_b", head.DenseBias, hidden)], "dense");

        // Opset 13 has neither Gelu (20) nor LayerNormalization (17): exact erf GELU and LayerNorm from primitives.
        var erf = Node(graph, "Erf", [Node(graph, "Mul", [dense, Scalar(graph, "inv_sqrt2", (float)(1 / Math.Sqrt(2)))], "gelu_scaled")], "gelu_erf");
        var gelu = Node(graph, "Mul", [Node(graph, "Mul", [dense, Scalar(graph, "half", 0.5f)], "gelu_half"), Node(graph, "Add", [erf, Scalar(graph, "one_gelu", 1f)], "gelu_1p")], "gelu");
        var mean = Node(graph, "ReduceMean", [gelu, ConstLong(graph, "ln_axis", -1)], "ln_mean", ("keepdims", 1));
        var dev = Node(graph, "Sub", [gelu, mean], "ln_dev");
        var variance = Node(graph, "ReduceMean", [Node(graph, "Mul", [dev, dev], "ln_sq"), ConstLong(graph, "ln_axis_var", -1)], "ln_var", ("keepdims", 1));
        var norm = Node(graph, "Div", [dev, Node(graph, "Sqrt", [Node(graph, "Add", [variance, Scalar(graph, "ln_eps", head.LayerNormEpsilon)], "ln_var_eps")], "ln_std")], "ln_norm");
        var ln = Node(graph, "Add", [Node(graph, "Mul", [norm, Const(graph, "ln_gamma", head.LayerNormWeight, hidden)], "ln_scaled"), Const(graph, "ln_beta", head.LayerNormBias, hidden)], "ln");

        var decoderT = Node(graph, "Transpose", [WordEmbeddingName], "decoder_t", ("perm", new long[] { 1, 0 }));
        var logits = Node(graph, "Add", [Node(graph, "MatMul", [ln, decoderT], "logits_mm"), Const(graph, "decoder_bias", head.DecoderBias, vocab)], "logits");
        AppendPooling(graph, logits, 0f, vocab, excludedTerms, unknownId);
    }

    private static (GraphProto Graph, float[] Embedding, int Vocab, int Hidden) Prepare(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opset = model.OpsetImport.FirstOrDefault(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx")?.Version;
        if (opset is null or < 13)
        {
            throw new InvalidDataException($"The encoder graph declares ONNX opset {opset?.ToString() ?? "(none)"}; the SPLADE head needs opset 13 or later (the graph is raised to 18).");
        }

        Opset18Upgrade.Apply(model);

        var graph = model.Graph;
        if (graph.Output.All(o => o.Name != HiddenStateName))
        {
            throw new InvalidDataException($"The encoder graph has no output '{HiddenStateName}'.");
        }

        var init = graph.Initializer.FirstOrDefault(t => t.Name == WordEmbeddingName)
            ?? throw new InvalidDataException($"The encoder graph has no initializer '{WordEmbeddingName}' (the tied decoder).");
        if (init.Dims.Count != 2 || init.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"'{WordEmbeddingName}' must be a 2-D float tensor; it has dims [{string.Join(",", init.Dims)}] and type {init.DataType}.");
        }

        var vocab = checked((int)init.Dims[0]);
        var hidden = checked((int)init.Dims[1]);
        var embedding = ReadFloats(init, vocab * hidden);
        return (graph, embedding, vocab, hidden);
    }

    /// <summary>Max-pools <paramref name="scores"/> <c>[batch, seq, vocab]</c> over unmasked tokens and applies
    /// <c>log(1 + ReLU(score - threshold))</c>; sets the graph's only output. With <paramref name="unknownId"/>,
    /// positions holding that id (<c>[UNK]</c>) are left out of the pooling too.</summary>
    private static void AppendPooling(GraphProto graph, string scores, float threshold, int vocab, IReadOnlySet<int> excludedTerms, long? unknownId)
    {
        // SPLADE is max_t mask_t * log(1 + ReLU(s_t - threshold)). That function of s is nondecreasing and >= 0, so it
        // equals log(1 + ReLU(max over unmasked t of s_t - threshold)): we push padded positions 1e4 down, take the max,
        // and apply the transform to [batch, vocab] instead of [batch, seq, vocab] (several fewer passes over logits).
        var mask = Node(graph, "Cast", [PoolingMask(graph, unknownId)], "mask_f", ("to", (long)TensorProto.Types.DataType.Float));
        var mask3 = Node(graph, "Unsqueeze", [mask, ConstLong(graph, "axis_unsqueeze", -1)], "mask_3d");
        var penalty = Node(graph, "Mul", [Node(graph, "Sub", [mask3, Scalar(graph, "one_mask", 1f)], "mask_minus_1"), Scalar(graph, "pad_penalty", 1e4f)], "pad_penalty_3d");
        var masked = Node(graph, "Add", [scores, penalty], "scores_masked");
        var pooled = Node(graph, "ReduceMax", [masked, ConstLong(graph, "axis_tokens", 1)], "scores_max", ("keepdims", 0));
        AppendWeights(graph, pooled, threshold, vocab, excludedTerms);
    }

    /// <summary>Like <see cref="AppendPooling"/>, but each unmasked token contributes only its <paramref name="topK"/>
    /// highest scores: the token's top k (values and vocabulary ids, <c>[batch, seq, k]</c>) are scattered into a
    /// <c>[batch, vocab]</c> row with the <c>max</c> reduction.</summary>
    /// <remarks>
    /// This reads the <c>[batch, seq, vocab]</c> scores once (the <c>TopK</c>); comparing every score with the token's
    /// k-th, masking and a max over tokens took four more passes over that tensor, about a third of the int8 graph's
    /// time. When several of a token's scores tie at its k-th value, <c>TopK</c> keeps exactly k of them (the lower ids)
    /// where the comparison kept them all; the scores are float dot products, so exact ties are rare.
    /// </remarks>
    private static void AppendTopKPooling(GraphProto graph, string scores, int topK, float threshold, int vocab, IReadOnlySet<int> excludedTerms, long? unknownId)
    {
        var values = Node(graph, "TopK", [scores, ConstLong(graph, "k", topK)], "top_values", ("axis", -1L), ("largest", 1L), ("sorted", 0L));
        graph.Node[^1].Output.Add(Prefix + "top_indices");
        var indices = Prefix + "top_indices";

        var mask3 = Node(graph, "Unsqueeze", [PoolingMask(graph, unknownId), ConstLong(graph, "axis_unsqueeze", -1)], "mask_3d");
        var kept = Node(graph, "Where", [mask3, values, Scalar(graph, "dropped", -1e4f)], "top_values_masked");

        var rowShape = ConstLongs(graph, "row_shape", 0, -1);
        var flatValues = Node(graph, "Reshape", [kept, rowShape], "top_values_row");
        var flatIndices = Node(graph, "Reshape", [indices, rowShape], "top_indices_row");
        var batch = Node(graph, "Slice", [Node(graph, "Shape", ["input_ids"], "input_shape"), ConstLong(graph, "batch_start", 0), ConstLong(graph, "batch_end", 1)], "batch_size");
        var outShape = Node(graph, "Concat", [batch, ConstLong(graph, "vocab_size", vocab)], "pooled_shape", ("axis", 0L));
        var floor = Node(graph, "Expand", [Scalar(graph, "unset", -1e4f), outShape], "pooled_floor");
        var pooled = Node(graph, "ScatterElements", [floor, flatIndices, flatValues], "scores_max", ("axis", 1L), ("reduction", "max"));
        AppendWeights(graph, pooled, threshold, vocab, excludedTerms);
    }

    /// <summary>The positions that pool, bool <c>[batch, seq]</c>: the attention mask, less <c>[UNK]</c> positions.</summary>
    private static string PoolingMask(GraphProto graph, long? unknownId)
    {
        var mask = Node(graph, "Cast", ["attention_mask"], "mask_b", ("to", (long)TensorProto.Types.DataType.Bool));
        if (unknownId is { } unk)
        {
            // An [UNK] stands for text the vocabulary cannot spell (emoji, a very long word): the encoder still attends
            // to it, but what the head predicts there is the same whatever the text was, so it adds no terms.
            var isUnknown = Node(graph, "Equal", ["input_ids", ConstLong(graph, "unknown_id", unk)], "is_unknown");
            mask = Node(graph, "And", [mask, Node(graph, "Not", [isUnknown], "is_known")], "pool_mask_b");
        }

        return mask;
    }

    /// <summary>Applies <c>log(1 + ReLU(pooled - threshold))</c> to the pooled <c>[batch, vocab]</c> scores, zeroes the
    /// excluded terms and makes the result the graph's only output.</summary>
    private static void AppendWeights(GraphProto graph, string pooled, float threshold, int vocab, IReadOnlySet<int> excludedTerms)
    {
        var relu = Node(graph, "Relu", [Node(graph, "Sub", [pooled, Scalar(graph, "threshold", threshold)], "shifted")], "relu");
        var log = Node(graph, "Log", [Node(graph, "Add", [relu, Scalar(graph, "one_log", 1f)], "relu_1p")], "log1p");

        var keep = new float[vocab];
        for (var j = 0; j < vocab; j++)
        {
            keep[j] = excludedTerms.Contains(j) ? 0f : 1f;
        }

        var weights = Node(graph, "Mul", [log, Const(graph, "term_keep", keep, vocab)], OutputName, prefixed: false);

        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto
        {
            Name = weights,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor
                {
                    ElemType = (int)TensorProto.Types.DataType.Float,
                    Shape = new TensorShapeProto
                    {
                        Dim =
                        {
                            new TensorShapeProto.Types.Dimension { DimParam = "batch" },
                            new TensorShapeProto.Types.Dimension { DimValue = vocab },
                        },
                    },
                },
            },
        });
        PruneDeadNodes(graph);
    }

    /// <summary>Drops nodes and initializers no output depends on (the MiniLM pooler), so the runtime neither computes
    /// nor loads them.</summary>
    private static void PruneDeadNodes(GraphProto graph)
    {
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name));
        var keep = new bool[graph.Node.Count];
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            // Nodes are topologically sorted, so one backward sweep finds every producer of a needed value.
            var node = graph.Node[i];
            if (node.Output.Any(needed.Contains))
            {
                keep[i] = true;
                needed.UnionWith(node.Input.Where(n => n.Length > 0));
            }
        }

        var kept = graph.Node.Where((_, i) => keep[i]).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        var inits = graph.Initializer.Where(t => needed.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(inits);
    }

    private static string Node(GraphProto graph, string op, string[] inputs, string output, params (string Name, object Value)[] attributes) =>
        Node(graph, op, inputs, output, prefixed: true, attributes);

    private static string Node(GraphProto graph, string op, string[] inputs, string output, bool prefixed, params (string Name, object Value)[] attributes)
    {
        var name = prefixed ? Prefix + output : output;
        var node = new NodeProto { OpType = op, Name = Prefix + output + "/" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        foreach (var (attrName, value) in attributes)
        {
            var attribute = new AttributeProto { Name = attrName };
            switch (value)
            {
                case int i:
                    attribute.Type = AttributeProto.Types.AttributeType.Int;
                    attribute.I = i;
                    break;
                case long l:
                    attribute.Type = AttributeProto.Types.AttributeType.Int;
                    attribute.I = l;
                    break;
                case long[] ls:
                    attribute.Type = AttributeProto.Types.AttributeType.Ints;
                    attribute.Ints.AddRange(ls);
                    break;
                case string text:
                    attribute.Type = AttributeProto.Types.AttributeType.String;
                    attribute.S = ByteString.CopyFromUtf8(text);
                    break;
                default:
                    throw new ArgumentException($"Unsupported attribute value {value.GetType()}.", nameof(attributes));
            }

            node.Attribute.Add(attribute);
        }

        graph.Node.Add(node);
        return name;
    }

    private static string Const(GraphProto graph, string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Prefix + name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static string Scalar(GraphProto graph, string name, float value) => Const(graph, name, [value]);

    private static string ConstLong(GraphProto graph, string name, long value)
    {
        var tensor = new TensorProto { Name = Prefix + name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(1);
        tensor.Int64Data.Add(value);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static string ConstLongs(GraphProto graph, string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Prefix + name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>The values of a float initializer (raw little-endian bytes or the repeated field).</summary>
    internal static float[] ReadFloats(TensorProto tensor, int count)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; big-endian hosts are not supported.");
        }

        var values = tensor.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : tensor.FloatData.ToArray();
        if (values.Length != count)
        {
            throw new InvalidDataException($"Initializer '{tensor.Name}' holds {values.Length} floats; its shape needs {count}.");
        }

        return values;
    }

    /// <summary>Mean row and row covariance (population) of a row-major <c>[rows, cols]</c> matrix.</summary>
    internal static (float[] Mean, float[] Covariance) RowMeanAndCovariance(float[] matrix, int rows, int cols)
    {
        var mean = new double[cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                mean[c] += matrix[(r * cols) + c];
            }
        }

        var meanF = mean.Select(m => (float)(m / rows)).ToArray();

        // Rank-1 updates with System.Numerics vectors; float accumulation over 30k rows loses ~1e-6 relative, far
        // below what the z-score threshold can notice.
        var cov = new float[cols * cols];
        var row = new float[cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                row[c] = matrix[(r * cols) + c] - meanF[c];
            }

            for (var a = 0; a < cols; a++)
            {
                var fa = row[a];
                var target = cov.AsSpan(a * cols, cols);
                var i = 0;
                var va = new System.Numerics.Vector<float>(fa);
                for (; i <= cols - System.Numerics.Vector<float>.Count; i += System.Numerics.Vector<float>.Count)
                {
                    var t = new System.Numerics.Vector<float>(target[i..]);
                    (t + (va * new System.Numerics.Vector<float>(row, i))).CopyTo(target[i..]);
                }

                for (; i < cols; i++)
                {
                    target[i] += fa * row[i];
                }
            }
        }

        for (var i = 0; i < cov.Length; i++)
        {
            cov[i] /= rows;
        }

        return (meanF, cov);
    }
}
