using System.Collections.Concurrent;
using System.Text;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Tests.Tokenization;

/// <summary>
/// Behaviour of <see cref="WordPieceTokenizer"/> with hand-written Hugging Face expectations: arguments, special
/// tokens, truncation, each known gap of Microsoft.ML.Tokenizers 2.0.1, the cases where the FastBertTokenizer oracle
/// itself deviates from Hugging Face, a cased vocabulary, large inputs and concurrency.
/// </summary>
[TestFixture]
public sealed class WordPieceTokenizerTests
{
    // bert-base-uncased ids, which the MiniLM vocabulary shares.
    private const int Pad = 0;
    private const int Unk = 100;
    private const int Cls = 101;
    private const int Sep = 102;
    private const int Mask = 103;
    private const int Hello = 7592;
    private const int World = 2088;
    private const int Comma = 1010;
    private const int Exclamation = 999;

    private WordPieceTokenizer _uncased = null!;

    [OneTimeSetUp]
    public void SetUp() => _uncased = WordPieceTokenizer.Create(TokenizerFixtures.MiniLmVocabulary);

    [TestCase(0x20000)]
    [TestCase(0x2A6DF)]
    [TestCase(0x2A700)]
    [TestCase(0x2B73F)]
    [TestCase(0x2B740)]
    [TestCase(0x2B81F)]
    [TestCase(0x2B820)]
    [TestCase(0x2CEAF)]
    [TestCase(0x2F800)]
    [TestCase(0x2FA1F)]
    public void Supplementary_plane_ideographs_are_words_of_their_own_and_their_neighbours_are_not(int codePoint)
    {
        // As Hugging Face's tokenizers (BertNormalizer, BertPreTokenizer): a CJK ideograph (an [UNK] for MiniLM's
        // vocabulary) is split from the letters around it; an unassigned code point (Unicode category Cn, as some
        // range ends are in .NET's Unicode data) is removed by the cleaning step, so the letters join into one word.
        static bool Assigned(int cp) => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(cp) != System.Globalization.UnicodeCategory.OtherNotAssigned;
        string Around(int cp) => "ab" + char.ConvertFromUtf32(cp) + "cd";
        var inside = _uncased.Vocabulary;
        var joined = Tokens("abcd");
        Assert.That(Tokens(Around(codePoint)), Is.EqualTo(Assigned(codePoint) ? new[] { "[CLS]", "ab", "[UNK]", "cd", "[SEP]" } : joined));
        var outside = codePoint is 0x20000 or 0x2A700 or 0x2B740 or 0x2B820 or 0x2F800 ? codePoint - 1 : codePoint + 1;
        if (!(outside is >= 0x2A700 and <= 0x2CEAF) && !Assigned(outside))
        {
            Assert.That(Tokens(Around(outside)), Is.EqualTo(joined), $"U+{outside:X} is unassigned and not an ideograph");
        }

        string[] Tokens(string text) => _uncased.Encode(text, 64).Select(id => inside[id]).ToArray();
    }

    [Test]
    public void SpecialIdsComeFromTheVocabulary()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.ClsId, Is.EqualTo(Cls));
            Assert.That(_uncased.SepId, Is.EqualTo(Sep));
            Assert.That(_uncased.PadId, Is.EqualTo(Pad));
            Assert.That(_uncased.UnknownId, Is.EqualTo(Unk));
            Assert.That(_uncased.Vocabulary.Count, Is.EqualTo(30_522));
        });
    }

    [Test]
    public void EncodesAKnownSentenceLikeHuggingFace()
    {
        // tokenizer("Hello, world!")["input_ids"] for bert-base-uncased.
        Assert.That(_uncased.Encode("Hello, world!", 512), Is.EqualTo(new[] { Cls, Hello, Comma, World, Exclamation, Sep }));
    }

    [Test]
    public void ArgumentsAreValidated()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => WordPieceTokenizer.Create(null!), Throws.ArgumentNullException);
            Assert.That(() => _uncased.Encode(null!, 16), Throws.ArgumentNullException);
            Assert.That(() => _uncased.Tokenize(null!), Throws.ArgumentNullException);
            Assert.That(() => _uncased.Encode("text", 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(
                () => WordPieceTokenizer.Create(TokenizerFixtures.CasedVocabulary, new WordPieceTokenizerOptions { UnknownToken = "<unk>" }),
                Throws.ArgumentException.With.Message.Contains("<unk>"));
            Assert.That(
                () => WordPieceTokenizer.Create(TokenizerFixtures.CasedVocabulary, new WordPieceTokenizerOptions { ClsToken = "" }),
                Throws.ArgumentException.With.Message.StartsWith("ClsToken must not be empty."));
        });
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t\r\n \u00A0\u3000")]
    [TestCase("\u0000\u200B\uFFFD")]
    public void EmptyOrBlankTextIsJustClsAndSep(string text)
    {
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Encode(text, 512), Is.EqualTo(new[] { Cls, Sep }));
            Assert.That(_uncased.Tokenize(text), Is.Empty);
        });
    }

    [Test]
    public void TruncationCutsInsideAWordAndKeepsSep()
    {
        // "unaffable" is una ##ffa ##ble; HF truncation keeps the first maxLength - 2 pieces, whatever the word boundaries.
        var full = _uncased.Encode("unaffable unaffable", 512);
        Assert.That(full.Select(id => _uncased.Vocabulary[id]), Is.EqualTo(new[] { "[CLS]", "una", "##ffa", "##ble", "una", "##ffa", "##ble", "[SEP]" }));

        for (var maxLength = 2; maxLength <= full.Length + 2; maxLength++)
        {
            var ids = _uncased.Encode("unaffable unaffable", maxLength);
            var pieces = Math.Min(full.Length - 2, maxLength - 2);
            Assert.That(ids, Is.EqualTo(full.Take(1 + pieces).Append(Sep)), $"maxLength {maxLength}");
        }
    }

    [Test]
    public void SpecialTokenStringsInTheTextBecomeSpecialIds()
    {
        // Hugging Face registers the special tokens as added tokens and matches them (exact case) before normalization.
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Encode("hello [SEP] world [MASK]", 512), Is.EqualTo(new[] { Cls, Hello, Sep, World, Mask, Sep }));
            Assert.That(_uncased.Encode("hello[MASK]world", 512), Is.EqualTo(new[] { Cls, Hello, Mask, World, Sep }));
            Assert.That(_uncased.Encode("[PAD][UNK][CLS]", 512), Is.EqualTo(new[] { Cls, Pad, Unk, Cls, Sep }));
            Assert.That(_uncased.Tokenize("[mask]"), Is.EqualTo(new[] { "[", "mask", "]" }));
        });
    }

    [Test]
    public void CapitalIWithDotLowercasesToTwoCodePointsWhenAccentsAreKept()
    {
        // Rust's to_lowercase (Hugging Face's normalizer) maps U+0130 to "i" + U+0307; with accent stripping the dot
        // is gone before lowercasing, so only a lowercasing model that keeps accents sees this.
        var vocabulary = Vocabulary.FromTokens(TokenizerFixtures.CasedVocabulary.Tokens.Append("i\u0307").Append("i\u0307stanbul"));
        var keepAccents = WordPieceTokenizer.Create(vocabulary, new WordPieceTokenizerOptions { LowerCase = true, StripAccents = false });

        Assert.That(keepAccents.Tokenize("\u0130"), Is.EqualTo(new[] { "i\u0307" }));
        Assert.That(keepAccents.Tokenize("\u0130stanbul"), Is.EqualTo(new[] { "i\u0307stanbul" }));
    }

    [Test]
    public void CompatibilityIdeographsAreWordsOfTheirOwn()
    {
        // U+F900 is the first CJK compatibility ideograph (Hugging Face's range starts there); it decomposes to U+8C48.
        var pieces = _uncased.Tokenize("a\uF900b");

        Assert.That(pieces, Has.Count.EqualTo(3));
        Assert.That(pieces.First(), Is.EqualTo("a"));
        Assert.That(pieces.Last(), Is.EqualTo("b"));
    }

    [Test]
    public void MaskTokenIsOptional()
    {
        // Encoding never emits [MASK]; a vocabulary without one (or MaskToken = null) still works, and the text
        // "[MASK]" is then ordinary text.
        var noMask = Vocabulary.FromTokens(TokenizerFixtures.CasedVocabulary.Tokens.Select(t => t == "[MASK]" ? "[unused0]" : t));
        var tokenizer = WordPieceTokenizer.Create(noMask, new WordPieceTokenizerOptions { LowerCase = false });
        var nullMask = WordPieceTokenizer.Create(TokenizerFixtures.CasedVocabulary, new WordPieceTokenizerOptions { LowerCase = false, MaskToken = null });
        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.Encode("Hello [MASK]", 16), Is.EqualTo(new[] { 2, 5, 1, 1, 1, 3 }));
            Assert.That(nullMask.Encode("Hello [MASK] [SEP]", 16), Is.EqualTo(new[] { 2, 5, 1, 1, 1, 3, 3 }));
        });
    }

    [Test]
    public void SymbolsAreSplitOffNotDropped()
    {
        // dotnet/machinelearning#7725: ML.NET 2.0.1 deletes $ + < = > ^ ` | ~ and other symbols.
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Tokenize("a<b>c=d+e|f~g^h`i"), Is.EqualTo(new[] { "a", "<", "b", ">", "c", "=", "d", "+", "e", "|", "f", "~", "g", "^", "h", "`", "i" }));
            Assert.That(_uncased.Tokenize("$5"), Is.EqualTo(new[] { "$", "5" }));
            Assert.That(_uncased.Tokenize("snake_case"), Is.EqualTo(new[] { "snake", "_", "case" }));
            Assert.That(_uncased.Tokenize("½ ²"), Is.EqualTo(new[] { "½", "²" }));

            // Outside ASCII, Unicode's punctuation categories decide: a dash (Pd) and a connector (Pc) split words too.
            var dash = _uncased.Tokenize("pre\u2013war");
            var connector = _uncased.Tokenize("pre\u203Fwar");
            Assert.That(dash, Has.Count.EqualTo(3));
            Assert.That(dash.First(), Is.EqualTo("pre"));
            Assert.That(dash.Last(), Is.EqualTo("war"));
            Assert.That(connector, Has.Count.EqualTo(3));
            Assert.That(connector.First(), Is.EqualTo("pre"));
            Assert.That(connector.Last(), Is.EqualTo("war"));
        });
    }

    [Test]
    public void TabsAndLineBreaksSeparateWords()
    {
        // dotnet/machinelearning#7724: ML.NET 2.0.1 deletes them, turning note\nbook into "notebook".
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Tokenize("note\nbook"), Is.EqualTo(new[] { "note", "book" }));
            Assert.That(_uncased.Tokenize("note\tbook\r\nnote\rbook"), Is.EqualTo(new[] { "note", "book", "note", "book" }));
        });
    }

    [Test]
    public void VerticalTabFormFeedAndNextLineAreRemovedNotSpaces()
    {
        // Hugging Face removes every Cc except \t \n \r before looking for whitespace, so these join their neighbours.
        // FastBertTokenizer treats them as spaces (see TrickyStrings.OracleDeviations), hence a hand-written check.
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Tokenize("note\u000Bbook"), Is.EqualTo(_uncased.Tokenize("notebook")));
            Assert.That(_uncased.Tokenize("note\u000Cbook"), Is.EqualTo(_uncased.Tokenize("notebook")));
            Assert.That(_uncased.Tokenize("note\u0085book"), Is.EqualTo(_uncased.Tokenize("notebook")));
            Assert.That(_uncased.Tokenize(TrickyStrings.OracleDeviations[0]), Is.EqualTo(_uncased.Tokenize("verticaltab formfeed nextline")));
        });
    }

    [Test]
    public void ControlFormatNulAndReplacementCharactersAreRemoved()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Tokenize("zero\u200Bwidth\u200Djoiner soft\u00ADhyphen"), Is.EqualTo(_uncased.Tokenize("zerowidthjoiner softhyphen")));
            Assert.That(_uncased.Tokenize("nul\u0000char repl\uFFFDchar bell\u0007char"), Is.EqualTo(_uncased.Tokenize("nulchar replchar bellchar")));
            Assert.That(_uncased.Tokenize("private\uE000use"), Is.EqualTo(_uncased.Tokenize("privateuse")));
        });
    }

    [Test]
    public void UnpairedSurrogatesAreDroppedWithoutThrowing()
    {
        // Documented choice: an unpaired surrogate is category Cs, which BERT's cleaning removes; HF cannot see one.
        foreach (var text in TrickyStrings.InvalidUtf16)
        {
            var cleaned = new string(text.Where((c, i) => !char.IsSurrogate(c) || (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) || (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]))).ToArray());
            Assert.That(_uncased.Encode(text, 512), Is.EqualTo(_uncased.Encode(cleaned, 512)), text.Length.ToString());
        }
    }

    [Test]
    public void AccentsAreStrippedForUncasedModels()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Tokenize("Café NAÏVE"), Is.EqualTo(new[] { "cafe", "naive" }));
            Assert.That(_uncased.Tokenize("Cafe\u0301 nai\u0308ve"), Is.EqualTo(new[] { "cafe", "naive" }));
        });
    }

    [Test]
    public void ChineseCharactersAreSeparateWords()
    {
        Assert.That(_uncased.Tokenize("中文abc文"), Is.EqualTo(new[] { "中", "文" }.Concat(_uncased.Tokenize("abc")).Append("文")));
    }

    [Test]
    public void WordsLongerThanOneHundredCharactersAreUnknown()
    {
        // HF's max_input_chars_per_word = 100; FastBertTokenizer ignores it (see TrickyStrings.OracleDeviations).
        Assert.Multiple(() =>
        {
            Assert.That(_uncased.Tokenize(new string('c', 101)), Is.EqualTo(new[] { "[UNK]" }));
            Assert.That(_uncased.Tokenize(new string('c', 100)), Has.Count.GreaterThan(1).And.No.EqualTo("[UNK]"));
            Assert.That(_uncased.Tokenize("x " + TrickyStrings.OracleDeviations[2] + " y"), Is.EqualTo(new[] { "x", "[UNK]", "y" }));
        });
    }

    [Test]
    public void EveryVocabularyWordEncodesToItsOwnId()
    {
        // Guards the hand-over from Vocabulary to ML.NET's BertTokenizer: any shift in how it reads the re-serialised
        // vocabulary would show up here as a word mapping to a neighbouring id.
        var vocabulary = _uncased.Vocabulary;
        var checkedWords = 0;
        var ids = new List<int>();
        for (var id = 0; id < vocabulary.Count; id++)
        {
            var token = vocabulary[id];
            if (token.StartsWith("##", StringComparison.Ordinal) || vocabulary.IsExcludedTerm(id))
            {
                continue;
            }

            ids.Clear();
            _uncased.AppendWordPieces(token, ids);
            Assert.That(ids, Is.EqualTo(new[] { id }), $"token '{token}'");
            checkedWords++;
        }

        Assert.That(checkedWords, Is.GreaterThan(20_000));
    }

    [Test]
    public void CasedVocabularyKeepsCaseAndAccents()
    {
        var cased = WordPieceTokenizer.Create(TokenizerFixtures.CasedVocabulary, new WordPieceTokenizerOptions { LowerCase = false });
        Assert.Multiple(() =>
        {
            Assert.That(cased.ClsId, Is.EqualTo(2));
            Assert.That(cased.SepId, Is.EqualTo(3));
            Assert.That(cased.PadId, Is.EqualTo(0));
            Assert.That(cased.Encode("Hello World!", 16), Is.EqualTo(new[] { 2, 5, 7, 13, 3 }));
            Assert.That(cased.Encode("hello world", 16), Is.EqualTo(new[] { 2, 6, 8, 3 }));
            Assert.That(cased.Encode("Café café", 16), Is.EqualTo(new[] { 2, 9, 11, 3 }));
            // No NFC (Hugging Face's fast tokenizer does not compose), so a decomposed accent is its own piece.
            Assert.That(cased.Tokenize("Cafe\u0301"), Is.EqualTo(new[] { "Cafe", "##\u0301" }));
            Assert.That(cased.Tokenize("New York, a_b $<>="), Is.EqualTo(new[] { "New", "York", ",", "a", "_", "b", "$", "<", ">", "=" }));
            Assert.That(cased.Tokenize("unaffable 中文"), Is.EqualTo(new[] { "un", "##aff", "##able", "中", "文" }));
            Assert.That(cased.Tokenize("UNAFFABLE"), Is.EqualTo(new[] { "[UNK]" }));
            Assert.That(cased.Encode("New York unaffable", 5), Is.EqualTo(new[] { 2, 23, 24, 20, 3 }));
        });
    }

    [Test]
    public void StripAccentsCanBeSetIndependentlyOfCase()
    {
        var strip = WordPieceTokenizer.Create(TokenizerFixtures.CasedVocabulary, new WordPieceTokenizerOptions { LowerCase = false, StripAccents = true });
        var lowerOnly = WordPieceTokenizer.Create(TokenizerFixtures.CasedVocabulary, new WordPieceTokenizerOptions { LowerCase = true, StripAccents = false });
        Assert.Multiple(() =>
        {
            Assert.That(strip.Tokenize("Café Ä"), Is.EqualTo(new[] { "Cafe", "A" }));
            Assert.That(lowerOnly.Tokenize("CAFÉ Hello"), Is.EqualTo(new[] { "café", "hello" }));
            // Lowercasing maps each code point on its own, as Rust does (Python's slow tokenizer would give final ς).
            Assert.That(lowerOnly.Tokenize("ΣΑΣ"), Is.EqualTo(new[] { "σ", "##α", "##σ" }));
        });
    }

    [Test]
    public void WordLengthLimitCountsCodePointsNotUtf16Units()
    {
        var cased = WordPieceTokenizer.Create(TokenizerFixtures.CasedVocabulary, new WordPieceTokenizerOptions { LowerCase = false });
        var sixty = string.Concat(Enumerable.Repeat("\U0001D4B3", 60)); // 60 code points, 120 UTF-16 units
        var tokens = cased.Tokenize(sixty);
        Assert.That(tokens, Has.Count.EqualTo(60));
        Assert.That(tokens.Skip(1), Is.All.EqualTo("##\U0001D4B3"));
    }

    [Test]
    public void CrLfVocabularyFileLoadsAndTokenizes()
    {
        // The MiniLM package ships its vocab.txt with CRLF line endings.
        var lf = Encoding.UTF8.GetString(TokenizerFixtures.MiniLmVocabularyFile);
        Assert.That(lf, Does.Not.Contain("\r"));
        var crlf = Encoding.UTF8.GetBytes(lf.Replace("\n", "\r\n"));

        var tokenizer = WordPieceTokenizer.Create(Vocabulary.Load(new MemoryStream(crlf), "CRLF vocab.txt"));

        Assert.That(tokenizer.Vocabulary.Tokens, Is.EqualTo(_uncased.Vocabulary.Tokens));
        Assert.That(tokenizer.Vocabulary[Hello], Is.EqualTo("hello"));
        Assert.That(tokenizer.Encode("hello world", 8), Is.EqualTo(new[] { Cls, Hello, World, Sep }));
    }

    [Test]
    public void OneMegabyteDocumentIsTruncatedToMaxLength()
    {
        var paragraph = "Alterations of the architecture of cerebral white matter in the developing human brain can affect cortical development (p < 0.05; n = 42).\n";
        var document = new StringBuilder(1 << 20);
        while (document.Length < 1 << 20)
        {
            document.Append(paragraph);
        }

        var text = document.ToString();
        var ids = _uncased.Encode(text, 512);
        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.Length.EqualTo(512));
            Assert.That(ids[0], Is.EqualTo(Cls));
            Assert.That(ids[^1], Is.EqualTo(Sep));
            Assert.That(ids, Is.EqualTo(_uncased.Encode(text[..20_000], 512)), "the encoding depends only on the start of the text");
        });

        // A megabyte without any whitespace is one run; it is processed whole, but still only up to maxLength ids.
        var noSpaces = new string('x', 1 << 20);
        Assert.That(_uncased.Encode(noSpaces, 512), Is.EqualTo(new[] { Cls, Unk, Sep }));
        var punctuationRun = string.Concat(Enumerable.Repeat("ab,", (1 << 20) / 3));
        Assert.That(_uncased.Encode(punctuationRun, 512), Has.Length.EqualTo(512));
    }

    [Test]
    public void ConcurrentEncodingGivesTheSameIds()
    {
        var texts = TrickyStrings.All.Concat(TrickyStrings.InvalidUtf16).Concat(TrickyStrings.OracleDeviations).ToArray();
        var expected = texts.Select(t => _uncased.Encode(t, 64)).ToArray();
        var failures = new ConcurrentQueue<string>();

        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < texts.Length; i++)
                {
                    var index = (i + worker) % texts.Length;
                    if (!_uncased.Encode(texts[index], 64).SequenceEqual(expected[index]))
                    {
                        failures.Enqueue($"worker {worker}, text {index}");
                    }
                }
            }
        });

        Assert.That(failures, Is.Empty);
    }
}
