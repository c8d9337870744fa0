using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Encoders;

/// <summary>
/// Turns documents into SPLADE sparse vectors over <see cref="Vocabulary"/>: the role of the model at indexing time
/// (<see cref="Analysis.SpladeAnalyzer"/>, <see cref="Analysis.SpladeTokenFilter"/>). Implementations are thread-safe.
/// </summary>
/// <seealso cref="IQueryEncoder"/>
public interface IDocumentEncoder
{
    /// <summary>The vocabulary whose ids the vectors use; its token strings are the index terms.</summary>
    Vocabulary Vocabulary { get; }

    /// <summary>Encodes one document. Empty or whitespace-only text gives <see cref="SparseVector.Empty"/>.</summary>
    /// <param name="text">The document's text.</param>
    /// <returns>The document's vector, unpruned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    SparseVector EncodeDocument(string text);

    /// <summary>Encodes several documents, in as few model calls as the implementation allows.</summary>
    /// <param name="texts">The documents' texts.</param>
    /// <param name="cancellationToken">Checked between model calls.</param>
    /// <returns>One vector per text, in the order of <paramref name="texts"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its items is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    IReadOnlyList<SparseVector> EncodeDocuments(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
