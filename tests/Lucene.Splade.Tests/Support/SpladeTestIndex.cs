using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Lucene.Splade.Tests.Support;

/// <summary>Small in-memory indexes and ways to read their postings back.</summary>
internal static class SpladeTestIndex
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    public static IndexWriter OpenWriter(Lucene.Net.Store.Directory directory, Analyzer analyzer, Similarity similarity) =>
        new(directory, new IndexWriterConfig(Version, analyzer) { Similarity = similarity });

    /// <summary>Every (term, doc, freq) of <paramref name="field"/>, in term then doc order.</summary>
    public static List<(string Term, int Doc, int Freq)> ReadPostings(IndexReader reader, string field)
    {
        var postings = new List<(string, int, int)>();
        var terms = MultiFields.GetTerms(reader, field);
        if (terms is null)
        {
            return postings;
        }

        var liveDocs = MultiFields.GetLiveDocs(reader);
        var termsEnum = terms.GetEnumerator();
        while (termsEnum.MoveNext())
        {
            var term = termsEnum.Term.Utf8ToString();
            var docs = termsEnum.Docs(liveDocs, null, DocsFlags.FREQS);
            while (docs.NextDoc() != DocIdSetIterator.NO_MORE_DOCS)
            {
                postings.Add((term, docs.DocID, docs.Freq));
            }
        }

        return postings;
    }

    /// <summary>The index as a map from document to its (term, freq) pairs.</summary>
    public static Dictionary<int, Dictionary<string, int>> ReadDocumentTerms(IndexReader reader, string field)
    {
        var byDoc = new Dictionary<int, Dictionary<string, int>>();
        foreach (var (term, doc, freq) in ReadPostings(reader, field))
        {
            if (!byDoc.TryGetValue(doc, out var terms))
            {
                byDoc[doc] = terms = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            terms[term] = freq;
        }

        return byDoc;
    }

    public static RAMDirectory NewDirectory() => new();
}
