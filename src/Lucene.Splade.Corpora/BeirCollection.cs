using System.Globalization;
using System.Text.Json;

namespace Lucene.Splade.Corpora;

/// <summary>
/// Reads a collection in BEIR layout: <c>corpus.jsonl</c>, <c>queries.jsonl</c>, <c>qrels/&lt;split&gt;.tsv</c>.
/// Strict, as evaluation needs: every line must be a JSON object with an <c>_id</c> (the aliases of
/// <see cref="DocumentReader"/> are accepted too), documents without text are kept (a collection's document count is
/// part of its statistics), and an error names the file and, for a malformed line, its 1-based line number.
/// </summary>
public static class BeirCollection
{
    /// <summary>The documents of <c>corpus.jsonl</c>, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">A line is not a JSON object with an id.</exception>
    public static IReadOnlyList<CorpusDocument> ReadCorpus(string folder) =>
        ReadObjects(Path.Combine(folder, "corpus.jsonl"))
            .Select(e => new CorpusDocument(e.Id, JsonLines.FirstValue(e.Element, JsonLines.TitleKeys) ?? "", JsonLines.FirstValue(e.Element, JsonLines.TextKeys) ?? ""))
            .ToArray();

    /// <summary>All queries of <c>queries.jsonl</c>, judged or not, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">A line is not a JSON object with an id.</exception>
    public static IReadOnlyList<CorpusQuery> ReadQueries(string folder) =>
        ReadObjects(Path.Combine(folder, "queries.jsonl"))
            .Select(e => new CorpusQuery(e.Id, JsonLines.FirstValue(e.Element, JsonLines.TextKeys) ?? ""))
            .ToArray();

    /// <summary>The queries judged in <paramref name="split"/>, in <c>queries.jsonl</c> order.</summary>
    /// <exception cref="InvalidDataException">A judged query is missing from <c>queries.jsonl</c>.</exception>
    public static IReadOnlyList<CorpusQuery> ReadJudgedQueries(string folder, string split)
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

    private static void CheckExists(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file (a BEIR collection has corpus.jsonl, queries.jsonl and qrels/<split>.tsv).", path);
        }
    }

    private static IEnumerable<(JsonElement Element, string Id)> ReadObjects(string path)
    {
        CheckExists(path);
        foreach (var (line, element, problem) in JsonLines.Read(path))
        {
            if (element is not { } e)
            {
                throw new InvalidDataException($"{path}:{line}: {problem}.");
            }

            var id = JsonLines.FirstValue(e, JsonLines.IdKeys);
            if (string.IsNullOrEmpty(id))
            {
                throw new InvalidDataException($"{path}:{line}: no \"_id\".");
            }

            yield return (e, id);
        }
    }
}
