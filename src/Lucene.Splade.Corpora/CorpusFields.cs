using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search.Similarities;
using Lucene.Splade.Analysis;
using Lucene.Splade.Interchange;
using Lucene.Splade.Search;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Corpora;

/// <summary>
/// The fields a collection is indexed with, by the sample console and by the harness alike: <see cref="Id"/> (stored,
/// exact), <see cref="Contents"/> (title + text for BM25), <see cref="Splade"/> (pre-encoded SPLADE terms) and, for
/// display, <see cref="Title"/> and <see cref="Text"/> (stored only).
/// </summary>
public static class CorpusFields
{
    public const string Id = "id";
    public const string Title = "title";
    public const string Text = "text";
    public const string Contents = "contents";
    public const string Splade = "splade";

    /// <summary>The optional forward index: each document's pruned SPLADE vector with float weights (<see cref="ForwardVectors"/>).</summary>
    public const string SpladeVector = "splade_vector";

    /// <summary>SPLADE's dot product on <see cref="Splade"/>, <paramref name="bm25"/> (BM25 by default) on the rest.</summary>
    public static Similarity CreateSimilarity(Similarity? bm25 = null) => SpladeSimilarity.ForFields([Splade], bm25);

    /// <summary>The id field.</summary>
    public static IIndexableField IdField(string id) => new StringField(Id, id, Field.Store.YES);

    /// <summary>The BM25 field: <see cref="CorpusDocument.Contents"/>, analyzed by the writer's analyzer, not stored.</summary>
    public static IIndexableField Bm25Field(CorpusDocument document) => new TextField(Contents, document.Contents, Field.Store.NO);

    /// <summary>The SPLADE field of a vector, pruned and quantized with <paramref name="indexing"/>.</summary>
    public static IIndexableField SpladeField(SparseVector vector, Vocabulary vocabulary, SpladeIndexingOptions indexing) =>
        Analysis.SpladeField.CreateEncodedField(Splade, vector, vocabulary, indexing);

    /// <summary>The SPLADE field of term frequencies quantized beforehand.</summary>
    public static IIndexableField SpladeField(QuantizedVector termFrequencies, Vocabulary vocabulary) =>
        Analysis.SpladeField.CreateEncodedField(Splade, termFrequencies, vocabulary);

    /// <summary>A whole document: id, stored title and text, the BM25 field and the SPLADE field; with
    /// <paramref name="forwardVector"/>, also the pruned float vector in <see cref="SpladeVector"/>.</summary>
    public static Document ToDocument(CorpusDocument document, SparseVector vector, Vocabulary vocabulary, SpladeIndexingOptions indexing, bool forwardVector = false)
    {
        if (!forwardVector)
        {
            return ToDocument(document, SpladeField(vector, vocabulary, indexing));
        }

        // Pruned once for both fields: the postings quantize the very vector the forward field stores.
        var pruned = SparseVectorPruner.Prune(vector, indexing.Pruning);
        var result = ToDocument(document, SpladeField(indexing.Quantizer.Quantize(pruned), vocabulary));
        result.Add(ForwardVectors.CreateField(SpladeVector, pruned));
        return result;
    }

    /// <summary>A whole document whose SPLADE term frequencies were quantized beforehand (an imported Anserini file, say).</summary>
    public static Document ToDocument(CorpusDocument document, QuantizedVector termFrequencies, Vocabulary vocabulary) =>
        ToDocument(document, SpladeField(termFrequencies, vocabulary));

    private static Document ToDocument(CorpusDocument document, IIndexableField splade) =>
    [
        IdField(document.Id),
        new StoredField(Title, document.Title),
        new StoredField(Text, document.Text),
        Bm25Field(document),
        splade,
    ];
}
