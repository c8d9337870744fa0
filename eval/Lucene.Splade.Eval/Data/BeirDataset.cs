using System.Globalization;
using System.Text.Json;

namespace Lucene.Splade.Eval.Data;

/// <summary>A document of a BEIR collection.</summary>
internal sealed record BeirDocument(string Id, string Title, string Text)
{
    /// <summary>Title and text in one string, as BEIR "flat" runs index them (Anserini: title + " " + text).</summary>
    public string Contents => Title.Length == 0 ? Text : Title + " " + Text;
}

/// <summary>A query of a BEIR collection.</summary>
internal sealed record BeirQuery(string Id, string Text);

/// <summary>
/// Reads a collection in BEIR layout: <c>corpus.jsonl</c>, <c>queries.jsonl</c>, <c>qrels/&lt;split&gt;.tsv</c>.
/// Errors name the file and, for a malformed line, its 1-based line number.
/// </summary>
internal static class BeirDataset
{
    /// <summary>The documents of <c>corpus.jsonl</c>, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">A line is not a JSON object with a string <c>_id</c>.</exception>
    public static IReadOnlyList<BeirDocument> ReadCorpus(string folder) =>
        ReadJsonLines(Path.Combine(folder, "corpus.jsonl"))
            .Select(e => new BeirDocument(Id(e), Optional(e.Element, "title"), Optional(e.Element, "text")))
            .ToArray();

    /// <summary>All queries of <c>queries.jsonl</c>, judged or not, in file order.</summary>
    public static IReadOnlyList<BeirQuery> ReadQueries(string folder) =>
        ReadJsonLines(Path.Combine(folder, "queries.jsonl"))
            .Select(e => new BeirQuery(Id(e), Optional(e.Element, "text")))
            .ToArray();

    /// <summary>The queries judged in <paramref name="split"/>, in <c>queries.jsonl</c> order.</summary>
    /// <exception cref="InvalidDataException">A judged query is missing from <c>queries.jsonl</c>.</exception>
    public static IReadOnlyList<BeirQuery> ReadJudgedQueries(string folder, string split)
    {
        var qrels = ReadQrels(folder, split);
        var queries = ReadQueries(folder).Where(q => qrels.IsJudged(q.Id)).ToArray();
        var found = queries.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
        var missing = qrels.QueryIds.FirstOrDefault(id => !found.Contains(id));
        if (missing is not null)
        {
            throw new InvalidDataException($"{Path.Combine(folder, "queries.jsonl")}: query '{missing}' is judged in qrels/{split}.tsv but has no text.");
        }

        return queries;
    }

    /// <summary>The splits that have a <c>qrels/&lt;split&gt;.tsv</c> file.</summary>
    public static IReadOnlyList<string> Splits(string folder)
    {
        var qrels = Path.Combine(folder, "qrels");
        return Directory.Exists(qrels)
            ? Directory.GetFiles(qrels, "*.tsv").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    /// <summary>Reads <c>qrels/&lt;split&gt;.tsv</c>.</summary>
    public static Qrels ReadQrels(string folder, string split) => ReadQrelsFile(Path.Combine(folder, "qrels", split + ".tsv"));

    /// <summary>
    /// Reads a qrels file: <c>query-id TAB corpus-id TAB score</c> per line, integer scores, an optional header line
    /// (a first line whose score is not a number), blank lines ignored. A pair given twice keeps its last grade.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">A line does not have three fields or its score is not an integer.</exception>
    public static Qrels ReadQrelsFile(string path)
    {
        CheckExists(path);
        var judgments = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 3)
            {
                throw new InvalidDataException($"{path}:{number}: expected 3 tab-separated fields (query-id, corpus-id, score), found {fields.Length}.");
            }

            if (!int.TryParse(fields[2].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var grade))
            {
                if (number == 1)
                {
                    continue; // the header
                }

                throw new InvalidDataException($"{path}:{number}: score '{fields[2]}' is not an integer.");
            }

            var queryId = fields[0].Trim();
            var docId = fields[1].Trim();
            if (queryId.Length == 0 || docId.Length == 0)
            {
                throw new InvalidDataException($"{path}:{number}: empty query id or corpus id.");
            }

            if (!judgments.TryGetValue(queryId, out var docs))
            {
                judgments[queryId] = docs = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            docs[docId] = grade;
        }

        return new Qrels(judgments);
    }

    private static string Id((JsonElement Element, string Path, int Line) e) =>
        e.Element.TryGetProperty("_id", out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : throw new InvalidDataException($"{e.Path}:{e.Line}: no \"_id\".");

    private static string Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static void CheckExists(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file (a BEIR collection has corpus.jsonl, queries.jsonl and qrels/<split>.tsv).", path);
        }
    }

    private static IEnumerable<(JsonElement Element, string Path, int Line)> ReadJsonLines(string path)
    {
        CheckExists(path);
        return Read();

        IEnumerable<(JsonElement, string, int)> Read()
        {
            var number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                JsonElement element;
                try
                {
                    using var document = JsonDocument.Parse(line);
                    element = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw new InvalidDataException($"{path}:{number}: not a JSON object ({e.Message})", e);
                }

                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{path}:{number}: not a JSON object.");
                }

                yield return (element, path, number);
            }
        }
    }
}
