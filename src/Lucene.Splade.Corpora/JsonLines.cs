using System.Text.Json;

namespace Lucene.Splade.Corpora;

/// <summary>JSON Lines files: one JSON object per line, blank lines ignored.</summary>
internal static class JsonLines
{
    /// <summary>The keys that may hold a document's id, text and title, in the order they are looked for.</summary>
    public static readonly string[] IdKeys = ["_id", "id", "docid", "doc_id"];

    public static readonly string[] TextKeys = ["text", "contents", "body", "content"];

    public static readonly string[] TitleKeys = ["title"];

    /// <summary>Each non-blank line parsed, with its 1-based number, or the reason it is not a JSON object.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IEnumerable<(int Line, JsonElement? Element, string? Problem)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        return ReadLines();

        IEnumerable<(int, JsonElement?, string?)> ReadLines()
        {
            var number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                JsonElement element;
                string? problem = null;
                try
                {
                    using var document = JsonDocument.Parse(line);
                    element = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    element = default;
                    problem = $"not valid JSON ({e.Message})";
                }

                if (problem is null && element.ValueKind != JsonValueKind.Object)
                {
                    problem = "expected a JSON object";
                }

                yield return problem is null ? (number, element, null) : (number, null, problem);
            }
        }
    }

    /// <summary>The first of <paramref name="keys"/> that the object has, as text (a string or a number); else null.</summary>
    public static string? FirstValue(JsonElement element, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            if (element.TryGetProperty(key, out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }
}
