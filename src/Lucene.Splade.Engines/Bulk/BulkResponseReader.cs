using System.Text.Json;

namespace Lucene.Splade.Engines;

/// <summary>The outcome of one action of a bulk request.</summary>
internal readonly record struct BulkItemOutcome(int Status, string? ErrorType, string? Reason)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>
/// Reads a bulk response (<c>{"took", "errors", "items": [{"index": {"_id", "status", "error"?}}, ...]}</c>, the same
/// for Elasticsearch and OpenSearch): one outcome per action, in request order.
/// </summary>
internal static class BulkResponseReader
{
    /// <summary>The outcomes of the actions for <paramref name="ids"/>, or null with the problem when the body is not their bulk response.</summary>
    public static (BulkItemOutcome[]? Outcomes, string? Problem) Read(string body, IReadOnlyList<string> ids)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, $"the bulk response is not JSON ({e.Message})");
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("items", out var items)
                || items.ValueKind != JsonValueKind.Array)
            {
                return (null, "the bulk response has no 'items' array");
            }

            if (items.GetArrayLength() != ids.Count)
            {
                return (null, $"the bulk response has {items.GetArrayLength()} items for {ids.Count} documents");
            }

            var outcomes = new BulkItemOutcome[ids.Count];
            var i = 0;
            foreach (var item in items.EnumerateArray())
            {
                var result = item.ValueKind == JsonValueKind.Object ? item.EnumerateObject().FirstOrDefault().Value : default;
                if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("status", out var status) || !status.TryGetInt32(out var code))
                {
                    return (null, $"item {i} of the bulk response has no status");
                }

                if (result.TryGetProperty("_id", out var id) && id.GetString() != ids[i])
                {
                    return (null, $"item {i} of the bulk response is for '{id.GetString()}', not '{ids[i]}'");
                }

                var (type, reason) = result.TryGetProperty("error", out var error) ? EngineJson.Error(error) : (null, null);
                outcomes[i++] = new BulkItemOutcome(code, type, reason);
            }

            return (outcomes, null);
        }
    }
}
