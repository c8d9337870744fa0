using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Interchange;

/// <summary>
/// Reads documents' SPLADE vectors back out of an index: the term frequencies of a SPLADE field, document by
/// document, rebuilt from its postings (the field stores no term vectors). With <see cref="AnseriniVectors"/> this
/// exports an index built here to Anserini, or to any engine that takes integer weights.
/// </summary>
/// <remarks>
/// The frequencies are the index's own (quantized) ones, so an exported document re-indexes to the same postings.
/// One segment at a time: memory grows with the largest segment's postings, not the index's. Deleted documents are
/// skipped. Terms outside the vocabulary (a field written with another model) are a clear error.
/// </remarks>
public static class IndexedVectors
{
    /// <summary>Every live document of <paramref name="reader"/> with its vector of <paramref name="field"/>, in doc id order (documents without the field get an empty vector).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidDataException">The field holds a term that is not in the vocabulary.</exception>
    public static IEnumerable<(int Doc, QuantizedVector Vector)> Read(IndexReader reader, string field, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(vocabulary);
        return ReadIterator(reader, field, vocabulary);
    }

    private static IEnumerable<(int Doc, QuantizedVector Vector)> ReadIterator(IndexReader reader, string field, Vocabulary vocabulary)
    {
        foreach (var leaf in reader.Leaves)
        {
            var segment = leaf.AtomicReader;
            var ids = new List<int>[segment.MaxDoc];
            var frequencies = new List<int>[segment.MaxDoc];
            var terms = segment.GetTerms(field);
            if (terms is not null)
            {
                var termsEnum = terms.GetEnumerator();
                DocsEnum? docs = null;
                while (termsEnum.MoveNext())
                {
                    var text = termsEnum.Term.Utf8ToString();
                    if (!vocabulary.TryGetId(text, out var termId))
                    {
                        throw new InvalidDataException($"Field '{field}' holds the term '{text}', which is not in the vocabulary ({vocabulary.Source}); was the index built with another model?");
                    }

                    docs = termsEnum.Docs(segment.LiveDocs, docs, DocsFlags.FREQS);
                    for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
                    {
                        (ids[doc] ??= []).Add(termId);
                        (frequencies[doc] ??= []).Add(docs.Freq);
                    }
                }
            }

            var live = segment.LiveDocs;
            for (var doc = 0; doc < segment.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc))
                {
                    continue;
                }

                var vector = QuantizedVector.Empty;
                if (ids[doc] is { } termIds)
                {
                    // Terms come in the terms dictionary's (UTF-8 byte) order; a vector's ids ascend.
                    var idArray = termIds.ToArray();
                    var frequencyArray = frequencies[doc]!.ToArray();
                    Array.Sort(idArray, frequencyArray);
                    vector = new QuantizedVector(idArray, frequencyArray);
                }

                yield return (leaf.DocBase + doc, vector);
                ids[doc] = null!;
                frequencies[doc] = null!;
            }
        }
    }
}
