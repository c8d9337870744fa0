using System.Text;
using System.Text.Json.Nodes;

namespace Lucene.Splade.Engines;

/// <summary>
/// Where and how SPLADE documents live in an engine: the index name, the field that holds the vectors, and the other
/// source fields to map as <c>text</c> (full-text) or <c>keyword</c> (exact). Immutable and thread-safe; every name is
/// checked when it is set.
/// </summary>
public sealed class EngineIndexLayout
{
    /// <summary>The default name of the vector field.</summary>
    public const string DefaultVectorField = "splade";

    /// <summary>Creates a layout for the index <paramref name="indexName"/>.</summary>
    /// <param name="indexName">Lowercase; not <c>.</c> or <c>..</c>; not starting with <c>-</c>, <c>_</c> or <c>+</c>; none of <c>\ / * ? " &lt; &gt; | , # :</c> or spaces; at most 255 bytes (the engines' rules).</param>
    /// <exception cref="ArgumentNullException"><paramref name="indexName"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="indexName"/> breaks a rule.</exception>
    public EngineIndexLayout(string indexName)
    {
        IndexName = CheckIndexName(indexName);
    }

    /// <summary>The index name.</summary>
    public string IndexName { get; }

    /// <summary>The field that holds the term weights. Default <see cref="DefaultVectorField"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty, blank, or starts or ends with a <c>.</c>.</exception>
    public string VectorField
    {
        get;
        init => field = CheckFieldName(value, nameof(VectorField));
    } = DefaultVectorField;

    /// <summary>Source fields mapped as <c>text</c> (analyzed, for BM25 on the engine). Default none.</summary>
    /// <exception cref="ArgumentException">A name is invalid or repeated.</exception>
    public IReadOnlyList<string> TextFields
    {
        get;
        init => field = CheckFieldNames(value, nameof(TextFields));
    } = [];

    /// <summary>Source fields mapped as <c>keyword</c> (exact values). Default none.</summary>
    /// <exception cref="ArgumentException">A name is invalid or repeated.</exception>
    public IReadOnlyList<string> KeywordFields
    {
        get;
        init => field = CheckFieldNames(value, nameof(KeywordFields));
    } = [];

    /// <summary>
    /// The body of <c>PUT /{index}</c> that creates the index: <c>{"mappings": {"properties": {...}}}</c> with the
    /// vector field of type <paramref name="vectorFieldType"/> (<c>sparse_vector</c> for Elasticsearch,
    /// <c>rank_features</c> for OpenSearch), the text fields as <c>text</c> and the keyword fields as <c>keyword</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="vectorFieldType"/> is empty, or a field is mapped twice.</exception>
    public string CreateIndexBody(string vectorFieldType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vectorFieldType);
        var properties = new JsonObject();
        foreach (var (name, type) in MappedFields(vectorFieldType))
        {
            properties[name] = new JsonObject { ["type"] = type };
        }

        return new JsonObject { ["mappings"] = new JsonObject { ["properties"] = properties } }.ToJsonString(EngineJson.SerializerOptions);
    }

    private IEnumerable<(string Name, string Type)> MappedFields(string vectorType)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fields = new[] { (VectorField, vectorType) }
            .Concat(TextFields.Select(f => (f, "text")))
            .Concat(KeywordFields.Select(f => (f, "keyword")));
        foreach (var (name, type) in fields)
        {
            if (!seen.Add(name))
            {
                throw new ArgumentException($"The field '{name}' is mapped twice (vector, text and keyword fields must differ).");
            }

            yield return (name, type);
        }
    }

    private static string CheckIndexName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string? problem = name switch
        {
            "" => "is empty",
            "." or ".." => "cannot be . or ..",
            _ when name[0] is '-' or '_' or '+' => "cannot start with -, _ or +",
            _ when name.Any(char.IsUpper) => "must be lowercase",
            _ when name.AsSpan().IndexOfAny("\\/*?\"<>|,#: \t\r\n") >= 0 => "cannot hold \\ / * ? \" < > | , # : or whitespace",
            _ when Encoding.UTF8.GetByteCount(name) > 255 => "is longer than 255 bytes",
            _ => null,
        };
        return problem is null ? name : throw new ArgumentException($"Index name '{name}' {problem}.", nameof(name));
    }

    private static string CheckFieldName(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name, what);
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Field name '{name}' is empty or has an empty path part ('.' at an end or '..').", what);
        }

        return name;
    }

    private static string[] CheckFieldNames(IReadOnlyList<string> names, string what)
    {
        ArgumentNullException.ThrowIfNull(names, what);
        var checkedNames = names.Select(n => CheckFieldName(n, what)).ToArray();
        var repeated = checkedNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? checkedNames : throw new ArgumentException($"Field '{repeated.Key}' is listed twice.", what);
    }
}
