namespace Lucene.Splade.Sample.Corpus;

/// <summary>
/// Reads query texts: a JSON Lines file (BEIR <c>queries.jsonl</c>, <c>{"_id", "text"}</c>) or a text file with one
/// query per line. Bad lines are reported and skipped, as for documents.
/// </summary>
internal static class QueryReader
{
    public static IReadOnlyList<string> Read(string path, out IReadOnlyList<InputProblem> problems)
    {
        if (!File.Exists(path))
        {
            throw new SampleException($"No such file: {path}");
        }

        if (path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            problems = [];
            try
            {
                return File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SampleException($"Cannot read {path}: {e.Message}", e);
            }
        }

        // A query line has the shape of a document line whose text is the query.
        var reader = new DocumentReader(path);
        var queries = reader.Read().Select(d => d.Contents).ToArray();
        problems = reader.Problems;
        return queries;
    }
}
