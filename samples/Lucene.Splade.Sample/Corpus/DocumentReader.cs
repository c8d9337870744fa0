using System.Text.Json;

namespace Lucene.Splade.Sample.Corpus;

/// <summary>
/// Reads documents from a folder of <c>.txt</c>/<c>.md</c> files, a single such file, or a JSON Lines file (one object
/// per line; BEIR's <c>corpus.jsonl</c> layout <c>{"_id", "title", "text"}</c> included). Input that cannot be read is
/// reported through <see cref="Problems"/> and skipped; the rest is still read.
/// </summary>
internal sealed class DocumentReader
{
    private static readonly string[] IdKeys = ["_id", "id", "docid", "doc_id"];
    private static readonly string[] TextKeys = ["text", "contents", "body", "content"];
    private readonly List<InputProblem> _problems = [];
    private readonly string _path;
    private readonly bool _isFolder;

    /// <exception cref="SampleException">The path does not exist or is not a supported kind of file.</exception>
    public DocumentReader(string path)
    {
        _path = Path.GetFullPath(path);
        _isFolder = Directory.Exists(_path);
        if (!_isFolder && !File.Exists(_path))
        {
            throw new SampleException($"No such file or folder: {path}");
        }

        if (!_isFolder && !IsJsonLines(_path) && !IsTextFile(_path))
        {
            throw new SampleException($"Cannot index {path}: expected a folder, a .txt/.md file or a .jsonl file.");
        }
    }

    /// <summary>What was skipped so far, in reading order.</summary>
    public IReadOnlyList<InputProblem> Problems => _problems;

    /// <summary>Raised for each skipped piece of input as soon as it is met.</summary>
    public event Action<InputProblem>? ProblemFound;

    /// <summary>How many documents the input holds at most (files, or non-empty lines); for progress and ETA.</summary>
    public int CountCandidates()
    {
        try
        {
            return _isFolder ? TextFiles().Count() : IsJsonLines(_path) ? File.ReadLines(_path).Count(l => !string.IsNullOrWhiteSpace(l)) : 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"Cannot read {_path}: {e.Message}", e);
        }
    }

    /// <summary>The documents, lazily, in input order (files in ordinal path order).</summary>
    /// <exception cref="SampleException">The JSON Lines file itself cannot be opened.</exception>
    public IEnumerable<SourceDocument> Read() =>
        _isFolder ? TextFiles().Select(f => ReadTextFile(f, RelativeId(f))).OfType<SourceDocument>()
        : IsJsonLines(_path) ? ReadJsonLines()
        : new[] { ReadTextFile(_path, Path.GetFileName(_path)) }.OfType<SourceDocument>();

    private static bool IsJsonLines(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static bool IsTextFile(string path) =>
        path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".md", StringComparison.OrdinalIgnoreCase);

    private IEnumerable<string> TextFiles() =>
        Directory.EnumerateFiles(_path, "*", SearchOption.AllDirectories).Where(IsTextFile).Order(StringComparer.Ordinal);

    private string RelativeId(string file) => Path.GetRelativePath(_path, file).Replace('\\', '/');

    private SourceDocument? ReadTextFile(string file, string id)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(new InputProblem(file, null, $"cannot read the file ({e.Message})"));
            return null;
        }

        // A Markdown file's first heading is its title; otherwise the file name is.
        var firstLine = text.AsSpan().TrimStart().ToString().Split('\n', 2)[0].Trim();
        var title = firstLine.StartsWith('#') ? firstLine.TrimStart('#').Trim() : Path.GetFileNameWithoutExtension(file);
        return new SourceDocument(id, title, text.Trim());
    }

    private IEnumerable<SourceDocument> ReadJsonLines()
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"Cannot read {_path}: {e.Message}", e);
        }

        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var document = ParseLine(line, number);
            if (document is not null)
            {
                yield return document;
            }
        }
    }

    private SourceDocument? ParseLine(string line, int number)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Skip(number, "expected a JSON object");
            }

            var id = FirstValue(root, IdKeys);
            if (string.IsNullOrEmpty(id))
            {
                return Skip(number, $"no document id (one of {string.Join(", ", IdKeys)})");
            }

            var text = FirstValue(root, TextKeys) ?? "";
            var title = FirstValue(root, ["title"]) ?? "";
            return text.Length == 0 && title.Length == 0
                ? Skip(number, $"document {id} has no text (one of {string.Join(", ", TextKeys)}) and no title")
                : new SourceDocument(id, title, text);
        }
        catch (JsonException e)
        {
            return Skip(number, $"not valid JSON ({e.Message})");
        }
    }

    private static string? FirstValue(JsonElement root, string[] keys)
    {
        foreach (var key in keys)
        {
            if (root.TryGetProperty(key, out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }

    private SourceDocument? Skip(int line, string message)
    {
        Report(new InputProblem(_path, line, message));
        return null;
    }

    private void Report(InputProblem problem)
    {
        _problems.Add(problem);
        ProblemFound?.Invoke(problem);
    }
}
