using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lucene.Splade.Tokenization;

/// <summary>
/// Hugging Face's BERT basic tokenization (the <c>BertNormalizer</c> and <c>BertPreTokenizer</c> of the
/// <c>tokenizers</c> library): splits text into the words that WordPiece then spells.
/// </summary>
/// <remarks>
/// <para>Steps, in Hugging Face's order:</para>
/// <list type="number">
/// <item>Special token strings are matched in the raw text (leftmost, then longest) and emitted as their ids, as
/// Hugging Face does for its added tokens.</item>
/// <item>Text cleaning: NUL, U+FFFD and every code point of category C (Cc, Cf, Cs, Co, Cn) is removed, except
/// <c>\t</c>, <c>\n</c>, <c>\r</c>, which are whitespace; whitespace is those three, the space, category Zs, and
/// U+2028/U+2029 (Rust's <c>char::is_whitespace</c>; the other White_Space code points are controls and are removed).
/// Unpaired surrogates are removed too (they are category Cs; Python and Rust strings cannot contain them).</item>
/// <item>CJK ideographs (the ranges of Hugging Face's <c>_is_chinese_char</c>) become words of their own, unless
/// <c>handle_chinese_chars</c> is off.</item>
/// <item>Accent stripping, when on: canonical decomposition (NFD), then non-spacing marks (Mn) removed. Spacing
/// marks (Mc) stay.</item>
/// <item>Lowercasing, when on: every code point's lowercase mapping, U+0130 giving <c>i</c> + U+0307 as in Rust.</item>
/// <item>Splitting on whitespace and around punctuation: ASCII 33–47, 58–64, 91–96, 123–126 (so <c>$ + &lt; = &gt; ^ ` | ~</c>
/// count) and Unicode categories P*.</item>
/// </list>
/// <para>
/// Where Hugging Face's Python (slow) BertTokenizer differs from the Rust (fast) one, the Rust behaviour is followed,
/// because <c>AutoTokenizer</c> loads the fast one: no NFC normalization of the text (the slow one NFC-composes
/// before splitting, which changes cased tokenization of decomposed input), U+2028/U+2029 are whitespace (the slow one
/// keeps them inside words), lowercasing maps each code point on its own (the slow one applies Python's
/// final-sigma rule, <c>ΣΑΣ</c> → <c>σας</c>), and accents are stripped before lowercasing (same result). The CJK
/// range U+2B820–U+2B91F follows the Python table (the Rust table starts that range at U+2B920, a typo there).
/// </para>
/// <para>
/// The text is consumed one whitespace-delimited run at a time so that callers can stop once they have enough
/// word pieces: normalization never crosses whitespace, so processing runs separately gives the same words as
/// processing the whole text.
/// </para>
/// </remarks>
internal sealed class BertPreTokenizer
{
    private readonly bool _lowerCase;
    private readonly bool _stripAccents;
    private readonly bool _handleChineseCharacters;

    // Longest first, so that at a given position the longest special token wins (Hugging Face matches leftmost-longest).
    private readonly (string Text, int Id)[] _specials;
    private readonly SearchValues<char> _specialStarts;

    public BertPreTokenizer(bool lowerCase, bool stripAccents, bool handleChineseCharacters, IEnumerable<(string Text, int Id)> specials)
    {
        _lowerCase = lowerCase;
        _stripAccents = stripAccents;
        _handleChineseCharacters = handleChineseCharacters;
        _specials = specials.DistinctBy(s => s.Text).OrderByDescending(s => s.Text.Length).ToArray();
        _specialStarts = SearchValues.Create(new string(_specials.Select(s => s.Text[0]).Distinct().ToArray()));
    }

    /// <summary>Appends the word-piece ids of <paramref name="text"/> to <paramref name="ids"/> until it holds at least <paramref name="maxPieces"/>.</summary>
    public void Run(string text, WordPieceTokenizer wordPiece, List<int> ids, int maxPieces)
    {
        var word = new StringBuilder();
        var i = 0;
        while (i < text.Length && ids.Count < maxPieces)
        {
            if (TryMatchSpecial(text, i, out var length, out var id))
            {
                ids.Add(id);
                i += length;
                continue;
            }

            if (IsWhitespace(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && !IsWhitespace(text[i]) && !TryMatchSpecial(text, i, out _, out _))
            {
                i++;
            }

            ProcessRun(text.AsSpan(start, i - start), wordPiece, ids, maxPieces, word);
        }
    }

    private void ProcessRun(ReadOnlySpan<char> run, WordPieceTokenizer wordPiece, List<int> ids, int maxPieces, StringBuilder word)
    {
        // Cleaning and CJK isolation, on code points: decoding as runes is what makes unpaired surrogates detectable
        // (DecodeFromUtf16 reports them as invalid) instead of letting string.Normalize throw on them later.
        var cleaned = new StringBuilder(run.Length + 8);
        var pos = 0;
        while (pos < run.Length)
        {
            var status = Rune.DecodeFromUtf16(run[pos..], out var rune, out var consumed);
            pos += consumed;
            if (status != OperationStatus.Done)
            {
                continue;
            }

            var value = rune.Value;
            if (value == 0 || value == 0xFFFD || IsOther(Rune.GetUnicodeCategory(rune)))
            {
                continue;
            }

            if (_handleChineseCharacters && IsChineseChar(value))
            {
                AppendRune(cleaned.Append(' '), rune).Append(' ');
            }
            else
            {
                AppendRune(cleaned, rune);
            }
        }

        if (cleaned.Length == 0)
        {
            return;
        }

        var normalized = cleaned.ToString();
        if (_stripAccents)
        {
            normalized = RemoveNonSpacingMarks(normalized.Normalize(NormalizationForm.FormD));
        }

        word.Clear();
        foreach (var original in normalized.EnumerateRunes())
        {
            var rune = original;
            if (_lowerCase)
            {
                if (rune.Value == 0x0130)
                {
                    // The only code point whose full lowercase mapping is two code points; Rust's to_lowercase (used by
                    // Hugging Face's normalizer) yields both, Rune.ToLowerInvariant would leave it unchanged.
                    word.Append('i').Append('\u0307');
                    continue;
                }

                rune = Rune.ToLowerInvariant(rune);
            }

            if (rune.Value == ' ' || IsWhitespace(rune))
            {
                if (!Flush(word, wordPiece, ids, maxPieces))
                {
                    return;
                }
            }
            else if (IsPunctuation(rune))
            {
                if (!Flush(word, wordPiece, ids, maxPieces))
                {
                    return;
                }

                AppendRune(word, rune);
                if (!Flush(word, wordPiece, ids, maxPieces))
                {
                    return;
                }
            }
            else
            {
                AppendRune(word, rune);
            }
        }

        Flush(word, wordPiece, ids, maxPieces);
    }

    /// <summary>Spells the pending word, if any; false once enough pieces exist and the caller can stop.</summary>
    private static bool Flush(StringBuilder word, WordPieceTokenizer wordPiece, List<int> ids, int maxPieces)
    {
        if (word.Length > 0)
        {
            wordPiece.AppendWordPieces(word.ToString(), ids);
            word.Clear();
        }

        return ids.Count < maxPieces;
    }

    private bool TryMatchSpecial(string text, int index, out int length, out int id)
    {
        if (_specialStarts.Contains(text[index]))
        {
            foreach (var (special, specialId) in _specials)
            {
                if (text.AsSpan(index).StartsWith(special, StringComparison.Ordinal))
                {
                    length = special.Length;
                    id = specialId;
                    return true;
                }
            }
        }

        length = 0;
        id = 0;
        return false;
    }

    private static StringBuilder AppendRune(StringBuilder builder, Rune rune)
    {
        // Rune.ToString would allocate a string per character.
        if (rune.IsBmp)
        {
            return builder.Append((char)rune.Value);
        }

        Span<char> pair = stackalloc char[2];
        rune.EncodeToUtf16(pair);
        return builder.Append(pair);
    }

    private static string RemoveNonSpacingMarks(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                AppendRune(builder, rune);
            }
        }

        return builder.ToString();
    }

    /// <summary>Whitespace as Hugging Face's normalizer sees it once controls are gone (all such code points are in the BMP).</summary>
    private static bool IsWhitespace(char c) =>
        c is ' ' or '\t' or '\n' or '\r' or '\u2028' or '\u2029'
        || (c > 0x7F && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator);

    private static bool IsWhitespace(Rune rune) => rune.IsBmp && IsWhitespace((char)rune.Value);

    /// <summary>Unicode category C: removed by BERT's text cleaning.</summary>
    private static bool IsOther(UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    /// <summary>BERT's punctuation: all non-alphanumeric printable ASCII, plus Unicode categories P*.</summary>
    private static bool IsPunctuation(Rune rune)
    {
        var v = rune.Value;
        if (v is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Hugging Face's <c>_is_chinese_char</c> ranges (CJK Unified Ideographs and extensions, compatibility ideographs).</summary>
    private static bool IsChineseChar(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
