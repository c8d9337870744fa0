using Microsoft.ML.Tokenizers;

namespace Lucene.Splade.Tokenization;

/// <summary>
/// BERT WordPiece tokenizer that yields the same token ids as Hugging Face's <c>BertTokenizerFast</c>
/// (the tokenizer <c>AutoTokenizer</c> loads for BERT-family models), for uncased and cased vocabularies.
/// Immutable after <see cref="Create"/> and safe to use from many threads at once.
/// </summary>
/// <remarks>
/// <para>
/// The WordPiece step (greedy longest-match-first with <c>##</c> continuations) is Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/>. Its basic tokenization (cleaning, lowercasing, accent stripping and splitting into
/// words) is not used, because in versions 2.0.1 and 3.0.0 it deviates from Hugging Face in ways that cannot be repaired by
/// editing the input text:
/// </para>
/// <list type="bullet">
/// <item>Its pre-tokenizer keeps only <c>\w+|\p{P}</c> matches, so every symbol character (<c>$ + &lt; = &gt; ^ ` | ~</c>,
/// <c>°</c>, <c>©</c>, emoji: categories Sm, Sc, Sk, So), every "other" or letter-like number (<c>½ ² Ⅳ</c>) and every
/// spacing combining mark is silently deleted (dotnet/machinelearning#7725). The same regex glues <c>_</c> (a connector
/// punctuation, matched by <c>\w</c>) into words, while BERT splits it off.</item>
/// <item>Its normalizer deletes <c>\t</c>, <c>\r</c>, <c>\n</c> instead of treating them as spaces, gluing the words
/// around them (dotnet/machinelearning#7724); it keeps format characters (Cf, such as U+200D or the soft hyphen) that
/// BERT removes.</item>
/// <item>Accent stripping is off by default (<c>RemoveNonSpacingMarks</c>) and, when on, also deletes spacing
/// combining marks (Mc), which BERT keeps; lowercasing only touches uppercase letters (Lu), while BERT lowercases
/// every character with a lowercase mapping (titlecase letters, Roman numerals, circled letters).</item>
/// <item>Its CJK test starts after U+3400, so U+3400 itself is not isolated as BERT does.</item>
/// <item>Its <c>maxTokenCount</c> overloads stop at a word boundary, while Hugging Face truncation cuts the
/// word-piece sequence, possibly inside a word.</item>
/// </list>
/// <para>
/// So this class performs the Hugging Face basic tokenization itself (see <see cref="BertPreTokenizer"/>) and hands
/// each resulting word to the Microsoft.ML.Tokenizers WordPiece model with its own normalization and pre-tokenization
/// switched off. Where Hugging Face's Python (slow) and Rust (fast) tokenizers differ, this class follows the Rust one;
/// the differences are listed on <see cref="BertPreTokenizer"/>.
/// </para>
/// <para>
/// Like Hugging Face (which registers them as added tokens), the special token strings (<c>[CLS]</c>, <c>[SEP]</c>,
/// <c>[PAD]</c>, <c>[UNK]</c>, <c>[MASK]</c>, exact case) are recognised inside the text and encoded as their ids.
/// </para>
/// <para>
/// Invalid UTF-16 (an unpaired surrogate) never throws: it is dropped, like the other code points of category
/// "Other" (Cc, Cf, Cs, Co, Cn) that BERT's text cleaning removes. Python and Rust strings cannot hold unpaired
/// surrogates, so Hugging Face has no behaviour to compare with; dropping is what BERT does to every other
/// category-C code point.
/// </para>
/// </remarks>
public sealed class WordPieceTokenizer
{
    private readonly BertTokenizer _wordPiece;
    private readonly BertPreTokenizer _preTokenizer;
    private readonly int _maxInputCharsPerWord;

    private WordPieceTokenizer(Vocabulary vocabulary, WordPieceTokenizerOptions options, BertTokenizer wordPiece, BertPreTokenizer preTokenizer, int clsId, int sepId, int padId, int unkId)
    {
        Vocabulary = vocabulary;
        Options = options;
        _maxInputCharsPerWord = options.MaxInputCharsPerWord;
        _wordPiece = wordPiece;
        _preTokenizer = preTokenizer;
        ClsId = clsId;
        SepId = sepId;
        PadId = padId;
        UnknownId = unkId;
    }

    /// <summary>The vocabulary the ids refer to.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The settings the tokenizer was created with.</summary>
    public WordPieceTokenizerOptions Options { get; }

    /// <summary>Id of the classification token (<see cref="WordPieceTokenizerOptions.ClsToken"/>), the first id of every encoding.</summary>
    public int ClsId { get; }

    /// <summary>Id of the separator token (<see cref="WordPieceTokenizerOptions.SepToken"/>), the last id of every encoding.</summary>
    public int SepId { get; }

    /// <summary>Id of the padding token (<see cref="WordPieceTokenizerOptions.PadToken"/>), for callers that pad batches.</summary>
    public int PadId { get; }

    /// <summary>Id of the unknown token (<see cref="WordPieceTokenizerOptions.UnknownToken"/>).</summary>
    public int UnknownId { get; }

    /// <summary>Creates a tokenizer over <paramref name="vocabulary"/>.</summary>
    /// <param name="vocabulary">The model's WordPiece vocabulary.</param>
    /// <param name="options">Casing, accent and special-token settings; <see langword="null"/> for the uncased BERT defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="vocabulary"/> is null.</exception>
    /// <exception cref="ArgumentException">The CLS, SEP, PAD or unknown token is empty or missing from the vocabulary.</exception>
    public static WordPieceTokenizer Create(Vocabulary vocabulary, WordPieceTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        options ??= new WordPieceTokenizerOptions();

        var cls = RequireToken(vocabulary, options.ClsToken, nameof(options.ClsToken), nameof(options));
        var sep = RequireToken(vocabulary, options.SepToken, nameof(options.SepToken), nameof(options));
        var pad = RequireToken(vocabulary, options.PadToken, nameof(options.PadToken), nameof(options));
        var unk = RequireToken(vocabulary, options.UnknownToken, nameof(options.UnknownToken), nameof(options));

        // BertTokenizer only reads vocab.txt streams; re-serialising our Vocabulary (LF endings) keeps CRLF files and
        // in-memory vocabularies working and guarantees both sides see the same token list.
        BertTokenizer wordPiece;
        using (var stream = new MemoryStream())
        {
            vocabulary.Save(stream);
            stream.Position = 0;
            wordPiece = BertTokenizer.Create(stream, new BertOptions
            {
                // Basic tokenization is done by BertPreTokenizer (see the class remarks for why); these settings make
                // the ML.NET tokenizer a plain WordPiece model and keep it from rewriting the vocabulary.
                ApplyBasicTokenization = false,
                SplitOnSpecialTokens = false,
                LowerCaseBeforeTokenization = options.LowerCase,
                RemoveNonSpacingMarks = options.EffectiveStripAccents,
                UnknownToken = options.UnknownToken,
                ClassificationToken = options.ClsToken,
                SeparatorToken = options.SepToken,
                PaddingToken = options.PadToken,
                // ML.NET insists on a masking token that is in the vocabulary; ours is optional, so fall back to [CLS].
                MaskingToken = options.MaskToken is { Length: > 0 } m && vocabulary.TryGetId(m, out _) ? m : options.ClsToken,
                // The code-point limit is applied by us (ML.NET counts UTF-16 units); this only needs to be large
                // enough never to trigger first. int.MaxValue overflows the stack inside ML.NET 2.0.1.
                MaxInputCharsPerWord = 2 * options.MaxInputCharsPerWord,
            });
        }

        var specials = new List<(string, int)> { (options.ClsToken, cls), (options.SepToken, sep), (options.PadToken, pad), (options.UnknownToken, unk) };
        if (options.MaskToken is { Length: > 0 } maskToken && vocabulary.TryGetId(maskToken, out var mask))
        {
            specials.Add((maskToken, mask));
        }

        var preTokenizer = new BertPreTokenizer(options.LowerCase, options.EffectiveStripAccents, options.HandleChineseCharacters, specials);
        return new WordPieceTokenizer(vocabulary, options, wordPiece, preTokenizer, cls, sep, pad, unk);
    }

    /// <summary>
    /// Creates a tokenizer from a Hugging Face <c>tokenizer.json</c>: its WordPiece vocabulary, its
    /// <c>BertNormalizer</c> settings (lowercase, accent stripping, CJK characters) and its special tokens.
    /// </summary>
    /// <param name="path">The <c>tokenizer.json</c> file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not valid JSON, or describes another tokenizer than BERT's WordPiece (the message says which part
    /// differs), or its special tokens are not in its vocabulary.
    /// </exception>
    public static WordPieceTokenizer LoadTokenizerJson(string path)
    {
        var (vocabulary, options) = TokenizerJsonFile.Read(path);
        try
        {
            return Create(vocabulary, options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Tokenizer file '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Encodes <paramref name="text"/> as <c>[CLS]</c>, its word pieces, <c>[SEP]</c>: at most
    /// <paramref name="maxLength"/> ids, always starting with <see cref="ClsId"/> and ending with <see cref="SepId"/>.
    /// </summary>
    /// <remarks>
    /// Longer texts are truncated like Hugging Face's <c>truncation=True, max_length=maxLength</c>: the first
    /// <c>maxLength - 2</c> word pieces are kept, even when that cuts a word between its pieces. Only as much of the
    /// text as is needed to produce those pieces is normalized and tokenized (the text is consumed one
    /// whitespace-delimited run at a time and the work stops once enough pieces exist), so encoding the start of a
    /// very large document costs time and memory proportional to the part consumed, not to the document; the one
    /// exception is a single enormous run without whitespace, which is normalized as a whole.
    /// </remarks>
    /// <param name="text">The text; empty or whitespace-only text yields just <c>[CLS] [SEP]</c>.</param>
    /// <param name="maxLength">The most ids to return, special tokens included; at least 2.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 2.</exception>
    public int[] Encode(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);

        var maxPieces = maxLength - 2;
        var pieces = new List<int>(Math.Min(maxPieces, 512));
        if (maxPieces > 0)
        {
            Tokenize(text, pieces, maxPieces);
        }

        var count = Math.Min(pieces.Count, maxPieces);
        var ids = new int[count + 2];
        ids[0] = ClsId;
        pieces.CopyTo(0, ids, 1, count);
        ids[^1] = SepId;
        return ids;
    }

    /// <summary>
    /// The word pieces of <paramref name="text"/> as vocabulary strings (continuations carry the <c>##</c> prefix),
    /// without the <c>[CLS]</c>/<c>[SEP]</c> that <see cref="Encode"/> adds and without truncation; for display and
    /// debugging. Special token strings written in the text itself (for example <c>[MASK]</c>) do appear.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        Tokenize(text, ids, int.MaxValue);
        var tokens = new string[ids.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Vocabulary[ids[i]];
        }

        return tokens;
    }

    /// <summary>The WordPiece ids of one already normalized, whitespace- and punctuation-free word.</summary>
    internal void AppendWordPieces(string word, List<int> ids)
    {
        // Hugging Face counts characters (code points); ML.NET would count UTF-16 units and give up on shorter words.
        if (CountCodePoints(word) > _maxInputCharsPerWord)
        {
            ids.Add(UnknownId);
            return;
        }

        ids.AddRange(_wordPiece.EncodeToIds(word, addSpecialTokens: false, considerPreTokenization: false, considerNormalization: false));
    }

    private void Tokenize(string text, List<int> ids, int maxPieces)
    {
        _preTokenizer.Run(text, this, ids, maxPieces);
    }

    private static int CountCodePoints(string word)
    {
        var count = 0;
        for (var i = 0; i < word.Length; i++)
        {
            if (!(char.IsLowSurrogate(word[i]) && i > 0 && char.IsHighSurrogate(word[i - 1])))
            {
                count++;
            }
        }

        return count;
    }

    private static int RequireToken(Vocabulary vocabulary, string? token, string property, string paramName)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw new ArgumentException($"{property} must not be empty.", paramName);
        }

        if (!vocabulary.TryGetId(token, out var id))
        {
            throw new ArgumentException($"{property} '{token}' is not in the vocabulary ({vocabulary.Source}).", paramName);
        }

        return id;
    }
}
