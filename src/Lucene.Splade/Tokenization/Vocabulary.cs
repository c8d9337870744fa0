using System.Collections.ObjectModel;
using System.Text;

namespace Lucene.Splade.Tokenization;

/// <summary>
/// A WordPiece vocabulary (<c>vocab.txt</c>): token id to token string and back.
/// Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// The token strings double as the index terms of a SPLADE field: term id <c>j</c> is indexed as <c>this[j]</c>.
/// Special tokens (<c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c>, <c>[MASK]</c>, <c>[UNK]</c>) and the reserved
/// <c>[unusedN]</c> slots never become terms; <see cref="IsExcludedTerm"/> tells which ids those are.
/// </remarks>
public sealed class Vocabulary
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly bool[] _excluded;

    private Vocabulary(string[] tokens, string source)
    {
        _tokens = tokens;
        Source = source;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++)
        {
            // First occurrence wins, as in Hugging Face's load_vocab (later duplicates overwrite there, but BERT
            // vocabularies have none; keeping the first keeps ids stable if a file has one).
            _ids.TryAdd(tokens[i], i);
        }

        _excluded = new bool[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            _excluded[i] = IsSpecialTokenText(tokens[i]);
        }

        Tokens = new ReadOnlyCollection<string>(_tokens);
    }

    /// <summary>Where the vocabulary came from (a file path or a description), for error messages.</summary>
    public string Source { get; }

    /// <summary>Number of tokens; equals the vocabulary dimension a matching model outputs.</summary>
    public int Count => _tokens.Length;

    /// <summary>All tokens, indexed by id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The token string of <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public string this[int id]
    {
        get
        {
            if ((uint)id >= (uint)_tokens.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id is outside the vocabulary of {_tokens.Length} tokens ({Source}).");
            }

            return _tokens[id];
        }
    }

    /// <summary>Looks up the id of a token string (exact, case-sensitive).</summary>
    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>
    /// True for ids that must never become index terms: <c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c>, <c>[MASK]</c>,
    /// <c>[UNK]</c> and the reserved <c>[unusedN]</c> slots. Ids outside the vocabulary are excluded too.
    /// </summary>
    public bool IsExcludedTerm(int id) => (uint)id >= (uint)_excluded.Length || _excluded[id];

    /// <summary>Reads a vocabulary file: one token per line, LF or CRLF line endings, UTF-8 (a BOM is ignored).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty.</exception>
    public static Vocabulary Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Vocabulary file not found: '{path}'.", path);
        }

        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads a vocabulary from a stream (see <see cref="Load(string)"/>).</summary>
    /// <param name="stream">The vocabulary text.</param>
    /// <param name="source">A name for the stream, used in error messages.</param>
    public static Vocabulary Load(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        var tokens = new List<string>(32_000);
        using (var reader = new StreamReader(stream, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, leaveOpen: true))
        {
            // ReadLine splits on LF, CR and CRLF, so CRLF files (the MiniLM package ships one) load like LF ones.
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                tokens.Add(line);
            }
        }

        // A trailing empty line is an artefact of a final newline; an empty line in the middle is a real (odd) token.
        while (tokens.Count > 0 && tokens[^1].Length == 0)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        if (tokens.Count == 0)
        {
            throw new InvalidDataException($"Vocabulary '{source}' is empty.");
        }

        return new Vocabulary(tokens.ToArray(), source);
    }

    /// <summary>Builds a vocabulary from token strings, in id order.</summary>
    public static Vocabulary FromTokens(IEnumerable<string> tokens, string source = "in-memory vocabulary")
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var array = tokens.ToArray();
        if (array.Length == 0)
        {
            throw new ArgumentException("A vocabulary needs at least one token.", nameof(tokens));
        }

        return new Vocabulary(array, source);
    }

    /// <summary>Writes the vocabulary as UTF-8 with LF line endings (the layout Hugging Face writes).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var token in _tokens)
        {
            writer.WriteLine(token);
        }
    }

    private static bool IsSpecialTokenText(string token) =>
        token is "[CLS]" or "[SEP]" or "[PAD]" or "[MASK]" or "[UNK]"
        || (token.StartsWith("[unused", StringComparison.Ordinal) && token.EndsWith(']'));
}
