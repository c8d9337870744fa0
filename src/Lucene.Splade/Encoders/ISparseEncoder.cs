using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Encoders;

/// <summary>
/// Turns text into a SPLADE sparse vector over <see cref="Vocabulary"/>. Implementations are thread-safe.
/// </summary>
public interface ISparseEncoder
{
    /// <summary>The vocabulary whose ids the vectors use; its token strings are the index terms.</summary>
    Vocabulary Vocabulary { get; }

    /// <summary>Encodes one text. Empty or whitespace-only text gives <see cref="SparseVector.Empty"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    SparseVector Encode(string text);

    /// <summary>Encodes several texts in one model call per batch; the result is parallel to <paramref name="texts"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its items is null.</exception>
    IReadOnlyList<SparseVector> EncodeBatch(IReadOnlyList<string> texts);
}
