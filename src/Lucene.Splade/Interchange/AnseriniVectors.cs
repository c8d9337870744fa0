using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Interchange;

/// <summary>A document of an Anserini <c>JsonVectorCollection</c>: its id, its text and its term frequencies.</summary>
/// <param name="Id">The document id (Anserini's <c>id</c>).</param>
/// <param name="Contents">The document text (Anserini's <c>contents</c>); may be empty.</param>
/// <param name="Vector">The integer weights (Anserini's <c>vector</c>), as this library's quantizer writes them.</param>
public sealed record AnseriniDocument(string Id, string Contents, QuantizedVector Vector);

/// <summary>A pre-encoded query: its id and integer weights.</summary>
/// <param name="Id">The query id.</param>
/// <param name="Vector">The integer weights.</param>
public sealed record AnseriniQuery(string Id, QuantizedVector Vector);

/// <summary>
/// Reads and writes Anserini's formats for learned sparse vectors, so vectors encoded here can be indexed by Anserini
/// and vectors encoded elsewhere (for example on a GPU machine with Python) indexed here without the model:
/// documents as <c>JsonVectorCollection</c> lines, <c>{"id": ..., "contents": ..., "vector": {"term": weight, ...}}</c>,
/// and queries as Anserini's pre-tokenized TSV, <c>id&lt;TAB&gt;term term term ...</c>, each term repeated as many times
/// as its weight.
/// </summary>
/// <remarks>
/// <para>
/// Keys are the vocabulary's own tokens, word-piece continuations included (<c>##ing</c>), and weights are the integer
/// term frequencies of <see cref="TermFrequencyQuantizer"/> (the index's own), as Anserini expects: importing a file
/// and indexing it with <see cref="Analysis.SpladeField.CreateEncodedField(string, QuantizedVector, Vocabulary)"/>
/// gives the same postings as indexing the vectors directly. Floats of another tool's quantization are rejected, not
/// rounded.
/// </para>
/// <para>
/// Reading is strict and says where a problem is (source and line): invalid JSON, a missing or non-string id, a key
/// outside the vocabulary or reserved (special tokens never become index terms), a weight that is not a positive
/// integer, a key given twice. Stateless and thread-safe.
/// </para>
/// </remarks>
public static class AnseriniVectors
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one document as a <c>JsonVectorCollection</c> line (with the trailing newline).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public static void WriteDocument(TextWriter writer, AnseriniDocument document, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", document.Id);
            json.WriteString("contents", document.Contents);
            json.WriteStartObject("vector");
            var ids = document.Vector.TermIds;
            var frequencies = document.Vector.Frequencies;
            for (var i = 0; i < ids.Length; i++)
            {
                json.WriteNumber(Term(vocabulary, ids[i]), frequencies[i]);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        writer.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        writer.Write('\n');
    }

    /// <summary>Writes one query as a line of Anserini's pre-tokenized TSV (with the trailing newline).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The id holds a tab or a line break, or a term id is outside the vocabulary.</exception>
    public static void WriteQuery(TextWriter writer, AnseriniQuery query, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (query.Id.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
        {
            throw new ArgumentException($"Query id '{query.Id}' holds a tab or a line break, which the TSV format cannot carry.", nameof(query));
        }

        var line = new StringBuilder(query.Id).Append('\t');
        var ids = query.Vector.TermIds;
        var frequencies = query.Vector.Frequencies;
        var first = true;
        for (var i = 0; i < ids.Length; i++)
        {
            var term = Term(vocabulary, ids[i]);
            for (var r = 0; r < frequencies[i]; r++)
            {
                line.Append(first ? "" : " ").Append(term);
                first = false;
            }
        }

        writer.Write(line.Append('\n').ToString());
    }

    /// <summary>Reads a <c>JsonVectorCollection</c> file's documents, lazily, one per non-empty line.</summary>
    /// <param name="reader">The lines.</param>
    /// <param name="vocabulary">The vocabulary whose tokens the keys are.</param>
    /// <param name="source">Names the input in error messages (a file name).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidDataException">A line is not a valid document (the message gives the source and line).</exception>
    public static IEnumerable<AnseriniDocument> ReadDocuments(TextReader reader, Vocabulary vocabulary, string source = "input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(source);
        return ReadDocumentsIterator(reader, vocabulary, source);
    }

    /// <summary>Reads pre-tokenized TSV queries (<c>id&lt;TAB&gt;term term ...</c>; a term's count is its weight), lazily.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidDataException">A line has no tab or an unknown term (the message gives the source and line).</exception>
    public static IEnumerable<AnseriniQuery> ReadQueries(TextReader reader, Vocabulary vocabulary, string source = "input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(source);
        return ReadQueriesIterator(reader, vocabulary, source);
    }

    private static IEnumerable<AnseriniDocument> ReadDocumentsIterator(TextReader reader, Vocabulary vocabulary, string source)
    {
        var lineNumber = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ParseDocument(line, vocabulary, $"{source}:{lineNumber.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static AnseriniDocument ParseDocument(string line, Vocabulary vocabulary, string where)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: not a JSON object ({e.Message})", e);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: not a JSON object");
            }

            if (!root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{where}: no string 'id'");
            }

            var contents = root.TryGetProperty("contents", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "";
            if (!root.TryGetProperty("vector", out var vector) || vector.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: no 'vector' object");
            }

            var weights = new SortedDictionary<int, int>();
            foreach (var property in vector.EnumerateObject())
            {
                var termId = TermId(vocabulary, property.Name, where);
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var weight) || weight <= 0)
                {
                    throw new InvalidDataException($"{where}: the weight of '{property.Name}' is {property.Value.GetRawText()}; expected a positive integer (quantize floats with this library's TermFrequencyQuantizer first)");
                }

                if (!weights.TryAdd(termId, weight))
                {
                    throw new InvalidDataException($"{where}: '{property.Name}' appears twice in 'vector'");
                }
            }

            return new AnseriniDocument(id.GetString()!, contents, new QuantizedVector([.. weights.Keys], [.. weights.Values]));
        }
    }

    private static IEnumerable<AnseriniQuery> ReadQueriesIterator(TextReader reader, Vocabulary vocabulary, string source)
    {
        var lineNumber = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var where = $"{source}:{lineNumber.ToString(CultureInfo.InvariantCulture)}";
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                throw new InvalidDataException($"{where}: expected 'query id<TAB>terms'");
            }

            var counts = new SortedDictionary<int, int>();
            foreach (var term in line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var termId = TermId(vocabulary, term, where);
                counts[termId] = counts.GetValueOrDefault(termId) + 1;
            }

            yield return new AnseriniQuery(line[..tab], new QuantizedVector([.. counts.Keys], [.. counts.Values]));
        }
    }

    private static string Term(Vocabulary vocabulary, int id) =>
        (uint)id < (uint)vocabulary.Count
            ? vocabulary[id]
            : throw new ArgumentException($"Term id {id} is outside the vocabulary ({vocabulary.Count} entries).");

    private static int TermId(Vocabulary vocabulary, string term, string where)
    {
        if (!vocabulary.TryGetId(term, out var id))
        {
            throw new InvalidDataException($"{where}: '{term}' is not in the vocabulary ({vocabulary.Source}); were the vectors made with another model?");
        }

        if (vocabulary.IsExcludedTerm(id))
        {
            throw new InvalidDataException($"{where}: '{term}' is a special token, which never becomes an index term");
        }

        return id;
    }
}
