using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lucene.Splade.TestSupport;

/// <summary>Which engine a <see cref="FakeSearchEngine"/> plays.</summary>
public enum EngineFlavor
{
    Elasticsearch,
    OpenSearch,
}

/// <summary>
/// A loopback Elasticsearch or OpenSearch (on 127.0.0.1, a free port) for tests without a cluster. It
/// checks every request against the documented REST API (index mapping, bulk NDJSON, the <c>sparse_vector</c> or
/// <c>neural_sparse</c> query) and records each departure in <see cref="Violations"/>; it answers with the engines'
/// recorded response shapes, keeps the documents it acknowledged (so a test can see what landed, with the keys and
/// weights as sent), scores searches as the dot product, and can be told to throttle (HTTP 429, for a request or a
/// document), to reject a document, or to fail requests. Thread-safe.
/// </summary>
/// <remarks>
/// The HTTP server is the test project's part of this partial class (<see cref="StartServer"/>): WireMock.Net in the
/// engines' tests; in the sample's tests, the BCL's HttpListener, since WireMock brings ASP.NET Core into the test
/// folder and the sample's out-of-process tests run the console from that folder without it.
/// </remarks>
internal sealed partial class FakeSearchEngine : IDisposable
{
    private readonly Lock _lock = new();
    private readonly IDisposable _server;
    private readonly Dictionary<string, Dictionary<string, string>> _mappings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<string, int> _throttledDocuments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rejectedDocuments = new(StringComparer.Ordinal);
    private readonly Queue<int> _requestFailures = new();
    private int? _retryAfterSeconds;
    private int _seqNo;

    public FakeSearchEngine(EngineFlavor flavor)
    {
        Flavor = flavor;
        _server = StartServer(out var url);
        Url = url;
    }

    public EngineFlavor Flavor { get; }

    /// <summary>The server's address (http://127.0.0.1:port).</summary>
    public string Url { get; }

    /// <summary>The vector field type of the mapping this engine accepts.</summary>
    public string VectorType => Flavor == EngineFlavor.Elasticsearch ? "sparse_vector" : "rank_features";

    /// <summary>Each request that departed from the documented API, in words.</summary>
    public IReadOnlyList<string> Violations
    {
        get { lock (_lock) { return [.. _violations]; } }
    }

    /// <summary>Every request, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_lock) { return [.. _requests]; } }
    }

    /// <summary>The bulk requests, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> BulkRequests => Requests.Where(r => r.Path == "/_bulk").ToArray();

    /// <summary>The documents acknowledged so far, by id.</summary>
    public IReadOnlyDictionary<string, StoredDocument> Documents
    {
        get { lock (_lock) { return new Dictionary<string, StoredDocument>(_documents); } }
    }

    /// <summary>The next <paramref name="count"/> bulk requests are answered 429 as a whole, with a <c>Retry-After</c> header of <paramref name="retryAfterSeconds"/> when given.</summary>
    public void ThrottleRequests(int count, int? retryAfterSeconds = null)
    {
        lock (_lock)
        {
            _retryAfterSeconds = retryAfterSeconds;
        }

        FailRequests(429, count);
    }

    /// <summary>The next <paramref name="count"/> bulk requests are answered with <paramref name="status"/> as a whole.</summary>
    public void FailRequests(int status, int count)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _requestFailures.Enqueue(status);
            }
        }
    }

    /// <summary>The document's item is answered 429 the next <paramref name="times"/> times it is sent (int.MaxValue: always).</summary>
    public void ThrottleDocument(string id, int times)
    {
        lock (_lock)
        {
            _throttledDocuments[id] = times;
        }
    }

    /// <summary>The document's item is always answered 400 with a parsing error.</summary>
    public void RejectDocument(string id)
    {
        lock (_lock)
        {
            _rejectedDocuments.Add(id);
        }
    }

    public void Dispose() => _server.Dispose();

    /// <summary>Starts the HTTP server on a free loopback port; every request goes to <see cref="Handle"/>.</summary>
    private partial IDisposable StartServer(out string url);

    /// <summary>The answer to one request, as the engine gives it.</summary>
    private FakeResponse Handle(RecordedRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
            CheckHeaders(request);
            var segments = request.Path.Trim('/').Split('/');
            return (request.Method, segments) switch
            {
                ("PUT", [var index]) => CreateIndex(index, request.Body),
                ("POST", ["_bulk"]) => Bulk(request.Body),
                ("POST" or "GET", [var index, "_search"]) => Search(index, request.Body),
                ("POST", [var index, "_refresh"]) => Json(200, """{"_shards":{"total":2,"successful":1,"failed":0}}"""),
                _ => Violation(404, $"{request.Method} {request.Path} is not an API these clients call"),
            };
        }
    }

    private void CheckHeaders(RecordedRequest request)
    {
        var (contentType, body) = (request.ContentType, request.Body);
        var accept = request.Accept ?? "";
        if (!accept.Contains("application/json", StringComparison.Ordinal) || accept.Contains("compatible-with", StringComparison.Ordinal))
        {
            _violations.Add($"{request.Path}: Accept '{accept}' is not application/json (Elasticsearch 8.x refuses compatible-with=9)");
        }

        var expected = request.Path == "/_bulk" ? "application/x-ndjson" : "application/json";
        if (body.Length > 0 && (contentType is null || !contentType.StartsWith(expected, StringComparison.Ordinal) || contentType.Contains("compatible-with", StringComparison.Ordinal)))
        {
            _violations.Add($"{request.Path}: Content-Type '{contentType}' is not {expected}");
        }
    }

    private FakeResponse CreateIndex(string index, string body)
    {
        if (_mappings.ContainsKey(index))
        {
            const string Exists = """{"error":{"root_cause":[{"type":"resource_already_exists_exception","reason":"index [INDEX/Xq1lq6NTTn2ZMN3XJz1Klw] already exists","index_uuid":"Xq1lq6NTTn2ZMN3XJz1Klw","index":"INDEX"}],"type":"resource_already_exists_exception","reason":"index [INDEX/Xq1lq6NTTn2ZMN3XJz1Klw] already exists","index_uuid":"Xq1lq6NTTn2ZMN3XJz1Klw","index":"INDEX"},"status":400}""";
            return Json(400, Exists.Replace("INDEX", index, StringComparison.Ordinal));
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Parse(body) is not JsonObject root || root.Any(p => p.Key is not ("mappings" or "settings"))
            || root["mappings"] is not JsonObject mappings || mappings.Count != 1 || mappings["properties"] is not JsonObject properties)
        {
            return Violation(400, $"PUT /{index}: the body is not {{\"mappings\": {{\"properties\": {{...}}}}}}: {body}");
        }

        foreach (var (name, value) in properties)
        {
            if (value is not JsonObject field || field.Count != 1 || field["type"]?.GetValue<string>() is not ({ } type and ("text" or "keyword" or "sparse_vector" or "rank_features")))
            {
                return Violation(400, $"PUT /{index}: field '{name}' is not {{\"type\": text|keyword|{VectorType}}}: {value?.ToJsonString()}");
            }

            fields[name] = type;
        }

        var vectorFields = fields.Where(f => f.Value is "sparse_vector" or "rank_features").ToArray();
        if (vectorFields.Length != 1 || vectorFields[0].Value != VectorType)
        {
            return Violation(400, $"PUT /{index}: expected exactly one {VectorType} field, got {string.Join(", ", vectorFields.Select(f => $"{f.Key}: {f.Value}"))}");
        }

        _mappings[index] = fields;
        return Json(200, $$"""{"acknowledged":true,"shards_acknowledged":true,"index":"{{index}}"}""");
    }

    private FakeResponse Bulk(string body)
    {
        if (!body.EndsWith('\n'))
        {
            return Violation(400, "bulk: the body does not end with a newline");
        }

        var lines = body[..^1].Split('\n');
        if (lines.Length % 2 != 0)
        {
            return Violation(400, $"bulk: {lines.Length} lines, not action + source pairs");
        }

        var actions = new List<(string Index, string Id, JsonObject Source)>();
        for (var i = 0; i < lines.Length; i += 2)
        {
            if (Parse(lines[i]) is not JsonObject action || action.Count != 1 || action["index"] is not JsonObject meta
                || meta["_index"]?.GetValue<string>() is not { } index || meta["_id"]?.GetValue<string>() is not { Length: > 0 } id
                || meta.Count != 2)
            {
                return Violation(400, $"bulk line {i + 1}: not {{\"index\": {{\"_index\", \"_id\"}}}}: {lines[i]}");
            }

            if (!_mappings.TryGetValue(index, out var fields))
            {
                return Violation(404, $"bulk line {i + 1}: index '{index}' was never created");
            }

            if (Parse(lines[i + 1]) is not JsonObject source || CheckSource(source, fields) is { } problem)
            {
                return Violation(400, $"bulk line {i + 2}: {(Parse(lines[i + 1]) is JsonObject s ? CheckSource(s, fields) : "not a JSON object")}: {lines[i + 1]}");
            }

            actions.Add((index, id, source));
        }

        if (_requestFailures.TryDequeue(out var status))
        {
            return status == 429 ? Json(429, Rejected(Flavor, "coordinating")) with { RetryAfterSeconds = _retryAfterSeconds } : Json(status, $$"""{"error":{"root_cause":[{"type":"fake_failure","reason":"told to fail"}],"type":"fake_failure","reason":"told to fail"},"status":{{status}}}""");
        }

        var items = new JsonArray();
        var errors = false;
        foreach (var (index, id, source) in actions)
        {
            JsonObject item;
            if (_rejectedDocuments.Contains(id))
            {
                var type = Flavor == EngineFlavor.Elasticsearch ? "document_parsing_exception" : "mapper_parsing_exception";
                item = new JsonObject
                {
                    ["_index"] = index, ["_id"] = id, ["status"] = 400,
                    ["error"] = new JsonObject { ["type"] = type, ["reason"] = $"[1:2] failed to parse field [text] of type [text] in document with id '{id}'." },
                };
            }
            else if (_throttledDocuments.TryGetValue(id, out var times) && times > 0)
            {
                _throttledDocuments[id] = times == int.MaxValue ? times : times - 1;
                item = new JsonObject
                {
                    ["_index"] = index, ["_id"] = id, ["status"] = 429,
                    ["error"] = JsonNode.Parse(Rejected(Flavor, "primary"))!["error"]!.DeepClone(),
                };
            }
            else
            {
                var created = !_documents.ContainsKey(id);
                _documents[id] = new StoredDocument(index, source);
                item = new JsonObject
                {
                    ["_index"] = index, ["_id"] = id, ["_version"] = 1, ["result"] = created ? "created" : "updated",
                    ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
                    ["_seq_no"] = _seqNo++, ["_primary_term"] = 1, ["status"] = created ? 201 : 200,
                };
            }

            errors |= item["status"]!.GetValue<int>() >= 300;
            items.Add(new JsonObject { ["index"] = item });
        }

        return Json(200, new JsonObject { ["took"] = 7, ["errors"] = errors, ["items"] = items }.ToJsonString());
    }

    /// <summary>Null when the source's fields fit the mapping: strings for text and keyword fields, a vector of positive numbers under keys without dots.</summary>
    private static string? CheckSource(JsonObject source, Dictionary<string, string> fields)
    {
        foreach (var (name, type) in fields)
        {
            var value = source[name];
            if (type is "sparse_vector" or "rank_features")
            {
                if (value is not JsonObject vector)
                {
                    return $"the {type} field '{name}' is missing or not an object";
                }

                foreach (var (key, weight) in vector)
                {
                    if (key.Length == 0 || key.Contains('.', StringComparison.Ordinal))
                    {
                        return $"[{type}] fields do not support dots in feature names but found [{key}]";
                    }

                    if (weight is not JsonValue number || number.GetValueKind() != JsonValueKind.Number || !(number.GetValue<double>() > 0) || !double.IsFinite(number.GetValue<double>()))
                    {
                        return $"[{type}] fields only support strictly positive values, found {weight?.ToJsonString()} for [{key}]";
                    }
                }
            }
            else if (value is not null && value.GetValueKind() != JsonValueKind.String)
            {
                return $"the {type} field '{name}' is not a string";
            }
        }

        return null;
    }

    private FakeResponse Search(string index, string body)
    {
        if (!_mappings.TryGetValue(index, out var fields))
        {
            return Violation(404, $"search: index '{index}' was never created");
        }

        var vectorField = fields.Single(f => f.Value == VectorType).Key;
        if (Parse(body) is not JsonObject root || root["size"] is not JsonValue size || size.GetValueKind() != JsonValueKind.Number
            || root["_source"]?.GetValueKind() != JsonValueKind.False || root["query"] is not JsonObject query || root.Count != 3)
        {
            return Violation(400, $"search: not {{\"size\", \"_source\": false, \"query\"}}: {body}");
        }

        Dictionary<string, double> queryVector;
        if (query.Count == 1 && query["match_none"] is JsonObject { Count: 0 })
        {
            queryVector = [];
        }
        else if (QueryVector(query, vectorField) is { } vector)
        {
            queryVector = vector;
        }
        else
        {
            return Violation(400, $"search: not a documented {(Flavor == EngineFlavor.Elasticsearch ? "sparse_vector" : "neural_sparse")} query with precomputed weights on '{vectorField}': {query.ToJsonString()}");
        }

        var hits = _documents
            .Where(d => d.Value.Index == index)
            .Select(d => (Id: d.Key, Score: d.Value.Vector(vectorField).Sum(t => queryVector.GetValueOrDefault(t.Key) * t.Value)))
            .Where(h => h.Score > 0)
            .OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal)
            .Take(size.GetValue<int>())
            .ToArray();
        var hitArray = new JsonArray(hits.Select(h => (JsonNode)new JsonObject { ["_index"] = index, ["_id"] = h.Id, ["_score"] = h.Score }).ToArray());
        var response = new JsonObject
        {
            ["took"] = 2, ["timed_out"] = false,
            ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
            ["hits"] = new JsonObject
            {
                ["total"] = new JsonObject { ["value"] = hits.Length, ["relation"] = "eq" },
                ["max_score"] = hits.Length > 0 ? hits[0].Score : null,
                ["hits"] = hitArray,
            },
        };
        return Json(200, response.ToJsonString());
    }

    /// <summary>The query's weights when it is the documented query on the vector field; null otherwise.</summary>
    private Dictionary<string, double>? QueryVector(JsonObject query, string vectorField)
    {
        JsonObject? vector;
        if (Flavor == EngineFlavor.Elasticsearch)
        {
            if (query.Count != 1 || query["sparse_vector"] is not JsonObject sparse || sparse["field"]?.GetValue<string>() != vectorField
                || sparse.Any(p => p.Key is not ("field" or "query_vector" or "prune" or "pruning_config"))
                || sparse["prune"] is { } prune && prune.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)
                || sparse["pruning_config"] is { } config && !IsPruningConfig(config))
            {
                return null;
            }

            vector = sparse["query_vector"] as JsonObject;
        }
        else
        {
            if (query.Count != 1 || query["neural_sparse"] is not JsonObject neural || neural.Count != 1
                || neural[vectorField] is not JsonObject clause || clause.Count != 1)
            {
                return null;
            }

            vector = clause["query_tokens"] as JsonObject;
        }

        if (vector is null || vector.Count == 0 || vector.Any(t => t.Key.Contains('.', StringComparison.Ordinal) || t.Value?.GetValueKind() != JsonValueKind.Number || !(t.Value.GetValue<double>() > 0)))
        {
            return null;
        }

        return vector.ToDictionary(t => t.Key, t => t.Value!.GetValue<double>(), StringComparer.Ordinal);
    }

    private static bool IsPruningConfig(JsonNode config) =>
        config is JsonObject o
        && o.All(p => p.Key is "tokens_freq_ratio_threshold" or "tokens_weight_threshold" or "only_score_pruned_tokens")
        && (o["tokens_freq_ratio_threshold"] is null || o["tokens_freq_ratio_threshold"]!.GetValue<double>() is >= 1 and <= 100)
        && (o["tokens_weight_threshold"] is null || o["tokens_weight_threshold"]!.GetValue<double>() is >= 0 and <= 1)
        && (o["only_score_pruned_tokens"] is null || o["only_score_pruned_tokens"]!.GetValueKind() is JsonValueKind.True or JsonValueKind.False);

    private static string Rejected(EngineFlavor flavor, string stage)
    {
        var type = flavor == EngineFlavor.Elasticsearch ? "es_rejected_execution_exception" : "rejected_execution_exception";
        var reason = $"rejected execution of {stage} operation [coordinating_and_primary_bytes=104857600, replica_bytes=0, all_bytes=104857600, max_coordinating_and_primary_bytes=104857600]";
        return $$"""{"error":{"root_cause":[{"type":"{{type}}","reason":"{{reason}}"}],"type":"{{type}}","reason":"{{reason}}"},"status":429}""";
    }

    private FakeResponse Violation(int status, string problem)
    {
        _violations.Add(problem);
        return Json(status, new JsonObject { ["error"] = new JsonObject { ["type"] = "illegal_argument_exception", ["reason"] = problem }, ["status"] = status }.ToJsonString());
    }

    private FakeResponse Json(int status, string body) =>
        new(status, body, Flavor == EngineFlavor.Elasticsearch ? "Elasticsearch" : null);

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A request as the fake engine received it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string? ContentType, string? Accept, string Body);

/// <summary>An answer of the fake engine: status, JSON body, and the <c>X-Elastic-Product</c> header when it plays Elasticsearch.</summary>
internal sealed record FakeResponse(int Status, string Body, string? ElasticProduct)
{
    public const string ContentType = "application/json; charset=UTF-8";

    /// <summary>The <c>Retry-After</c> header's seconds, when the answer has one.</summary>
    public int? RetryAfterSeconds { get; init; }
}

/// <summary>A document the fake engine acknowledged: its index and its source as sent.</summary>
internal sealed record StoredDocument(string Index, JsonObject Source)
{
    /// <summary>The vector field's keys and weights as sent.</summary>
    public IReadOnlyDictionary<string, double> Vector(string field) =>
        Source[field]!.AsObject().ToDictionary(t => t.Key, t => t.Value!.GetValue<double>(), StringComparer.Ordinal);

    /// <summary>A text field's value, or null.</summary>
    public string? Text(string field) => Source[field]?.GetValue<string>();
}
