using System.Text.Json;

namespace Lucene.Splade.Corpora;

/// <summary>
/// Reads documents to index from a folder of <c>.txt</c>/<c>.md</c> files, a single such file, or a JSON Lines file (one
/// object per line with an id, an optional title and a text; BEIR's <c>corpus.jsonl</c> layout <c>{"_id", "title",
/// "text"}</c> included). Input that cannot be read (a bad line, an unreadable file, a document without text) is
/// reported through <see cref="Problems"/> and skipped; the rest is still read. <see cref="BeirCollection"/> reads a
/// collection strictly instead, for evaluation.
/// </summary>
public sealed class DocumentReader
{
    private readonly List<InputProblem> _problems = [];
    private readonly string _path;
    private readonly bool _isFolder;

    /// <summary>Opens a folder, a text file or a JSON Lines file.</summary>
    /// <param name="path">The input.</param>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a file of another kind.</exception>
    public DocumentReader(string path)
    {
        _path = Path.GetFullPath(path);
        _isFolder = Directory.Exists(_path);
        if (!_isFolder && !File.Exists(_path))
        {
            throw new FileNotFoundException($"No such file or folder: {path}", path);
        }

        if (!_isFolder && !IsJsonLines(_path) && !IsTextFile(_path))
        {
            throw new InvalidDataException($"Cannot read documents from {path}: expected a folder, a .txt/.md file or a .jsonl file.");
        }
    }

    /// <summary>What was skipped so far, in reading order.</summary>
    public IReadOnlyList<InputProblem> Problems => _problems;

    /// <summary>Raised for each skipped piece of input as soon as it is met.</summary>
    public event Action<InputProblem>? ProblemFound;

    /// <summary>How many documents the input holds at most (files, or non-empty lines); for progress and ETA.</summary>
    /// <exception cref="IOException">The input cannot be read.</exception>
    public int CountCandidates() =>
        _isFolder ? TextFiles().Count() : IsJsonLines(_path) ? File.ReadLines(_path).Count(l => !string.IsNullOrWhiteSpace(l)) : 1;

    /// <summary>The documents, lazily, in input order (files in ordinal path order).</summary>
    /// <exception cref="IOException">The JSON Lines file itself cannot be opened.</exception>
    public IEnumerable<CorpusDocument> Read() =>
        _isFolder ? TextFiles().Select(f => ReadTextFile(f, RelativeId(f))).OfType<CorpusDocument>()
        : IsJsonLines(_path) ? ReadJsonLines()
        : new[] { ReadTextFile(_path, Path.GetFileName(_path)) }.OfType<CorpusDocument>();

    private static bool IsJsonLines(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static bool IsTextFile(string path) =>
        path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".md", StringComparison.OrdinalIgnoreCase);

    private IEnumerable<string> TextFiles() =>
        Directory.EnumerateFiles(_path, "*", SearchOption.AllDirectories).Where(IsTextFile).Order(StringComparer.Ordinal);

    private string RelativeId(string file) => Path.GetRelativePath(_path, file).Replace('\\', '/');

    private CorpusDocument? ReadTextFile(string file, string id)
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
        return new CorpusDocument(id, title, text.Trim());
    }

    private IEnumerable<CorpusDocument> ReadJsonLines()
    {
        foreach (var (line, element, problem) in JsonLines.Read(_path))
        {
            var document = element is { } e ? ParseLine(e, line) : Skip(line, problem!);
            if (document is not null)
            {
                yield return document;
            }
        }
    }

    private CorpusDocument? ParseLine(JsonElement root, int number)
    {
        var id = JsonLines.FirstValue(root, JsonLines.IdKeys);
        if (string.IsNullOrEmpty(id))
        {
            return Skip(number, $"no document id (one of {string.Join(", ", JsonLines.IdKeys)})");
        }

        var text = JsonLines.FirstValue(root, JsonLines.TextKeys) ?? "";
        var title = JsonLines.FirstValue(root, JsonLines.TitleKeys) ?? "";
        return text.Length == 0 && title.Length == 0
            ? Skip(number, $"document {id} has no text (one of {string.Join(", ", JsonLines.TextKeys)}) and no title")
            : new CorpusDocument(id, title, text);
    }

    private CorpusDocument? Skip(int line, string message)
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
