using System.Text;
using Lucene.Splade.Analysis;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Engines;

/// <summary>
/// A document for Elasticsearch or OpenSearch: its id, its SPLADE terms with float weights, and any other source
/// fields (title, text). Immutable and thread-safe once created; every value is checked when it is created.
/// </summary>
/// <remarks>
/// The engines store a weight with 9 significant bits (a relative error of at most about 0.4%) and accept only
/// positive normal floats, so a zero, negative, subnormal or non-finite weight is rejected here rather than by the
/// cluster. Terms are the vocabulary's own strings; <see cref="EngineTermKeys"/> maps them to keys when a body is
/// written.
/// </remarks>
public sealed class EngineDocument
{
    /// <summary>The longest id the engines accept, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 512;

    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    /// <summary>Creates a document.</summary>
    /// <param name="id">The document id (<c>_id</c>): not empty, at most <see cref="MaxIdBytes"/> UTF-8 bytes.</param>
    /// <param name="terms">The terms and weights: distinct, non-empty terms; positive normal float weights.</param>
    /// <param name="fields">Other source fields by name (for example title and text); null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="terms"/> is null, or a field value is.</exception>
    /// <exception cref="ArgumentException">The id is empty or too long, a term is empty or repeated, a weight is not a positive normal float, or a field name is empty.</exception>
    public EngineDocument(string id, IEnumerable<TermWeight> terms, IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(terms);
        if (id.Length == 0)
        {
            throw new ArgumentException("A document id must not be empty.", nameof(id));
        }

        if (Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            throw new ArgumentException($"Document id '{id[..Math.Min(id.Length, 40)]}...' is longer than {MaxIdBytes} UTF-8 bytes, the engines' limit.", nameof(id));
        }

        var list = terms.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (term, weight) in list)
        {
            if (string.IsNullOrEmpty(term))
            {
                throw new ArgumentException($"Document '{id}' has an empty term.", nameof(terms));
            }

            if (!(weight > 0 && float.IsNormal(weight)))
            {
                throw new ArgumentException($"Document '{id}': the weight of '{term}' is {weight}; the engines take positive normal floats only.", nameof(terms));
            }

            if (!seen.Add(term))
            {
                throw new ArgumentException($"Document '{id}' holds the term '{term}' twice.", nameof(terms));
            }
        }

        if (fields is not null)
        {
            foreach (var (name, value) in fields)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new ArgumentException($"Document '{id}' has a field without a name.", nameof(fields));
                }

                ArgumentNullException.ThrowIfNull(value, $"{nameof(fields)}[{name}]");
            }
        }

        Id = id;
        Terms = list;
        Fields = fields is null ? NoFields : new Dictionary<string, string>(fields, StringComparer.Ordinal);
    }

    /// <summary>The document id.</summary>
    public string Id { get; }

    /// <summary>The terms and weights, in the order given.</summary>
    public IReadOnlyList<TermWeight> Terms { get; }

    /// <summary>The other source fields by name (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>
    /// The document of a vector encoded by this library. With <paramref name="indexing"/>, the weights are exactly the
    /// ones a Lucene index built with those options scores with (its pruning, then its quantization:
    /// <c>tf / scale</c>); without, the encoder's float weights as they are. Special tokens are dropped either way, as
    /// they never become index terms.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="id"/>, <paramref name="vector"/> or <paramref name="vocabulary"/> is null.</exception>
    /// <exception cref="ArgumentException">The id is invalid (see the constructor) or a term id is outside the vocabulary.</exception>
    public static EngineDocument FromVector(string id, SparseVector vector, Vocabulary vocabulary, SpladeIndexingOptions? indexing = null, IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var weights = indexing is null ? vector : indexing.Quantizer.Dequantize(indexing.ToTermFrequencies(vector));
        return new EngineDocument(id, NamedTerms(weights.TermIds, weights.Weights, vocabulary), fields);
    }

    /// <summary>
    /// The document of integer term frequencies (as an index built here stores them, or as Anserini writes them):
    /// each weight is <c>tf / quantizer.Scale</c>, so the exported weights carry that quantization.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="fields"/> is null.</exception>
    /// <exception cref="ArgumentException">The id is invalid (see the constructor) or a term id is outside the vocabulary.</exception>
    public static EngineDocument FromTermFrequencies(string id, QuantizedVector termFrequencies, TermFrequencyQuantizer quantizer, Vocabulary vocabulary, IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(termFrequencies);
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var weights = quantizer.Dequantize(termFrequencies);
        return new EngineDocument(id, NamedTerms(weights.TermIds, weights.Weights, vocabulary), fields);
    }

    /// <summary>The named terms of parallel ids and weights, special tokens left out.</summary>
    internal static List<TermWeight> NamedTerms(ReadOnlySpan<int> ids, ReadOnlySpan<float> weights, Vocabulary vocabulary)
    {
        var terms = new List<TermWeight>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var term = ids[i] < vocabulary.Count
                ? vocabulary[ids[i]]
                : throw new ArgumentException($"Term id {ids[i]} is outside the vocabulary of {vocabulary.Count} tokens ({vocabulary.Source}).", nameof(ids));
            if (!vocabulary.IsExcludedTerm(ids[i]))
            {
                terms.Add(new TermWeight(term, weights[i]));
            }
        }

        return terms;
    }
}
