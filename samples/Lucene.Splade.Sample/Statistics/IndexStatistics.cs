using Lucene.Splade.Corpora;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Statistics;

/// <summary>Postings statistics of one field, from Lucene's own counters.</summary>
/// <param name="DistinctTerms">Terms in the field's dictionary.</param>
/// <param name="AverageTermsPerDocument">Distinct terms per document (for SPLADE: nonzero weights after pruning).</param>
/// <param name="AverageTermFrequency">Occurrences per (term, document) pair (for SPLADE: the quantized weight).</param>
internal sealed record FieldStatistics(string Field, long DistinctTerms, double AverageTermsPerDocument, double AverageTermFrequency);

/// <summary>The expected FLOPS of SPLADE retrieval and what it was estimated from.</summary>
/// <param name="Value">Sum over terms j of p_q(j) x p_d(j): the expected number of postings touched per document.</param>
/// <param name="QueryCount">Queries behind p_q; 0 when the documents stood in for queries (p_q = p_d).</param>
internal sealed record FlopsEstimate(double Value, int QueryCount);

internal sealed record IndexReport(
    int Documents,
    long BytesOnDisk,
    IReadOnlyDictionary<string, long> BytesByExtension,
    IReadOnlyList<FieldSize> FieldSizes,
    FieldStatistics Bm25,
    FieldStatistics Splade,
    FlopsEstimate Flops,
    IndexMetadata? Metadata);

/// <summary>Computes <c>stats</c>: sizes, sparsity and the FLOPS measure of a sample index.</summary>
internal static class IndexStatistics
{
    /// <param name="indexPath">The index folder.</param>
    /// <param name="queryVectors">Encoded queries for p_q; null to use the documents themselves (p_q = p_d).</param>
    /// <param name="measureFieldSizes">Copy each field to measure its size (seconds on large indexes).</param>
    public static IndexReport Compute(string indexPath, IReadOnlyList<SparseVector>? queryVectors, SpladeQueryBuilder? queryBuilder, bool measureFieldSizes = true)
    {
        using var reader = IndexLayout.OpenReader(indexPath);
        var byExtension = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in new DirectoryInfo(indexPath).EnumerateFiles())
        {
            var extension = file.Name.StartsWith("segments", StringComparison.Ordinal) ? "segments" : file.Extension.TrimStart('.');
            byExtension[extension] = byExtension.GetValueOrDefault(extension) + file.Length;
        }

        var sizes = measureFieldSizes
            ? new[] { CorpusFields.Contents, CorpusFields.Splade, CorpusFields.Id }.Select(f => FieldSizes.Measure(reader, f)).ToArray()
            : [];
        var documentFrequencies = DocumentFrequencies(reader, CorpusFields.Splade);
        return new IndexReport(
            reader.NumDocs,
            byExtension.Values.Sum(),
            byExtension,
            sizes,
            FieldStats(reader, CorpusFields.Contents),
            FieldStats(reader, CorpusFields.Splade),
            Flops(documentFrequencies, reader.NumDocs, queryVectors, queryBuilder),
            IndexMetadata.FromUserData(reader.IndexCommit.UserData));
    }

    /// <summary>
    /// FLOPS = sum_j p_q(j) p_d(j), p_d(j) the share of documents holding term j and p_q(j) the share of queries
    /// whose (pruned) vector holds it. Without queries, p_q = p_d.
    /// </summary>
    public static FlopsEstimate Flops(IReadOnlyDictionary<string, int> documentFrequencies, int documents,
        IReadOnlyList<SparseVector>? queryVectors, SpladeQueryBuilder? queryBuilder)
    {
        if (documents == 0)
        {
            return new FlopsEstimate(0, queryVectors?.Count ?? 0);
        }

        if (queryVectors is null || queryVectors.Count == 0 || queryBuilder is null)
        {
            return new FlopsEstimate(documentFrequencies.Values.Sum(df => Math.Pow((double)df / documents, 2)), 0);
        }

        // The query terms are those of the built queries: query pruning and the clause limit applied.
        var queryFrequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var vector in queryVectors)
        {
            foreach (var id in queryBuilder.SelectTerms(vector).TermIds)
            {
                var term = queryBuilder.Vocabulary[id];
                queryFrequencies[term] = queryFrequencies.GetValueOrDefault(term) + 1;
            }
        }

        var flops = queryFrequencies.Sum(q =>
            (double)q.Value / queryVectors.Count * documentFrequencies.GetValueOrDefault(q.Key) / documents);
        return new FlopsEstimate(flops, queryVectors.Count);
    }

    private static Dictionary<string, int> DocumentFrequencies(IndexReader reader, string field)
    {
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        var terms = MultiFields.GetTerms(reader, field);
        if (terms is null)
        {
            return frequencies;
        }

        var termsEnum = terms.GetEnumerator();
        while (termsEnum.MoveNext())
        {
            frequencies[termsEnum.Term.Utf8ToString()] = termsEnum.DocFreq;
        }

        return frequencies;
    }

    private static FieldStatistics FieldStats(IndexReader reader, string field)
    {
        var terms = MultiFields.GetTerms(reader, field);
        if (terms is null || reader.NumDocs == 0)
        {
            return new FieldStatistics(field, 0, 0, 0);
        }

        // Counters of all documents ever added and not yet merged away; the index has no deletions of its own.
        var distinct = 0L;
        var termsEnum = terms.GetEnumerator();
        while (termsEnum.MoveNext())
        {
            distinct++;
        }

        return new FieldStatistics(field, distinct,
            (double)terms.SumDocFreq / reader.NumDocs,
            terms.SumDocFreq == 0 ? 0 : (double)terms.SumTotalTermFreq / terms.SumDocFreq);
    }
}
