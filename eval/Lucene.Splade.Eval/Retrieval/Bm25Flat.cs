using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using Lucene.Splade.Search;

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
/// <c>BM25Similarity(k1: 0.9, b: 0.4)</c>, and the query from the library's <see cref="Bm25QueryBuilder"/> (Anserini's
/// bag-of-words query generator).
/// </summary>
internal static class Bm25Flat
{
    public const string Field = Corpora.CorpusFields.Contents;
    public const float K1 = 0.9f;
    public const float B = 0.4f;

    /// <summary>Lucene 4.8's <see cref="BM25Similarity"/>, or the Lucene 8+ length encoding for comparison.</summary>
    public static Similarity CreateSimilarity(Bm25Lengths lengths = Bm25Lengths.Lucene48) =>
        lengths == Bm25Lengths.Lucene48 ? new BM25Similarity(K1, B) : new Bm25Byte4Similarity(K1, B);

    public static Analyzer CreateAnalyzer() => new EnglishAnalyzer(LuceneVersion.LUCENE_48);

    /// <summary>The query builder: one SHOULD term clause per distinct analyzed term, boosted by its count.</summary>
    public static Bm25QueryBuilder CreateQueryBuilder(Analyzer analyzer) => new(analyzer, Field);
}
