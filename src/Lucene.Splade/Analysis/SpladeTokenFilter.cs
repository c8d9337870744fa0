using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Splade.Encoders;

namespace Lucene.Splade.Analysis;

/// <summary>
/// Encodes a field's text with an <see cref="IDocumentEncoder"/> and emits the SPLADE terms of the result: the vector
/// is pruned and quantized (<see cref="SpladeIndexingOptions"/>), and each term is emitted as many times as its
/// quantized frequency, in ascending term id order, its text being the <see cref="IDocumentEncoder.Vocabulary"/> token.
/// </summary>
/// <remarks>
/// <para>
/// The input is meant to hand over the whole text as one token (<see cref="SpladeAnalyzer"/> uses
/// <c>KeywordTokenizer</c>). When it gives several tokens, their texts are joined with one space and encoded
/// together, so an upstream whitespace tokenizer changes the text the model sees only in its spacing.
/// </para>
/// <para>
/// Positions: the first emission of each term has position increment 1 and its repeats 0, so the first token of the
/// stream always has increment 1 and positions count distinct terms. Offsets: every token carries the start offset
/// of the first input token and the largest end offset of the input tokens (the whole text); <see cref="End"/>
/// leaves the input's final offset, raised to that end offset if it was smaller.
/// </para>
/// <para>
/// Follows the <see cref="TokenStream"/> workflow: <see cref="Reset"/>, <see cref="IncrementToken"/> until false,
/// <see cref="End"/>, <see cref="TokenStream.Dispose()"/>. <see cref="Reset"/> forgets the previous document, so
/// the filter (and the analyzer holding it) can be reused. The input is read and encoded on the first
/// <see cref="IncrementToken"/>.
/// </para>
/// </remarks>
public sealed class SpladeTokenFilter : TokenFilter
{
    private readonly IDocumentEncoder _encoder;
    private readonly SpladeIndexingOptions _options;
    private readonly ICharTermAttribute _termAttribute;
    private readonly IOffsetAttribute _offsetAttribute;
    private readonly QuantizedTermEmitter _emitter;
    private readonly StringBuilder _text = new();

    private bool _resetCalled;
    private bool _inputConsumed;
    private int _endOffset;

    /// <summary>Creates the filter.</summary>
    /// <param name="input">The stream whose tokens make up the text to encode.</param>
    /// <param name="encoder">The document encoder (the model); thread-safe, shared freely.</param>
    /// <param name="options">Pruning and quantization; <see cref="SpladeIndexingOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="encoder"/> is null.</exception>
    public SpladeTokenFilter(TokenStream input, IDocumentEncoder encoder, SpladeIndexingOptions? options = null)
        : base(input ?? throw new ArgumentNullException(nameof(input)))
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        _options = options ?? SpladeIndexingOptions.Default;
        _termAttribute = AddAttribute<ICharTermAttribute>();
        _offsetAttribute = AddAttribute<IOffsetAttribute>();
        _emitter = new QuantizedTermEmitter(this, encoder.Vocabulary);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException"><see cref="Reset"/> was not called first.</exception>
    public override bool IncrementToken()
    {
        if (!_resetCalled)
        {
            throw new InvalidOperationException(
                "TokenStream contract violation: Reset() must be called before IncrementToken() on a SpladeTokenFilter " +
                "(workflow: Reset(), IncrementToken() until false, End(), Dispose()).");
        }

        if (!_inputConsumed)
        {
            EncodeInput();
        }

        return _emitter.TryEmit();
    }

    /// <inheritdoc />
    public override void End()
    {
        base.End();

        // The input set its final offset; never leave it before the offsets our tokens already reported.
        var finalOffset = Math.Max(_offsetAttribute.EndOffset, _endOffset);
        _offsetAttribute.SetOffset(finalOffset, finalOffset);
    }

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        _resetCalled = true;
        ForgetDocument();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Disposing ends the use for this document; the next use starts with Reset() again.
        _resetCalled = false;

        // Stryker disable once Statement : equivalent, Reset forgets the document too and must come next; this frees the text early.
        ForgetDocument();
        base.Dispose(disposing);
    }

    private void ForgetDocument()
    {
        _inputConsumed = false;
        _endOffset = 0;
        _text.Clear();
        _emitter.Clear();
    }

    private void EncodeInput()
    {
        _inputConsumed = true;
        var startOffset = -1;
        var endOffset = 0;
        while (m_input.IncrementToken())
        {
            if (startOffset < 0)
            {
                startOffset = _offsetAttribute.StartOffset;
            }
            else
            {
                _text.Append(' ');
            }

            _text.Append(_termAttribute.Buffer, 0, _termAttribute.Length);
            endOffset = Math.Max(endOffset, _offsetAttribute.EndOffset);
        }

        if (startOffset < 0)
        {
            return;
        }

        _endOffset = Math.Max(startOffset, endOffset);
        var vector = _encoder.EncodeDocument(_text.ToString());
        _emitter.Start(_options.ToTermFrequencies(vector), startOffset, _endOffset);
    }
}
