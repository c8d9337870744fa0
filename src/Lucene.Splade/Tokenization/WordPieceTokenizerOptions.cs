namespace Lucene.Splade.Tokenization;

/// <summary>
/// Settings of a <see cref="WordPieceTokenizer"/>, mirroring the fields of a Hugging Face BERT tokenizer
/// (<c>do_lower_case</c>, <c>strip_accents</c>, <c>handle_chinese_chars</c>, <c>max_input_chars_per_word</c> and the
/// special tokens). Immutable once created.
/// </summary>
/// <remarks>
/// The defaults fit uncased BERT-family models (bert-base-uncased, MiniLM, the SPLADE checkpoints built on them).
/// For a cased model set <see cref="LowerCase"/> to <see langword="false"/>.
/// </remarks>
public sealed class WordPieceTokenizerOptions
{
    /// <summary>
    /// Whether text is lowercased before WordPiece (Hugging Face <c>do_lower_case</c>). Default <see langword="true"/>.
    /// </summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>
    /// Whether accents are removed (canonical decomposition, then non-spacing marks dropped; Hugging Face
    /// <c>strip_accents</c>). <see langword="null"/> (the default) means "the same as <see cref="LowerCase"/>",
    /// which is how Hugging Face interprets an unset <c>strip_accents</c>.
    /// </summary>
    public bool? StripAccents { get; init; }

    /// <summary>
    /// Whether each CJK ideograph becomes a word of its own (Hugging Face <c>handle_chinese_chars</c>). Default
    /// <see langword="true"/>.
    /// </summary>
    public bool HandleChineseCharacters { get; init; } = true;

    /// <summary>
    /// Words longer than this many characters (code points) become the unknown token (Hugging Face
    /// <c>max_input_chars_per_word</c>). Default 100.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxInputCharsPerWord
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxInputCharsPerWord));
            field = value;
        }
    } = 100;

    /// <summary>The classification token that starts every encoded sequence. Default <c>[CLS]</c>.</summary>
    public string ClsToken { get; init; } = "[CLS]";

    /// <summary>The separator token that ends every encoded sequence. Default <c>[SEP]</c>.</summary>
    public string SepToken { get; init; } = "[SEP]";

    /// <summary>The padding token (not emitted by <see cref="WordPieceTokenizer.Encode"/>; exposed for batching). Default <c>[PAD]</c>.</summary>
    public string PadToken { get; init; } = "[PAD]";

    /// <summary>The token emitted for a word WordPiece cannot spell with the vocabulary. Default <c>[UNK]</c>.</summary>
    public string UnknownToken { get; init; } = "[UNK]";

    /// <summary>
    /// The masked-language-model token. Default <c>[MASK]</c>. Encoding never needs it, so a vocabulary without it
    /// (or <see langword="null"/> here) is accepted; when present it is recognised in the text like the other special tokens.
    /// </summary>
    public string? MaskToken { get; init; } = "[MASK]";

    /// <summary>The value of <see cref="StripAccents"/> after applying its default.</summary>
    internal bool EffectiveStripAccents => StripAccents ?? LowerCase;
}
