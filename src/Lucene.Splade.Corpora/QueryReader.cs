namespace Lucene.Splade.Corpora;

/// <summary>
/// Reads query texts: a JSON Lines file (BEIR <c>queries.jsonl</c>, <c>{"_id", "text"}</c>) or a text file with one
/// query per line. Bad lines are reported and skipped, as for documents.
/// </summary>
public static class QueryReader
{
    /// <summary>The query texts of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<string> Read(string path, out IReadOnlyList<InputProblem> problems)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {path}", path);
        }

        if (path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            problems = [];
            return File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToArray();
        }

        // A query line has the shape of a document line whose text is the query.
        var reader = new DocumentReader(path);
        var queries = reader.Read().Select(d => d.Contents).ToArray();
        problems = reader.Problems;
        return queries;
    }
}
