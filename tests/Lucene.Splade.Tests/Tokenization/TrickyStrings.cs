namespace Lucene.Splade.Tests.Tokenization;

/// <summary>
/// Hand-written inputs that exercise the places where tokenizers usually disagree. Kept as C# literals (escapes)
/// rather than a text file because several of them (unpaired surrogates, NUL, controls) cannot be stored as UTF-8.
/// </summary>
internal static class TrickyStrings
{
    /// <summary>Inputs compared against the oracle (those it gets wrong are in <see cref="OracleDeviations"/> instead).</summary>
    public static readonly string[] All =
    [
        // ASCII symbols BERT treats as punctuation (dropped by ML.NET 2.0.1, dotnet/machinelearning#7725).
        "if (a < b && c > d) return x + y = z;",
        "price: $5.99, 50% off | total ~ 3^2 `code` {x} [y] @user #tag",
        "a<b>c=d+e|f~g^h`i",
        "foo_bar snake_case __init__",
        // Unicode symbols (Sm, Sc, Sk, So) and other numbers: not punctuation for BERT, so WordPiece (often [UNK]).
        "25°C ± 3° × 2 ÷ 4 ≤ 5 ≥ 1 ≠ 0 → ∞ © ® ™ € £ ¥ ½ ² ³ Ⅳ",
        "Unicode punctuation: «quoted» „German“ ‘single’ — dash – en … ellipsis ¿qué? ¡sí!",
        // Whitespace that glued words in ML.NET 2.0.1 (dotnet/machinelearning#7724).
        "one\nline\ttab\rreturn\r\nwindows",
        "note\nbook\tcase\u00A0nbsp\u2003em\u3000ideographic",
        "\t\n  leading and trailing whitespace \r\n\t",
        // Accents, composed and decomposed.
        "Café naïve résumé Zürich São Paulo Ångström",
        "Cafe\u0301 nai\u0308ve decomposed accents",
        "ÀÉÎÕÜ ÇÑ uppercase accents",
        // Scripts with spacing marks (Mc) that BERT keeps and ML.NET's RemoveNonSpacingMarks would delete.
        "हिन्दी भाषा देवनागरी",
        "தமிழ் மொழி",
        // CJK ideographs (each its own word), with Hangul and kana (not split).
        "中文字符测试ABC混合",
        "日本語のテキストとカタカナ",
        "한국어 텍스트",
        "\u3400\u4DB5 extension A",
        // Emoji, including surrogate pairs and ZWJ sequences.
        "I love 😀 and 👍🏽 and 👨‍👩‍👧",
        "emoji😀glued",
        // Controls and format characters (removed), NUL and U+FFFD (removed).
        "zero\u200Bwidth\u200Djoiner soft\u00ADhyphen bom\uFEFFinside",
        "bell\u0007char nul\u0000char repl\uFFFDchar esc\u001Bchar",
        "line\u2028separator paragraph\u2029separator",
        "private\uE000use",
        // Long words: up to 100 characters WordPiece still spells them (longer ones are in OracleDeviations).
        new string('a', 99) + " " + new string('b', 100),
        "pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism",
        "98765432109876543210987654321098765432109876543210",
        // Numbers with punctuation.
        "3.14159 1,000,000 10.5% -42 +7 1e-10 12:30:45 2026-11-30 v1.2.3 192.168.0.1",
        "$1,234.56 (USD) €99,90 ¥1000 #1 No.5 4/5 3-4",
        // Greek, Cyrillic, Turkish dotted I, titlecase letters.
        "ΣΑΣ Σοφία Ελλάδα",
        "Привет мир ЁЛКИ",
        "İstanbul ıi Iİ",
        "ǅemal ǈubljana",
        // Mixed markup.
        "<p class=\"x\">Hello&nbsp;<b>world</b></p>",
        "https://example.com/path?q=a+b&r=c#frag user@example.com",
        "",
        "   ",
    ];

    /// <summary>Unpaired surrogates: invalid UTF-16 that must not crash (and has no Hugging Face equivalent).</summary>
    public static readonly string[] InvalidUtf16 =
    [
        "lone\uD800high",
        "lone\uDC00low",
        "\uD83D",
        "reversed\uDE00\uD83Dpair",
        "end\uD800",
    ];

    /// <summary>
    /// Inputs on which FastBertTokenizer 1.2.6 deviates from Hugging Face, so they are checked against hand-written
    /// Hugging Face expectations (in <see cref="WordPieceTokenizerTests"/>) instead of the oracle.
    /// </summary>
    /// <remarks>
    /// Both are checked by hand: Hugging Face's <c>_is_control</c> (Python) and <c>is_control</c> (Rust) remove
    /// <c>\v</c>, <c>\f</c> and U+0085 as controls before whitespace is considered, so the words around them are joined,
    /// while FastBertTokenizer treats them as whitespace; and Hugging Face's WordPiece turns a word of more than
    /// <c>max_input_chars_per_word</c> = 100 characters into <c>[UNK]</c>, while FastBertTokenizer spells it.
    /// </remarks>
    public static readonly string[] OracleDeviations =
    [
        "vertical\u000Btab form\u000Cfeed next\u0085line",
        new string('c', 101),
        "supercalifragilisticexpialidocious" + new string('x', 80),
    ];
}
