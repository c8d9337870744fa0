using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;
using Dimension = Onnx.TensorShapeProto.Types.Dimension;

namespace Lucene.Splade.Tests.Support.TinyModels;

/// <summary>
/// Tiny BERT-shaped SPLADE models with seeded random weights, built in memory (no committed binaries), and the same
/// computation in plain loops as a reference. The graph:
/// <code>
/// X      = E[ids] + T[types] + P[positions]
/// X'     = X + mean of X over the real tokens (the attention mask's job here, as in BERT: padding never changes real tokens)
/// H      = tanh(X' W + b)
/// logits = H Eᵀ + vocabBias                      (decoder tied to the embeddings, like BERT's)
/// </code>
/// Pooled kinds add <c>w_j = max over real t of log(1 + ReLU(logits_tj))</c>.
/// </summary>
internal static class TinyBertModels
{
    /// <summary>Hidden size.</summary>
    public const int HiddenSize = 8;

    /// <summary>Longest input the graph takes, <c>[CLS]</c> and <c>[SEP]</c> included (rows of the position table).</summary>
    public const int MaxPositions = 32;

    /// <summary>The output of <see cref="TinyModelKind.MlmLogits"/> models.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The output of <see cref="TinyModelKind.PooledWeights"/> models.</summary>
    public const string PooledOutput = "output";

    /// <summary>The vocabulary ids output of <see cref="TinyModelKind.NonzeroTerms"/> models.</summary>
    public const string NonzeroIdsOutput = "output_idx";

    /// <summary>The weights output of <see cref="TinyModelKind.NonzeroTerms"/> models.</summary>
    public const string NonzeroWeightsOutput = "output_weights";

    private const long OnnxIrVersion = 8;

    // Opset 17 is the last where ReduceMax takes its axes as an attribute.
    private const long OnnxOpset = 17;

    private static readonly string[] VocabularyTokens =
    [
        "[PAD]", "[unused0]", "[unused1]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "the", "a", "of", "and", "in", "is", "to", "on", "for", "with", "what",
        "capital", "france", "paris", "city", "river", "water", "fish", "swim", "dog", "cat", "house", "big", "small",
        "red", "blue", "book", "read", "search", "engine", "query", "document", "lucene", "sparse", "vector",
        "model", "word", "term", "neural", "learn", "fast", "cafe", "new", "york",
        ".", ",", "?",
        "##s", "##ing", "##ed", "##er", "##ly", "##es",
    ];

    /// <summary>The model's vocabulary in id order (line i of vocab.txt is id i); a fresh copy on each call.</summary>
    public static string[] Vocabulary => [.. VocabularyTokens];

    /// <summary>V, the number of terms the model scores.</summary>
    public static int VocabularySize => VocabularyTokens.Length;

    /// <summary>The id of <paramref name="token"/> in <see cref="Vocabulary"/>.</summary>
    /// <exception cref="ArgumentException">The token is not in the vocabulary.</exception>
    public static int Id(string token)
    {
        var id = Array.IndexOf(VocabularyTokens, token);
        return id >= 0 ? id : throw new ArgumentException($"'{token}' is not in the tiny vocabulary.", nameof(token));
    }

    /// <summary>
    /// Writes <c>model.onnx</c> and <c>vocab.txt</c> into <paramref name="folder"/> (created if absent).
    /// <paramref name="vocabularySizeOverride"/> writes that many vocab lines instead (cut short, or padded with
    /// <c>extra0</c>, <c>extra1</c>, ...) so a test can pair the model with a mismatched vocabulary.
    /// </summary>
    public static void WriteModelFolder(
        string folder,
        TinyModelKind kind,
        TinyModelInputNames? names = null,
        int seed = 1,
        int? vocabularySizeOverride = null)
    {
        var lineCount = vocabularySizeOverride ?? VocabularyTokens.Length;
        ArgumentOutOfRangeException.ThrowIfNegative(lineCount, nameof(vocabularySizeOverride));
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), BuildModel(kind, names, seed));
        var lines = Enumerable.Range(0, lineCount).Select(i => i < VocabularyTokens.Length ? VocabularyTokens[i] : $"extra{i - VocabularyTokens.Length}");
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), lines);
    }

    /// <summary>The serialized ONNX model (opset 17) of the given kind; <paramref name="names"/> defaults to <see cref="TinyModelInputNames.Standard"/>.</summary>
    public static byte[] BuildModel(TinyModelKind kind, TinyModelInputNames? names = null, int seed = 1)
    {
        names ??= TinyModelInputNames.Standard;
        var w = Weights.Create(seed);
        var v = VocabularySize;
        var g = new GraphProto { Name = $"tiny_bert_{kind}" };

        g.Initializer.Add(Floats("E", w.Tokens, v, HiddenSize));
        g.Initializer.Add(Floats("T", w.Types, 2, HiddenSize));
        g.Initializer.Add(Floats("P", w.Positions, MaxPositions, HiddenSize));
        g.Initializer.Add(Floats("W", w.Dense, HiddenSize, HiddenSize));
        g.Initializer.Add(Floats("W_bias", w.DenseBias, HiddenSize));
        g.Initializer.Add(Floats("vocab_bias", w.VocabBias, v));
        g.Initializer.Add(Floats("one", [1f]));
        g.Initializer.Add(Int64s("zero", [0]));
        g.Initializer.Add(Int64s("slice_start", [0], 1));
        g.Initializer.Add(Int64s("axis0", [0], 1));
        g.Initializer.Add(Int64s("axis1", [1], 1));
        g.Initializer.Add(Int64s("axis2", [2], 1));

        var sequence = new[] { Symbolic("batch"), Symbolic("sequence") };
        g.Input.Add(Value(names.InputIds, DataType.Int64, sequence));
        g.Input.Add(Value(names.AttentionMask, DataType.Int64, sequence));
        if (names.TokenTypeIds is not null)
        {
            g.Input.Add(Value(names.TokenTypeIds, DataType.Int64, sequence));
        }

        // mask3 [batch, sequence, 1]: 1 for real tokens, 0 for padding.
        g.Node.Add(Node("Cast", [names.AttentionMask], "mask", Int("to", (long)DataType.Float)));
        g.Node.Add(Node("Unsqueeze", ["mask", "axis2"], "mask3"));

        // Embeddings; without a token-type input every token is type 0, so T[0] broadcasts over all of them.
        g.Node.Add(Node("Gather", ["E", names.InputIds], "word"));
        g.Node.Add(Node("Gather", ["T", names.TokenTypeIds ?? "zero"], "type"));
        g.Node.Add(Node("Shape", [names.InputIds], "sequence_length", Int("start", 1), Int("end", 2)));
        g.Node.Add(Node("Slice", ["P", "slice_start", "sequence_length", "axis0"], "position"));
        g.Node.Add(Node("Add", ["word", "type"], "word_type"));
        g.Node.Add(Node("Add", ["word_type", "position"], "x"));

        // Masked mean over the sequence, added to every token.
        g.Node.Add(Node("Mul", ["x", "mask3"], "x_masked"));
        g.Node.Add(Node("ReduceSum", ["x_masked", "axis1"], "x_sum", Int("keepdims", 1)));
        g.Node.Add(Node("ReduceSum", ["mask3", "axis1"], "real_count", Int("keepdims", 1)));
        g.Node.Add(Node("Div", ["x_sum", "real_count"], "x_mean"));
        g.Node.Add(Node("Add", ["x", "x_mean"], "x_context"));

        g.Node.Add(Node("MatMul", ["x_context", "W"], "dense"));
        g.Node.Add(Node("Add", ["dense", "W_bias"], "dense_biased"));
        g.Node.Add(Node("Tanh", ["dense_biased"], "hidden"));
        g.Node.Add(Node("Transpose", ["E"], "decoder", Ints("perm", 1, 0)));
        g.Node.Add(Node("MatMul", ["hidden", "decoder"], "decoded"));
        g.Node.Add(Node("Add", ["decoded", "vocab_bias"], LogitsOutput));

        if (kind == TinyModelKind.MlmLogits)
        {
            g.Output.Add(Value(LogitsOutput, DataType.Float, Symbolic("batch"), Symbolic("sequence"), Fixed(v)));
            return Serialize(g);
        }

        // Weights are >= 0, so zeroing padding positions keeps them out of the max.
        g.Node.Add(Node("Relu", [LogitsOutput], "relu"));
        g.Node.Add(Node("Add", ["relu", "one"], "relu_plus_one"));
        g.Node.Add(Node("Log", ["relu_plus_one"], "token_weights"));
        g.Node.Add(Node("Mul", ["token_weights", "mask3"], "token_weights_masked"));
        g.Node.Add(Node("ReduceMax", ["token_weights_masked"], PooledOutput, Ints("axes", 1), Int("keepdims", 0)));

        if (kind == TinyModelKind.PooledWeights)
        {
            g.Output.Add(Value(PooledOutput, DataType.Float, Symbolic("batch"), Fixed(v)));
            return Serialize(g);
        }

        // Anserini style: squeezing the batch axis fails for batches of more than one text, as in the real exports.
        g.Node.Add(Node("Squeeze", [PooledOutput, "axis0"], "pooled"));
        g.Node.Add(Node("NonZero", ["pooled"], "nonzero"));
        g.Node.Add(Node("Squeeze", ["nonzero", "axis0"], NonzeroIdsOutput));
        g.Node.Add(Node("Gather", ["pooled", NonzeroIdsOutput], NonzeroWeightsOutput));
        g.Output.Add(Value(NonzeroIdsOutput, DataType.Int64, Symbolic("terms")));
        g.Output.Add(Value(NonzeroWeightsOutput, DataType.Float, Symbolic("terms")));
        return Serialize(g);
    }

    /// <summary>
    /// The MLM logits <c>[sequence, V]</c> of one unpadded sequence, computed in plain loops (not by ONNX) from the
    /// weights that <see cref="BuildModel"/> uses for <paramref name="seed"/>. Null <paramref name="typeIds"/> means all 0.
    /// </summary>
    public static float[,] ReferenceLogits(int[] ids, int[]? typeIds, int seed)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length is 0 or > MaxPositions)
        {
            throw new ArgumentException($"The tiny model takes 1 to {MaxPositions} tokens; got {ids.Length}.", nameof(ids));
        }

        if (typeIds is not null && typeIds.Length != ids.Length)
        {
            throw new ArgumentException("typeIds must be as long as ids.", nameof(typeIds));
        }

        if (ids.Any(id => id < 0 || id >= VocabularySize) || (typeIds?.Any(type => type is not (0 or 1)) ?? false))
        {
            throw new ArgumentException("An id is outside the vocabulary, or a type id is not 0 or 1.");
        }

        var w = Weights.Create(seed);
        var n = ids.Length;
        var v = VocabularySize;
        var x = new double[n, HiddenSize];
        var mean = new double[HiddenSize];
        for (var t = 0; t < n; t++)
        {
            var type = typeIds?[t] ?? 0;
            for (var k = 0; k < HiddenSize; k++)
            {
                x[t, k] = w.Tokens[(ids[t] * HiddenSize) + k] + w.Types[(type * HiddenSize) + k] + w.Positions[(t * HiddenSize) + k];
                mean[k] += x[t, k] / n;
            }
        }

        var logits = new float[n, v];
        var hidden = new double[HiddenSize];
        for (var t = 0; t < n; t++)
        {
            for (var j = 0; j < HiddenSize; j++)
            {
                double sum = w.DenseBias[j];
                for (var k = 0; k < HiddenSize; k++)
                {
                    sum += (x[t, k] + mean[k]) * w.Dense[(k * HiddenSize) + j];
                }

                hidden[j] = Math.Tanh(sum);
            }

            for (var term = 0; term < v; term++)
            {
                double sum = w.VocabBias[term];
                for (var j = 0; j < HiddenSize; j++)
                {
                    sum += hidden[j] * w.Tokens[(term * HiddenSize) + j];
                }

                logits[t, term] = (float)sum;
            }
        }

        return logits;
    }

    /// <summary>
    /// SPLADE term weights <c>[V]</c> of one unpadded sequence (token types all 0):
    /// <c>w_j = max_t</c> (or <c>sum_t</c> when <paramref name="sum"/>) <c>log(1 + max(0, logit_tj))</c>, over the
    /// positions whose id is not <paramref name="leftOutId"/>.
    /// </summary>
    public static float[] ReferencePooled(int[] ids, int seed, bool sum = false, int? leftOutId = null)
    {
        var logits = ReferenceLogits(ids, null, seed);
        var pooled = new float[logits.GetLength(1)];
        for (var term = 0; term < pooled.Length; term++)
        {
            double acc = 0;
            for (var t = 0; t < logits.GetLength(0); t++)
            {
                if (ids[t] == leftOutId)
                {
                    continue;
                }

                var weight = Math.Log(1 + Math.Max(0, logits[t, term]));
                acc = sum ? acc + weight : Math.Max(acc, weight);
            }

            pooled[term] = (float)acc;
        }

        return pooled;
    }

    private static byte[] Serialize(GraphProto graph)
    {
        var model = new ModelProto
        {
            IrVersion = OnnxIrVersion,
            ProducerName = "Lucene.Splade.Tests",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxOpset });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    private static TensorProto Floats(string name, float[] data, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(data);
        return tensor;
    }

    private static TensorProto Int64s(string name, long[] data, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        tensor.Dims.Add(dims);
        tensor.Int64Data.Add(data);
        return tensor;
    }

    private static Dimension Symbolic(string name) => new() { DimParam = name };

    private static Dimension Fixed(long size) => new() { DimValue = size };

    private static ValueInfoProto Value(string name, DataType type, params Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>All weights, row-major, drawn in a fixed order from one seeded generator so graph and reference agree.</summary>
    private sealed record Weights(float[] Tokens, float[] Types, float[] Positions, float[] Dense, float[] DenseBias, float[] VocabBias)
    {
        public static Weights Create(int seed)
        {
            var random = new Random(seed);
            float[] Draw(int count, float low, float high) =>
                Enumerable.Range(0, count).Select(_ => low + ((high - low) * random.NextSingle())).ToArray();

            var v = VocabularySize;
            return new Weights(
                Tokens: Draw(v * HiddenSize, -1f, 1f),
                Types: Draw(2 * HiddenSize, -0.5f, 0.5f),
                Positions: Draw(MaxPositions * HiddenSize, -0.5f, 0.5f),
                Dense: Draw(HiddenSize * HiddenSize, -0.6f, 0.6f),
                DenseBias: Draw(HiddenSize, -0.2f, 0.2f),

                // Negative so that most terms get no weight, as in a real SPLADE model.
                VocabBias: Draw(v, -2.4f, -1.0f));
        }
    }
}
