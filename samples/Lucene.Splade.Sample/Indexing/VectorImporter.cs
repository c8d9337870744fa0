using System.Diagnostics;
using Lucene.Splade.Corpora;
using Lucene.Splade.Interchange;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Sample.Indexing;

/// <summary>
/// Writes documents whose SPLADE vectors were encoded elsewhere (an Anserini <c>JsonVectorCollection</c>) into an
/// index of the same layout as <see cref="IndexBuilder"/>'s, without the model: the integer weights become the term
/// frequencies as they are, the contents become the stored text and the BM25 field. Cancellation stops after the
/// current document and commits.
/// </summary>
internal sealed class VectorImporter(Vocabulary vocabulary, IndexMetadata metadata, IndexBuildOptions options)
{
    /// <exception cref="SampleException">The existing index was built with other settings.</exception>
    /// <exception cref="InvalidDataException">A line of the input is not a valid document.</exception>
    public IndexBuildResult Import(IEnumerable<AnseriniDocument> documents, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var session = IndexWriterSession.Open(metadata, options);
        var interrupted = false;
        foreach (var document in documents)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }

            if (session.Admit(document.Id))
            {
                session.Add(CorpusFields.ToDocument(new CorpusDocument(document.Id, "", document.Contents), document.Vector, vocabulary));
                session.CommitIfDue();
            }
        }

        session.Commit();
        return new IndexBuildResult(session.Added, session.SkippedExisting, session.Duplicates, session.DocumentsInIndex, interrupted, clock.Elapsed);
    }
}
