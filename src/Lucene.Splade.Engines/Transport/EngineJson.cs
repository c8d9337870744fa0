using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lucene.Splade.Engines;

/// <summary>JSON settings shared by every body this package writes, and the reading of the engines' error bodies.</summary>
internal static class EngineJson
{
    /// <summary>Non-ASCII terms stay readable (the bodies are UTF-8 JSON, never embedded in HTML).</summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Encoder };

    public static JsonSerializerOptions SerializerOptions { get; } = new() { Encoder = Encoder };

    private const int ReasonLength = 300;

    /// <summary>
    /// The error type and reason of an engine's error body (<c>{"error": {"type", "reason"}}</c>, or an error that is a
    /// string); for any other body, no type and the start of the body.
    /// </summary>
    public static (string? Type, string Reason) Error(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
            {
                return Error(error);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): the start of the body says what it is.
        }

        return (null, Start(body));
    }

    /// <summary>The type and reason of an <c>error</c> element (an object, or a string).</summary>
    public static (string? Type, string Reason) Error(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.Object => (
            error.TryGetProperty("type", out var type) ? type.GetString() : null,
            error.TryGetProperty("reason", out var reason) && reason.GetString() is { } text ? text : Start(error.GetRawText())),
        JsonValueKind.String => (null, error.GetString()!),
        _ => (null, Start(error.GetRawText())),
    };

    private static string Start(string text) => text.Length <= ReasonLength ? text : text[..ReasonLength] + "...";
}
