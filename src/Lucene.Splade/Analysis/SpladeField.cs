using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Analysis;

/// <summary>Fields that hold SPLADE terms.</summary>
/// <remarks>
/// Several values of one SPLADE field in a document add up: each term's frequency is the sum over the values, so
/// the document scores as the sum of the values' vectors.
/// </remarks>
public static class SpladeField
{
    /// <summary>
    /// Indexed, tokenized, not stored, <see cref="IndexOptions.DOCS_AND_FREQS"/> (the frequency is the quantized
    /// weight; positions would only cost space) and no norms (SPLADE scores ignore document length). Frozen.
    /// </summary>
    public static FieldType SpladeFieldType { get; } = CreateFieldType();

    /// <summary>
    /// A field whose text is encoded by the analyzer the index writer uses for <paramref name="name"/>; map that name
    /// to a <see cref="SpladeAnalyzer"/>, e.g. with a <c>PerFieldAnalyzerWrapper</c>. Any other analyzer would index
    /// its own tokens under this field type.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static Field CreateTextField(string name, string text)
    {
        // Stryker disable once Statement : equivalent, Lucene's Field constructor throws the same ArgumentNullException for name.
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        return new Field(name, text, SpladeFieldType);
    }

    /// <summary>
    /// A field holding a vector encoded beforehand, pruned and quantized with <paramref name="options"/>; gives the
    /// same postings as <see cref="CreateTextField"/> with a <see cref="SpladeAnalyzer"/> of the same options.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public static Field CreateEncodedField(string name, SparseVector vector, Vocabulary vocabulary, SpladeIndexingOptions? options = null)
    {
        // Stryker disable once Statement : equivalent, Lucene's Field constructor throws the same ArgumentNullException for name.
        ArgumentNullException.ThrowIfNull(name);
        return new Field(name, new SparseVectorTokenStream(vector, vocabulary, options), SpladeFieldType);
    }

    /// <summary>A field holding term frequencies quantized beforehand, indexed as they are.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public static Field CreateEncodedField(string name, QuantizedVector termFrequencies, Vocabulary vocabulary)
    {
        // Stryker disable once Statement : equivalent, Lucene's Field constructor throws the same ArgumentNullException for name.
        ArgumentNullException.ThrowIfNull(name);
        return new Field(name, new SparseVectorTokenStream(termFrequencies, vocabulary), SpladeFieldType);
    }

    private static FieldType CreateFieldType()
    {
        var type = new FieldType
        {
            IsIndexed = true,
            IsTokenized = true,
            IsStored = false,
            IndexOptions = IndexOptions.DOCS_AND_FREQS,
            OmitNorms = true,
        };
        type.Freeze();
        return type;
    }
}
