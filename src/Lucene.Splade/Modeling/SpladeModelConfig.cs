using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lucene.Splade.Modeling;

/// <summary>How token weights are pooled over the sequence.</summary>
public enum SpladePooling
{
    /// <summary>SPLADE v2 / SPLADE++: <c>w_j = max_t log(1 + ReLU(logit_tj))</c>.</summary>
    Max,

    /// <summary>SPLADE v1: <c>w_j = sum_t log(1 + ReLU(logit_tj))</c>.</summary>
    Sum,
}

/// <summary>What the ONNX graph outputs.</summary>
public enum SpladeOutputKind
{
    /// <summary>Detect from the graph's outputs.</summary>
    Auto,

    /// <summary>MLM logits <c>[batch, seq, vocab]</c> (a plain <c>BertForMaskedLM</c> export); pooling is done by the library.</summary>
    MlmLogits,

    /// <summary>Already pooled term weights <c>[batch, vocab]</c>.</summary>
    PooledWeights,

    /// <summary>Anserini-style nonzero outputs <c>output_idx</c> and <c>output_weights</c> (one text per run).</summary>
    NonzeroTerms,
}

/// <summary>
/// The optional <c>splade_config.json</c> of a model folder: settings that the ONNX file and <c>vocab.txt</c> do not
/// carry. Every property has a default, so a folder without the file works for uncased BERT-style SPLADE exports.
/// </summary>
public sealed class SpladeModelConfig
{
    /// <summary>The file name looked for in a model folder.</summary>
    public const string FileName = "splade_config.json";

    /// <summary>Longest input in word pieces, <c>[CLS]</c> and <c>[SEP]</c> included. Default 512 (BERT's limit).</summary>
    [JsonPropertyName("max_length")]
    public int MaxLength { get; set; } = 512;

    /// <summary>Pooling over tokens for <see cref="SpladeOutputKind.MlmLogits"/> models. Default max.</summary>
    [JsonPropertyName("pooling")]
    [JsonConverter(typeof(JsonStringEnumConverter<SpladePooling>))]
    public SpladePooling Pooling { get; set; } = SpladePooling.Max;

    /// <summary>What the graph outputs; <see cref="SpladeOutputKind.Auto"/> detects it. Default auto.</summary>
    [JsonPropertyName("output_kind")]
    [JsonConverter(typeof(JsonStringEnumConverter<SpladeOutputKind>))]
    public SpladeOutputKind OutputKind { get; set; } = SpladeOutputKind.Auto;

    /// <summary>Name of the graph output to read, when the graph has several. Default: detected.</summary>
    [JsonPropertyName("output_name")]
    public string? OutputName { get; set; }

    /// <summary>Whether the tokenizer lower-cases (uncased models). Default true.</summary>
    [JsonPropertyName("lowercase")]
    public bool LowerCase { get; set; } = true;

    /// <summary>Whether the tokenizer strips accents. Default: same as <see cref="LowerCase"/>, as Hugging Face does.</summary>
    [JsonPropertyName("strip_accents")]
    public bool? StripAccents { get; set; }

    /// <summary>The classification token. Default <c>[CLS]</c>.</summary>
    [JsonPropertyName("cls_token")]
    public string ClsToken { get; set; } = "[CLS]";

    /// <summary>The separator token. Default <c>[SEP]</c>.</summary>
    [JsonPropertyName("sep_token")]
    public string SepToken { get; set; } = "[SEP]";

    /// <summary>The padding token. Default <c>[PAD]</c>.</summary>
    [JsonPropertyName("pad_token")]
    public string PadToken { get; set; } = "[PAD]";

    /// <summary>The unknown-word token. Default <c>[UNK]</c>.</summary>
    [JsonPropertyName("unk_token")]
    public string UnknownToken { get; set; } = "[UNK]";

    /// <summary>A human-readable description of the model, shown by tools. Optional.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a config file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON for this schema, or a value is out of range.</exception>
    public static SpladeModelConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SpladeModelConfig? config;
        try
        {
            using var stream = File.OpenRead(path);
            config = JsonSerializer.Deserialize<SpladeModelConfig>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model config '{path}' is not valid: {e.Message}", e);
        }

        if (config is null)
        {
            throw new InvalidDataException($"Model config '{path}' is empty (null).");
        }

        config.Validate(path);
        return config;
    }

    /// <summary>Writes this config as JSON.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
    }

    /// <summary>The tokenizer settings this config describes.</summary>
    internal Tokenization.WordPieceTokenizerOptions ToTokenizerOptions() => new()
    {
        LowerCase = LowerCase,
        StripAccents = StripAccents,
        ClsToken = ClsToken,
        SepToken = SepToken,
        PadToken = PadToken,
        UnknownToken = UnknownToken,
    };

    /// <summary>Checks value ranges.</summary>
    /// <exception cref="InvalidDataException">A value is out of range.</exception>
    internal void Validate(string source)
    {
        if (MaxLength < 2)
        {
            throw new InvalidDataException($"Model config '{source}': max_length must be at least 2 ([CLS] and [SEP]); it is {MaxLength}.");
        }
    }
}
