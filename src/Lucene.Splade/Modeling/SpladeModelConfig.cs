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
/// The optional <c>splade_config.json</c> of a model folder: settings that the ONNX file and the tokenizer files do
/// not carry. Every property has a default, so a folder without the file works for uncased BERT-style SPLADE exports.
/// Immutable once created.
/// </summary>
/// <remarks>
/// The tokenizer settings (<see cref="LowerCase"/>, <see cref="StripAccents"/> and the special tokens) override those
/// of a <c>tokenizer.json</c> when set; left unset, the <c>tokenizer.json</c> values apply, or BERT's uncased defaults
/// for a folder with <c>vocab.txt</c>.
/// </remarks>
public sealed class SpladeModelConfig
{
    /// <summary>The file name looked for in a model folder.</summary>
    public const string FileName = "splade_config.json";

    /// <summary>Longest input in word pieces, <c>[CLS]</c> and <c>[SEP]</c> included. Default 512 (BERT's limit).</summary>
    [JsonPropertyName("max_length")]
    public int MaxLength { get; init; } = 512;

    /// <summary>Pooling over tokens for <see cref="SpladeOutputKind.MlmLogits"/> models. Default max.</summary>
    [JsonPropertyName("pooling")]
    [JsonConverter(typeof(JsonStringEnumConverter<SpladePooling>))]
    public SpladePooling Pooling { get; init; } = SpladePooling.Max;

    /// <summary>What the graph outputs; <see cref="SpladeOutputKind.Auto"/> detects it. Default auto.</summary>
    [JsonPropertyName("output_kind")]
    [JsonConverter(typeof(JsonStringEnumConverter<SpladeOutputKind>))]
    public SpladeOutputKind OutputKind { get; init; } = SpladeOutputKind.Auto;

    /// <summary>Name of the graph output to read, when the graph has several. Default: detected.</summary>
    [JsonPropertyName("output_name")]
    public string? OutputName { get; init; }

    /// <summary>Whether the tokenizer lower-cases (uncased models). Default: the <c>tokenizer.json</c> setting, else true.</summary>
    [JsonPropertyName("lowercase")]
    public bool? LowerCase { get; init; }

    /// <summary>
    /// Whether the tokenizer strips accents. Default: the <c>tokenizer.json</c> setting, else the same as
    /// <see cref="LowerCase"/>, as Hugging Face does.
    /// </summary>
    [JsonPropertyName("strip_accents")]
    public bool? StripAccents { get; init; }

    /// <summary>The classification token. Default: the <c>tokenizer.json</c> one, else <c>[CLS]</c>.</summary>
    [JsonPropertyName("cls_token")]
    public string? ClsToken { get; init; }

    /// <summary>The separator token. Default: the <c>tokenizer.json</c> one, else <c>[SEP]</c>.</summary>
    [JsonPropertyName("sep_token")]
    public string? SepToken { get; init; }

    /// <summary>The padding token. Default: the <c>tokenizer.json</c> one, else <c>[PAD]</c>.</summary>
    [JsonPropertyName("pad_token")]
    public string? PadToken { get; init; }

    /// <summary>The unknown-word token. Default: the <c>tokenizer.json</c> one, else <c>[UNK]</c>.</summary>
    [JsonPropertyName("unk_token")]
    public string? UnknownToken { get; init; }

    /// <summary>A human-readable description of the model, shown by tools. Optional.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

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

    /// <summary>The tokenizer settings of <paramref name="tokenizerFile"/> with this config's explicit settings applied.</summary>
    internal Tokenization.WordPieceTokenizerOptions ApplyTo(Tokenization.WordPieceTokenizerOptions tokenizerFile) => new()
    {
        LowerCase = LowerCase ?? tokenizerFile.LowerCase,
        StripAccents = StripAccents ?? (LowerCase is null ? tokenizerFile.StripAccents : null),
        HandleChineseCharacters = tokenizerFile.HandleChineseCharacters,
        MaxInputCharsPerWord = tokenizerFile.MaxInputCharsPerWord,
        ClsToken = ClsToken ?? tokenizerFile.ClsToken,
        SepToken = SepToken ?? tokenizerFile.SepToken,
        PadToken = PadToken ?? tokenizerFile.PadToken,
        UnknownToken = UnknownToken ?? tokenizerFile.UnknownToken,
        MaskToken = tokenizerFile.MaskToken,
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
