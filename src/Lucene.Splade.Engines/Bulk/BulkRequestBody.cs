using System.Buffers;
using System.Text.Json;

namespace Lucene.Splade.Engines;

/// <summary>
/// Writes the body of a bulk request, the same for Elasticsearch and OpenSearch: per document an action line
/// <c>{"index": {"_index": ..., "_id": ...}}</c> and a source line with the document's fields and its vector field
/// (<c>{"term key": weight, ...}</c>, keys mapped by <see cref="EngineTermKeys"/>, float weights), each line ending in
/// <c>\n</c>. Such a file can be sent as it is (<c>POST /_bulk</c>, <c>Content-Type: application/x-ndjson</c>).
/// Stateless and thread-safe.
/// </summary>
public static class BulkRequestBody
{
    /// <summary>Writes the actions of <paramref name="documents"/> to <paramref name="output"/> (UTF-8).</summary>
    /// <exception cref="ArgumentNullException">An argument is null, or a document is.</exception>
    /// <exception cref="ArgumentException">A document has a source field named like the layout's vector field.</exception>
    public static void Write(Stream output, IEnumerable<EngineDocument> documents, EngineIndexLayout layout)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(layout);
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var document in documents)
        {
            buffer.ResetWrittenCount();
            WriteAction(buffer, document, layout);
            output.Write(buffer.WrittenSpan);
        }
    }

    /// <summary>The actions of <paramref name="documents"/> as one UTF-8 body.</summary>
    /// <exception cref="ArgumentNullException">An argument is null, or a document is.</exception>
    /// <exception cref="ArgumentException">A document has a source field named like the layout's vector field.</exception>
    public static byte[] Create(IEnumerable<EngineDocument> documents, EngineIndexLayout layout)
    {
        using var body = new MemoryStream();
        Write(body, documents, layout);
        return body.ToArray();
    }

    private static void WriteAction(IBufferWriter<byte> output, EngineDocument document, EngineIndexLayout layout)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Fields.ContainsKey(layout.VectorField))
        {
            throw new ArgumentException($"Document '{document.Id}' has a source field '{layout.VectorField}', the name of the vector field.", nameof(document));
        }

        using (var action = new Utf8JsonWriter(output, EngineJson.WriterOptions))
        {
            action.WriteStartObject();
            action.WriteStartObject("index");
            action.WriteString("_index", layout.IndexName);
            action.WriteString("_id", document.Id);
            action.WriteEndObject();
            action.WriteEndObject();
        }

        output.Write("\n"u8);
        using (var source = new Utf8JsonWriter(output, EngineJson.WriterOptions))
        {
            source.WriteStartObject();
            foreach (var (name, value) in document.Fields)
            {
                source.WriteString(name, value);
            }

            source.WriteStartObject(layout.VectorField);
            foreach (var (term, weight) in document.Terms)
            {
                source.WriteNumber(EngineTermKeys.ToKey(term), weight);
            }

            source.WriteEndObject();
            source.WriteEndObject();
        }

        output.Write("\n"u8);
    }
}
