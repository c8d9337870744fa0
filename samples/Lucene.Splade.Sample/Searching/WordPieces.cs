using System.Text.RegularExpressions;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Sample.Searching;

/// <summary>
/// The word pieces of a text, each with the first word it came from, so that a term can be shown readably:
/// <c>##ing</c> is the piece "…ing", and in a text it can be named by its word ("…ing" of "walking").
/// </summary>
internal sealed partial class WordPieces
{
    private readonly Dictionary<string, string> _wordOfPiece = new(StringComparer.Ordinal);

    public WordPieces(WordPieceTokenizer tokenizer, string text)
    {
        foreach (Match word in Word().Matches(text))
        {
            foreach (var piece in tokenizer.Tokenize(word.Value))
            {
                _wordOfPiece.TryAdd(piece, word.Value);
            }
        }
    }

    public int Count => _wordOfPiece.Count;

    public bool Contains(string piece) => _wordOfPiece.ContainsKey(piece);

    /// <summary>The word a piece came from, when the piece is only part of it; null otherwise.</summary>
    public string? WholeWord(string piece) =>
        _wordOfPiece.TryGetValue(piece, out var word) && !string.Equals(word, Readable(piece), StringComparison.OrdinalIgnoreCase) ? word : null;

    /// <summary>A vocabulary term as a reader sees it: a continuation piece <c>##xyz</c> becomes "…xyz".</summary>
    public static string Readable(string term) => term.StartsWith("##", StringComparison.Ordinal) && term.Length > 2 ? "…" + term[2..] : term;

    // Words as the tokenizer's pre-tokenizer sees them, roughly: letters and digits, or one punctuation mark.
    [GeneratedRegex(@"[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]")]
    private static partial Regex Word();
}
