using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace Lucene.Splade.Eval.Retrieval;

/// <summary>How BM25 stores document lengths.</summary>
internal enum Bm25Lengths
{
    /// <summary>Lucene.NET 4.8's BM25Similarity: one byte holding 1/sqrt(length) as a coarse float (the default).</summary>
    Lucene48,

    /// <summary>Lucene 8+'s encoding (what Anserini runs on): <see cref="Bm25Byte4Similarity"/>. A diagnostic.</summary>
    Byte4,
}

/// <summary>
/// BM25 set up as Anserini's BEIR "flat" runs: one field of title + " " + text analyzed with Lucene's
/// <see cref="EnglishAnalyzer"/> (standard tokenizer, possessives, lower case, English stop words, Porter stemmer),
/// <c>BM25Similarity(k1: 0.9, b: 0.4)</c>, and the query as its analyzed terms in SHOULD clauses; a term that occurs
/// n times in the query gets boost n (Anserini's bag-of-words query generator).
/// </summary>
internal static class Bm25Flat
{
    public const string Field = "contents";
    public const float K1 = 0.9f;
    public const float B = 0.4f;

    /// <summary>Lucene 4.8's <see cref="BM25Similarity"/>, or the Lucene 8+ length encoding for comparison.</summary>
    public static Similarity CreateSimilarity(Bm25Lengths lengths = Bm25Lengths.Lucene48) =>
        lengths == Bm25Lengths.Lucene48 ? new BM25Similarity(K1, B) : new Bm25Byte4Similarity(K1, B);

    public static Analyzer CreateAnalyzer() => new EnglishAnalyzer(LuceneVersion.LUCENE_48);

    /// <summary>The analyzed terms of <paramref name="text"/> with their counts, in first-occurrence order.</summary>
    public static IReadOnlyList<(string Term, int Count)> AnalyzeQuery(Analyzer analyzer, string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        using var stream = analyzer.GetTokenStream(Field, new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var t = term.ToString();
            if (counts.TryGetValue(t, out var c))
            {
                counts[t] = c + 1;
            }
            else
            {
                counts[t] = 1;
                order.Add(t);
            }
        }

        stream.End();
        return order.Select(t => (t, counts[t])).ToArray();
    }

    /// <summary>The query of <paramref name="text"/>: one SHOULD term clause per distinct analyzed term, boosted by its count.</summary>
    public static BooleanQuery BuildQuery(Analyzer analyzer, string text)
    {
        var query = new BooleanQuery(disableCoord: true);
        foreach (var (term, count) in AnalyzeQuery(analyzer, text))
        {
            query.Add(new TermQuery(new Term(Field, term)) { Boost = count }, Occur.SHOULD);
        }

        return query;
    }
}
