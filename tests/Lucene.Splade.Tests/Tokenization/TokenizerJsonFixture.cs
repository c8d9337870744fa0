using System.Text.Json;
using System.Text.Json.Nodes;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Tests.Tokenization;

/// <summary>
/// Writes <c>tokenizer.json</c> files in the layout Hugging Face's <c>tokenizers</c> library saves for BERT
/// (bert-base-uncased's file, with the vocabulary and normalizer settings given here).
/// </summary>
internal static class TokenizerJsonFixture
{
    public static JsonObject Create(Vocabulary vocabulary, bool lowerCase = true, bool? stripAccents = null, bool handleChineseChars = true, bool templateProcessing = true)
    {
        var vocab = new JsonObject();
        for (var id = 0; id < vocabulary.Count; id++)
        {
            vocab[vocabulary[id]] = id;
        }

        var added = new JsonArray();
        foreach (var special in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" })
        {
            if (vocabulary.TryGetId(special, out var id))
            {
                added.Add(new JsonObject
                {
                    ["id"] = id, ["content"] = special, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                    ["normalized"] = false, ["special"] = true,
                });
            }
        }

        vocabulary.TryGetId("[CLS]", out var cls);
        vocabulary.TryGetId("[SEP]", out var sep);
        JsonNode postProcessor = templateProcessing
            ? new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[CLS]", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[SEP]", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(),
                ["special_tokens"] = new JsonObject
                {
                    ["[CLS]"] = new JsonObject { ["id"] = "[CLS]", ["ids"] = new JsonArray(cls), ["tokens"] = new JsonArray("[CLS]") },
                    ["[SEP]"] = new JsonObject { ["id"] = "[SEP]", ["ids"] = new JsonArray(sep), ["tokens"] = new JsonArray("[SEP]") },
                },
            }
            : new JsonObject { ["type"] = "BertProcessing", ["sep"] = new JsonArray("[SEP]", sep), ["cls"] = new JsonArray("[CLS]", cls) };

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = handleChineseChars,
                ["strip_accents"] = stripAccents is { } s ? JsonValue.Create(s) : null, ["lowercase"] = lowerCase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = postProcessor,
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab,
            },
        };
    }

    public static string Write(string path, JsonObject tokenizer)
    {
        File.WriteAllText(path, tokenizer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
