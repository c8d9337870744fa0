namespace Lucene.Splade.Tests.Support.TinyModels;

// Public, not internal, so that public NUnit test methods can take these as parameters.

/// <summary>The three kinds of SPLADE ONNX export the library must read.</summary>
public enum TinyModelKind
{
    /// <summary>A plain <c>BertForMaskedLM</c> export: <c>logits</c> float <c>[batch, sequence, V]</c>.</summary>
    MlmLogits,

    /// <summary>Pooling inside the graph: <c>output</c> float <c>[batch, V]</c>, max over real tokens of <c>log(1 + ReLU(logit))</c>.</summary>
    PooledWeights,

    /// <summary>Anserini style, one text per run: <c>output_idx</c> int64 <c>[n]</c> and <c>output_weights</c> float <c>[n]</c>.</summary>
    NonzeroTerms,
}

/// <summary>
/// The graph's input names (all int64 <c>[batch, sequence]</c>); <see cref="TokenTypeIds"/> null means the graph has
/// no token-type input and uses type 0 throughout, as BERT does when it is not given one.
/// </summary>
public sealed record TinyModelInputNames(string InputIds, string AttentionMask, string? TokenTypeIds)
{
    /// <summary>Hugging Face exports: <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>.</summary>
    public static TinyModelInputNames Standard { get; } = new("input_ids", "attention_mask", "token_type_ids");

    /// <summary>Older TensorFlow-style exports: <c>input_ids</c>, <c>input_mask</c>, <c>segment_ids</c>.</summary>
    public static TinyModelInputNames TensorFlowStyle { get; } = new("input_ids", "input_mask", "segment_ids");

    /// <summary>Exports without a token-type input (e.g. DistilBERT-based): <c>input_ids</c>, <c>attention_mask</c>.</summary>
    public static TinyModelInputNames NoTokenTypes { get; } = new("input_ids", "attention_mask", null);

    /// <summary>Every variant, for parameterised tests.</summary>
    public static IReadOnlyList<TinyModelInputNames> All { get; } = [Standard, TensorFlowStyle, NoTokenTypes];
}
