using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Analysis;

/// <summary>
/// Turns a <see cref="QuantizedVector"/> into tokens on an attribute source. Shared by <see cref="SpladeTokenFilter"/>
/// and <see cref="SparseVectorTokenStream"/> so that both indexing paths give identical postings.
/// </summary>
/// <remarks>
/// Lucene.NET 4.8 has no term-frequency attribute, so a term with frequency <c>tf</c> is emitted <c>tf</c> times.
/// The first emission of a term advances the position by 1 and repeats stack on it (increment 0): positions then
/// grow with the number of distinct terms, not with the total frequency, so they cannot overflow however large the
/// frequencies are, and the first token of a stream always has an increment of 1, as the indexer requires.
/// Ids of excluded vocabulary entries (special tokens, <see cref="Vocabulary.IsExcludedTerm"/>) are skipped.
/// </remarks>
internal sealed class QuantizedTermEmitter
{
    private readonly AttributeSource _source;
    private readonly ICharTermAttribute _termAttribute;
    private readonly IPositionIncrementAttribute _positionIncrementAttribute;
    private readonly IOffsetAttribute _offsetAttribute;
    private readonly Vocabulary _vocabulary;

    private QuantizedVector? _vector;
    private int _termIndex;
    private int _remaining;
    private int _startOffset;
    private int _endOffset;

    public QuantizedTermEmitter(AttributeSource source, Vocabulary vocabulary)
    {
        _source = source;
        _vocabulary = vocabulary;
        _termAttribute = source.AddAttribute<ICharTermAttribute>();
        _positionIncrementAttribute = source.AddAttribute<IPositionIncrementAttribute>();
        _offsetAttribute = source.AddAttribute<IOffsetAttribute>();
    }

    /// <summary>Starts emitting <paramref name="vector"/>; every token gets the offsets given here.</summary>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public void Start(QuantizedVector vector, int startOffset, int endOffset)
    {
        CheckIdsInVocabulary(vector.TermIds, _vocabulary);
        _vector = vector;
        _termIndex = -1;
        _remaining = 0;
        _startOffset = startOffset;
        _endOffset = endOffset;
    }

    /// <summary>Forgets the current vector; <see cref="TryEmit"/> then returns false until the next <see cref="Start"/>.</summary>
    public void Clear()
    {
        _vector = null;

        // Stryker disable once Unary : equivalent, TryEmit stops at the null vector and Start sets the index again.
        _termIndex = -1;
        _remaining = 0;
    }

    /// <summary>Sets the attributes to the next token; false when the vector is exhausted.</summary>
    public bool TryEmit()
    {
        if (_vector is null)
        {
            return false;
        }

        var first = false;
        if (_remaining == 0)
        {
            if (!MoveToNextTerm(_vector))
            {
                _vector = null;
                return false;
            }

            _remaining = _vector.Frequencies[_termIndex];
            first = true;
        }

        _source.ClearAttributes();
        _termAttribute.SetEmpty().Append(_vocabulary[_vector.TermIds[_termIndex]]);
        _positionIncrementAttribute.PositionIncrement = first ? 1 : 0;
        _offsetAttribute.SetOffset(_startOffset, _endOffset);
        _remaining--;
        return true;
    }

    /// <summary>Throws when an id cannot be a term of <paramref name="vocabulary"/> (the encoder and vocabulary differ).</summary>
    internal static void CheckIdsInVocabulary(ReadOnlySpan<int> ascendingIds, Vocabulary vocabulary)
    {
        // Ids are ascending, so the last one is the largest; a mismatch is reported before any token is emitted.
        if (ascendingIds.Length > 0 && ascendingIds[^1] >= vocabulary.Count)
        {
            throw new ArgumentException(
                $"Term id {ascendingIds[^1]} is outside the vocabulary of {vocabulary.Count} tokens ({vocabulary.Source}); the vector was not made with this vocabulary.");
        }
    }

    private bool MoveToNextTerm(QuantizedVector vector)
    {
        while (++_termIndex < vector.Count)
        {
            if (!_vocabulary.IsExcludedTerm(vector.TermIds[_termIndex]))
            {
                return true;
            }
        }

        return false;
    }
}
