using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lucene.Splade.Modeling;

/// <summary>
/// What an ONNX SPLADE graph takes and gives, detected from its metadata: the input names, which output carries
/// the term weights, and what kind of output it is.
/// </summary>
/// <param name="InputIds">Name of the token-id input.</param>
/// <param name="AttentionMask">Name of the attention-mask input (<c>attention_mask</c> or <c>input_mask</c>), if any.</param>
/// <param name="TokenTypeIds">Name of the token-type input (<c>token_type_ids</c> or <c>segment_ids</c>), if any.</param>
/// <param name="UsesInt32Inputs">True when the graph's inputs are int32 rather than int64.</param>
/// <param name="Kind">The output kind (never <see cref="SpladeOutputKind.Auto"/>).</param>
/// <param name="WeightsOutput">Name of the output holding logits or weights.</param>
/// <param name="IndicesOutput">For <see cref="SpladeOutputKind.NonzeroTerms"/>: name of the term-id output.</param>
/// <param name="VocabularyDimension">The vocabulary size the graph declares, or null when it is symbolic or unknown.</param>
public sealed record ModelSignature(
    string InputIds,
    string? AttentionMask,
    string? TokenTypeIds,
    bool UsesInt32Inputs,
    SpladeOutputKind Kind,
    string WeightsOutput,
    string? IndicesOutput,
    int? VocabularyDimension)
{
    private static readonly string[] InputIdNames = ["input_ids"];
    private static readonly string[] MaskNames = ["attention_mask", "input_mask"];
    private static readonly string[] TypeNames = ["token_type_ids", "segment_ids"];

    /// <summary>Reads the signature of a loaded session.</summary>
    /// <param name="session">The session.</param>
    /// <param name="config">The model's config (output kind and name overrides).</param>
    /// <param name="modelPath">The model file, for error messages.</param>
    /// <exception cref="InvalidDataException">The graph does not look like a SPLADE or masked-LM export.</exception>
    internal static ModelSignature Detect(InferenceSession session, SpladeModelConfig config, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(config);
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;

        string? Find(IEnumerable<string> candidates) => candidates.FirstOrDefault(inputs.ContainsKey);
        var ids = Find(InputIdNames)
            ?? throw new InvalidDataException(
                $"Model '{modelPath}' has no 'input_ids' input (inputs: {string.Join(", ", inputs.Keys)}); it does not look like a BERT-style export.");
        var mask = Find(MaskNames);
        var types = Find(TypeNames);
        var unknown = inputs.Keys.Where(k => k != ids && k != mask && k != types).ToArray();
        if (unknown.Length > 0)
        {
            throw new InvalidDataException(
                $"Model '{modelPath}' has inputs this library cannot fill: {string.Join(", ", unknown)} (supported: input_ids, attention_mask/input_mask, token_type_ids/segment_ids).");
        }

        var elementType = inputs[ids].ElementDataType;
        if (elementType is not (TensorElementType.Int64 or TensorElementType.Int32))
        {
            throw new InvalidDataException($"Model '{modelPath}': input '{ids}' is {elementType}; int64 or int32 expected.");
        }

        var kind = config.OutputKind;
        if (kind == SpladeOutputKind.NonzeroTerms || (kind == SpladeOutputKind.Auto && outputs.ContainsKey("output_idx") && outputs.ContainsKey("output_weights")))
        {
            if (!outputs.ContainsKey("output_idx") || !outputs.ContainsKey("output_weights"))
            {
                throw new InvalidDataException($"Model '{modelPath}' is configured for nonzero outputs but lacks 'output_idx' / 'output_weights' (outputs: {string.Join(", ", outputs.Keys)}).");
            }

            return new ModelSignature(ids, mask, types, elementType == TensorElementType.Int32, SpladeOutputKind.NonzeroTerms, "output_weights", "output_idx", null);
        }

        var name = config.OutputName
            ?? outputs.FirstOrDefault(o => o.Value.ElementDataType == TensorElementType.Float && o.Value.Dimensions.Length is 2 or 3).Key
            ?? throw new InvalidDataException(
                $"Model '{modelPath}' has no float output of rank 2 or 3 (outputs: {Describe(outputs)}); expected MLM logits [batch, seq, vocab] or pooled weights [batch, vocab].");
        if (!outputs.TryGetValue(name, out var meta))
        {
            throw new InvalidDataException($"Model '{modelPath}' has no output named '{name}' (outputs: {Describe(outputs)}).");
        }

        var rank = meta.Dimensions.Length;
        var detected = rank switch
        {
            3 => SpladeOutputKind.MlmLogits,
            2 => SpladeOutputKind.PooledWeights,
            _ => throw new InvalidDataException($"Model '{modelPath}': output '{name}' has rank {rank}; 3 (MLM logits) or 2 (pooled weights) expected."),
        };
        if (kind != SpladeOutputKind.Auto && kind != detected)
        {
            throw new InvalidDataException($"Model '{modelPath}': config says output kind {kind}, but output '{name}' has rank {rank}, which means {detected}.");
        }

        var last = meta.Dimensions[^1];
        return new ModelSignature(ids, mask, types, elementType == TensorElementType.Int32, detected, name, null, last > 0 ? last : null);
    }

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> outputs) =>
        string.Join(", ", outputs.Select(o => $"{o.Key} {o.Value.ElementDataType}[{string.Join(",", o.Value.Dimensions)}]"));
}
