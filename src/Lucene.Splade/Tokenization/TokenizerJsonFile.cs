using System.Text.Json;

namespace Lucene.Splade.Tokenization;

/// <summary>
/// Reads the WordPiece vocabulary and the BERT normalization settings of a Hugging Face <c>tokenizer.json</c> (the
/// file of the Rust <c>tokenizers</c> library that <c>AutoTokenizer</c> loads), for model folders that ship it without
/// a <c>vocab.txt</c>.
/// </summary>
/// <remarks>
/// Hand-written because Microsoft.ML.Tokenizers 3.0 reads BERT vocabularies only from <c>vocab.txt</c>. Only the parts
/// a BERT WordPiece tokenizer uses are read: <c>model</c> (type <c>WordPiece</c>: <c>vocab</c>, <c>unk_token</c>,
/// <c>continuing_subword_prefix</c>, <c>max_input_chars_per_word</c>), <c>normalizer</c> (type <c>BertNormalizer</c>:
/// <c>lowercase</c>, <c>strip_accents</c>, <c>handle_chinese_chars</c>, <c>clean_text</c>), <c>pre_tokenizer</c> (type
/// <c>BertPreTokenizer</c>), <c>post_processor</c> (<c>TemplateProcessing</c> or <c>BertProcessing</c>: the tokens
/// around a single sequence), <c>padding.pad_token</c> and <c>added_tokens</c> (appended to the vocabulary when
/// their ids follow it). Any other tokenizer is refused with a message that says which part differs, rather than
/// tokenized differently from Hugging Face.
/// </remarks>
internal static class TokenizerJsonFile
{
    /// <summary>Reads a <c>tokenizer.json</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON, or not a BERT WordPiece tokenizer.</exception>
    public static (Vocabulary Vocabulary, WordPieceTokenizerOptions Options) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Tokenizer file not found: '{path}'.", path);
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var json = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return Read(json.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Tokenizer file '{path}' is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // JsonElement accessors throw this when a value has another JSON type than the schema's.
            throw new InvalidDataException($"Tokenizer file '{path}' does not follow the tokenizer.json schema: {e.Message}", e);
        }
    }

    private static (Vocabulary, WordPieceTokenizerOptions) Read(JsonElement root, string path)
    {
        var model = Object(root, "model", path)
            ?? throw new InvalidDataException($"Tokenizer file '{path}' has no \"model\".");
        var modelType = String(model, "type");
        if (modelType != "WordPiece")
        {
            throw new InvalidDataException(
                $"Tokenizer file '{path}' describes a {modelType ?? "(untyped)"} model; only BERT WordPiece tokenizers are supported.");
        }

        var prefix = String(model, "continuing_subword_prefix") ?? "##";
        if (prefix != "##")
        {
            throw new InvalidDataException($"Tokenizer file '{path}': continuing_subword_prefix is '{prefix}'; only '##' is supported.");
        }

        var vocabulary = ReadVocabulary(root, model, path);

        var normalizer = Object(root, "normalizer", path);
        if (normalizer is null || String(normalizer.Value, "type") != "BertNormalizer")
        {
            throw new InvalidDataException(
                $"Tokenizer file '{path}' has the normalizer {Describe(normalizer)}; only BertNormalizer is supported.");
        }

        if (Bool(normalizer.Value, "clean_text") == false)
        {
            throw new InvalidDataException($"Tokenizer file '{path}': BertNormalizer with clean_text false is not supported.");
        }

        var preTokenizer = Object(root, "pre_tokenizer", path);
        if (preTokenizer is null || String(preTokenizer.Value, "type") != "BertPreTokenizer")
        {
            throw new InvalidDataException(
                $"Tokenizer file '{path}' has the pre-tokenizer {Describe(preTokenizer)}; only BertPreTokenizer is supported.");
        }

        var defaults = new WordPieceTokenizerOptions();
        var (cls, sep) = ReadSequenceTokens(root, path);
        var lowerCase = Bool(normalizer.Value, "lowercase") ?? true;
        var options = new WordPieceTokenizerOptions
        {
            LowerCase = lowerCase,
            StripAccents = Bool(normalizer.Value, "strip_accents"),
            HandleChineseCharacters = Bool(normalizer.Value, "handle_chinese_chars") ?? true,
            MaxInputCharsPerWord = model.TryGetProperty("max_input_chars_per_word", out var max) && max.ValueKind == JsonValueKind.Number
                ? max.GetInt32()
                : defaults.MaxInputCharsPerWord,
            UnknownToken = String(model, "unk_token") ?? defaults.UnknownToken,
            ClsToken = cls ?? defaults.ClsToken,
            SepToken = sep ?? defaults.SepToken,
            PadToken = Object(root, "padding", path) is { } padding && String(padding, "pad_token") is { } pad ? pad : defaults.PadToken,
            MaskToken = vocabulary.TryGetId("[MASK]", out _) ? "[MASK]" : null,
        };
        return (vocabulary, options);
    }

    /// <summary><c>model.vocab</c> (token to id) plus the added tokens whose ids follow it, as an id-ordered list.</summary>
    private static Vocabulary ReadVocabulary(JsonElement root, JsonElement model, string path)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Tokenizer file '{path}' has no WordPiece vocabulary (model.vocab).");
        }

        var byId = new Dictionary<int, string>();
        void Add(string token, int id)
        {
            if (id < 0)
            {
                throw new InvalidDataException($"Tokenizer file '{path}': token '{token}' has the negative id {id}.");
            }

            if (byId.TryGetValue(id, out var existing) && existing != token)
            {
                throw new InvalidDataException($"Tokenizer file '{path}': id {id} belongs to both '{existing}' and '{token}'.");
            }

            byId[id] = token;
        }

        foreach (var entry in vocab.EnumerateObject())
        {
            Add(entry.Name, entry.Value.GetInt32());
        }

        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (String(token, "content") is { } content && token.TryGetProperty("id", out var id))
                {
                    Add(content, id.GetInt32());
                }
            }
        }

        var count = byId.Count;
        var tokens = new string[count];
        foreach (var (id, token) in byId)
        {
            if (id >= count)
            {
                throw new InvalidDataException(
                    $"Tokenizer file '{path}': the ids do not run from 0 to {count - 1} (id {id} for '{token}'), so they cannot be the model's output positions.");
            }

            tokens[id] = token;
        }

        return Vocabulary.FromTokens(tokens, path);
    }

    /// <summary>The tokens a single sequence gets before and after it: <c>[CLS]</c> and <c>[SEP]</c> in BERT.</summary>
    private static (string? Cls, string? Sep) ReadSequenceTokens(JsonElement root, string path)
    {
        var processor = Object(root, "post_processor", path);
        switch (processor is null ? null : String(processor.Value, "type"))
        {
            case "BertProcessing":
                return (FirstOfPair(processor!.Value, "cls"), FirstOfPair(processor.Value, "sep"));
            case "TemplateProcessing" when processor!.Value.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array:
                var pieces = single.EnumerateArray().ToList();
                var sequence = pieces.FindIndex(p => p.TryGetProperty("Sequence", out _));
                if (sequence != 1 || pieces.Count != 3)
                {
                    throw new InvalidDataException(
                        $"Tokenizer file '{path}': the post-processor's single-sequence template is not '[CLS] $A [SEP]' (one special token on each side).");
                }

                return (SpecialTokenId(pieces[0]), SpecialTokenId(pieces[2]));
            default:
                return (null, null);
        }

        static string? FirstOfPair(JsonElement element, string name) =>
            element.TryGetProperty(name, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() > 0 ? pair[0].GetString() : null;

        static string? SpecialTokenId(JsonElement piece) =>
            piece.TryGetProperty("SpecialToken", out var special) ? String(special, "id") : null;
    }

    private static JsonElement? Object(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? value
            : throw new InvalidDataException($"Tokenizer file '{path}': \"{name}\" is a {value.ValueKind}, not an object.");
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static string Describe(JsonElement? element) =>
        element is null ? "none" : String(element.Value, "type") ?? "(untyped)";
}
