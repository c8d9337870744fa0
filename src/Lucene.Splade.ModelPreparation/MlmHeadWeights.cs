using Lucene.Splade.Modeling;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// The weights of a BERT-style MLM prediction head (the part of <c>BertForMaskedLM</c> between the encoder and the
/// tied decoder), read from a safetensors file. See <see cref="EmbeddedModelBuilder"/> for the names.
/// </summary>
internal sealed class MlmHeadWeights
{
    /// <summary>Dense weight, PyTorch layout <c>[out, in]</c>, row-major.</summary>
    public required float[] DenseWeight { get; init; }

    /// <summary>Dense bias <c>[hidden]</c>.</summary>
    public required float[] DenseBias { get; init; }

    /// <summary>LayerNorm gamma <c>[hidden]</c>.</summary>
    public required float[] LayerNormWeight { get; init; }

    /// <summary>LayerNorm beta <c>[hidden]</c>.</summary>
    public required float[] LayerNormBias { get; init; }

    /// <summary>Per-term decoder bias <c>[vocab]</c>.</summary>
    public required float[] DecoderBias { get; init; }

    /// <summary>LayerNorm epsilon; BERT uses 1e-12.</summary>
    public float LayerNormEpsilon { get; init; } = 1e-12f;

    /// <summary>Checks the shapes against the encoder.</summary>
    /// <exception cref="InvalidDataException">A tensor has the wrong size.</exception>
    public void Validate(int hidden, int vocab)
    {
        Check(nameof(DenseWeight), DenseWeight, hidden * hidden);
        Check(nameof(DenseBias), DenseBias, hidden);
        Check(nameof(LayerNormWeight), LayerNormWeight, hidden);
        Check(nameof(LayerNormBias), LayerNormBias, hidden);
        Check(nameof(DecoderBias), DecoderBias, vocab);

        static void Check(string name, float[] values, int expected)
        {
            if (values.Length != expected)
            {
                throw new InvalidDataException($"MLM head tensor {name} has {values.Length} values; the encoder needs {expected}.");
            }
        }
    }

    /// <summary>Reads a head from a safetensors file (F32, F16 or BF16 tensors; names may have any prefix).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not safetensors, or lacks a tensor, or a dtype is unsupported.</exception>
    public static MlmHeadWeights Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"MLM head file not found: '{path}'.", path);
        }

        var tensors = ReadSafetensors(path);
        return new MlmHeadWeights
        {
            DenseWeight = Find(tensors, "transform.dense.weight", path),
            DenseBias = Find(tensors, "transform.dense.bias", path),
            LayerNormWeight = Find(tensors, "transform.LayerNorm.weight", path),
            LayerNormBias = Find(tensors, "transform.LayerNorm.bias", path),
            DecoderBias = FindAny(tensors, path, "decoder.bias", "predictions.bias"),
        };
    }

    private static float[] FindAny(Dictionary<string, float[]> tensors, string path, params string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (TryFind(tensors, suffix, out var values))
            {
                return values;
            }
        }

        throw new InvalidDataException($"MLM head '{path}' has no tensor named '*{suffixes[0]}'; it has: {string.Join(", ", tensors.Keys)}.");
    }

    private static float[] Find(Dictionary<string, float[]> tensors, string suffix, string path) => FindAny(tensors, path, suffix);

    private static bool TryFind(Dictionary<string, float[]> tensors, string suffix, out float[] values)
    {
        // Exact name, or a prefixed one ("cls.predictions.transform.dense.weight"); the dot keeps "xdecoder.bias" out.
        var match = tensors.Keys.Where(k => k == suffix || k.EndsWith("." + suffix, StringComparison.Ordinal)).ToList();
        if (match.Count > 1)
        {
            throw new InvalidDataException($"Several MLM head tensors end in '{suffix}': {string.Join(", ", match)}.");
        }

        values = match.Count == 1 ? tensors[match[0]] : [];
        return match.Count == 1;
    }

    /// <summary>Reads every tensor of a safetensors file as floats (see <see cref="SafetensorsFile"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file, or a dtype is unsupported.</exception>
    internal static Dictionary<string, float[]> ReadSafetensors(string path) => SafetensorsFile.Read(path).ReadAllFloats();
}
