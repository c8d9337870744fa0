using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Analysis;

/// <summary>
/// Indexes a vector that was encoded beforehand (in batches, or read back from storage) without calling the model.
/// It emits exactly the tokens <see cref="SpladeTokenFilter"/> emits for the same vector and options, so both give
/// identical postings; only the offsets differ (always 0 here, as there is no text).
/// </summary>
/// <remarks>
/// Use it as a field's token stream (<see cref="SpladeField.CreateEncodedField(string, SparseVector, Vocabulary, SpladeIndexingOptions?)"/>).
/// <see cref="Reset"/> rewinds to the first token, so the same stream can be indexed again; <see cref="SetVector(SparseVector)"/>
/// swaps in the next document's vector for reuse. Not thread-safe, like every <see cref="TokenStream"/>.
/// </remarks>
public sealed class SparseVectorTokenStream : TokenStream
{
    private readonly Vocabulary _vocabulary;
    private readonly IOffsetAttribute _offsetAttribute;
    private readonly QuantizedTermEmitter _emitter;
    private bool _resetCalled;

    /// <summary>Creates a stream for a document vector, pruned and quantized with <paramref name="options"/>.</summary>
    /// <param name="vector">The document's sparse vector.</param>
    /// <param name="vocabulary">The vocabulary the vector's ids belong to.</param>
    /// <param name="options">Pruning and quantization; <see cref="SpladeIndexingOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public SparseVectorTokenStream(SparseVector vector, Vocabulary vocabulary, SpladeIndexingOptions? options = null)
        : this(vocabulary, options)
    {
        SetVector(vector);
    }

    /// <summary>Creates a stream for term frequencies quantized beforehand; they are indexed as they are.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public SparseVectorTokenStream(QuantizedVector termFrequencies, Vocabulary vocabulary)
        : this(vocabulary, options: null)
    {
        SetVector(termFrequencies);
    }

    private SparseVectorTokenStream(Vocabulary vocabulary, SpladeIndexingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _vocabulary = vocabulary;
        Options = options ?? SpladeIndexingOptions.Default;
        _offsetAttribute = AddAttribute<IOffsetAttribute>();
        _emitter = new QuantizedTermEmitter(this, vocabulary);
        TermFrequencies = QuantizedVector.Empty;
    }

    /// <summary>The options <see cref="SetVector(SparseVector)"/> prunes and quantizes with.</summary>
    public SpladeIndexingOptions Options { get; }

    /// <summary>The term frequencies the stream emits (before excluded vocabulary entries are skipped).</summary>
    public QuantizedVector TermFrequencies { get; private set; }

    /// <summary>Replaces the vector (pruned and quantized with <see cref="Options"/>); takes effect at the next <see cref="Reset"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="vector"/> is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public SparseVectorTokenStream SetVector(SparseVector vector)
    {
        // Stryker disable once Statement : equivalent, ToTermFrequencies throws the same ArgumentNullException for vector.
        ArgumentNullException.ThrowIfNull(vector);
        return SetVector(Options.ToTermFrequencies(vector));
    }

    /// <summary>Replaces the term frequencies; takes effect at the next <see cref="Reset"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="termFrequencies"/> is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public SparseVectorTokenStream SetVector(QuantizedVector termFrequencies)
    {
        ArgumentNullException.ThrowIfNull(termFrequencies);
        QuantizedTermEmitter.CheckIdsInVocabulary(termFrequencies.TermIds, _vocabulary);
        TermFrequencies = termFrequencies;
        _emitter.Clear();
        return this;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException"><see cref="Reset"/> was not called first.</exception>
    public override bool IncrementToken()
    {
        if (!_resetCalled)
        {
            throw new InvalidOperationException(
                "TokenStream contract violation: Reset() must be called before IncrementToken() on a SparseVectorTokenStream " +
                "(workflow: Reset(), IncrementToken() until false, End(), Dispose()).");
        }

        return _emitter.TryEmit();
    }

    /// <inheritdoc />
    public override void End()
    {
        base.End();

        // Stryker disable once Statement : equivalent, TokenStream.End clears the attributes, offsets included; kept to state the final offset.
        _offsetAttribute.SetOffset(0, 0);
    }

    /// <inheritdoc />
    public override void Reset()
    {
        // Stryker disable once Statement : equivalent, TokenStream.Reset does nothing; called as the contract asks of subclasses.
        base.Reset();
        _resetCalled = true;
        _emitter.Start(TermFrequencies, 0, 0);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _resetCalled = false;

        // Stryker disable once Statement : equivalent, after Dispose only Reset can follow, and Reset restarts the emitter; this drops the vector early.
        _emitter.Clear();

        // Stryker disable once Statement : equivalent, TokenStream.Dispose(bool) does nothing; called as the dispose pattern asks.
        base.Dispose(disposing);
    }
}
