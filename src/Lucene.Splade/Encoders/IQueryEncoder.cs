using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Encoders;

/// <summary>
/// Turns query text into a SPLADE sparse vector over <see cref="Vocabulary"/>, for
/// <see cref="Search.SpladeQueryBuilder"/>. Both the model (<see cref="SpladeEncoder"/>) and the inference-free
/// encoder (<see cref="InferenceFreeQueryEncoder"/>, no model run) are query encoders. Implementations are
/// thread-safe.
/// </summary>
/// <seealso cref="IDocumentEncoder"/>
public interface IQueryEncoder
{
    /// <summary>The vocabulary whose ids the vectors use; it must be the documents' vocabulary.</summary>
    Vocabulary Vocabulary { get; }

    /// <summary>Encodes one query. Empty or whitespace-only text gives <see cref="SparseVector.Empty"/>.</summary>
    /// <param name="text">The query text.</param>
    /// <returns>The query's vector, unpruned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    SparseVector EncodeQuery(string text);

    /// <summary>Encodes several queries, in as few model calls as the implementation allows.</summary>
    /// <param name="texts">The query texts.</param>
    /// <param name="cancellationToken">Checked between model calls.</param>
    /// <returns>One vector per text, in the order of <paramref name="texts"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its items is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    IReadOnlyList<SparseVector> EncodeQueries(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
