using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Corpora;
using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Searching;

/// <summary>
/// Searches a sample index with SPLADE (the query encoded by the model, scored as a dot product), BM25 (the analyzed
/// query words, as Anserini builds BM25 queries) or both fused (the library's <see cref="HybridSearcher"/>).
/// </summary>
internal sealed class Searcher : IDisposable
{
    private readonly DirectoryReader _reader;
    private readonly Analyzer _bm25Analyzer = IndexLayout.CreateBm25Analyzer();

    /// <param name="indexPath">The index folder.</param>
    /// <param name="encoder">The query encoder: the model the index was built with, or its inference-free weights.</param>
    /// <param name="queryPruning">Pruning of query vectors; none when null.</param>
    /// <param name="fusion">How hybrid search fuses the two lists; <see cref="HybridFusion.Default"/> when null.</param>
    public Searcher(string indexPath, IQueryEncoder encoder, PruningOptions? queryPruning = null, HybridFusion? fusion = null)
    {
        _reader = IndexLayout.OpenReader(indexPath);
        Index = new IndexSearcher(_reader) { Similarity = IndexLayout.Similarity };
        QueryBuilder = new SpladeQueryBuilder(encoder, CorpusFields.Splade) { QueryPruning = queryPruning ?? PruningOptions.None };
        Bm25QueryBuilder = new Bm25QueryBuilder(_bm25Analyzer, CorpusFields.Contents);
        Hybrid = new HybridSearcher(Index, Bm25QueryBuilder, QueryBuilder) { Fusion = fusion ?? HybridFusion.Default };
        Metadata = IndexMetadata.FromUserData(_reader.IndexCommit.UserData);
    }

    public IndexSearcher Index { get; }

    public SpladeQueryBuilder QueryBuilder { get; }

    public Bm25QueryBuilder Bm25QueryBuilder { get; }

    /// <summary>The hybrid searcher: both sides at depth 1000, fused.</summary>
    public HybridSearcher Hybrid { get; }

    /// <summary>The settings the index was built with; null when it was not built by this console.</summary>
    public IndexMetadata? Metadata { get; }

    public int DocumentCount => _reader.NumDocs;

    /// <summary>The best <paramref name="top"/> documents for <paramref name="query"/> from one engine (or the fused two).</summary>
    public IReadOnlyList<SearchHit> Search(string query, Engine engine, int top)
    {
        if (engine == Engine.Both)
        {
            throw new ArgumentException("Search one engine at a time.", nameof(engine));
        }

        var hits = engine switch
        {
            Engine.Hybrid => Hybrid.Search(query, Math.Max(1, top)).ScoreDocs,
            Engine.Splade => Index.Search(((SpladeQuery)QueryBuilder.Build(query)).WithTopK(Math.Max(1, top)), Math.Max(1, top)).ScoreDocs,
            _ => Index.Search(Bm25QueryBuilder.Build(query), Math.Max(1, top)).ScoreDocs,
        };
        return hits.Select((hit, i) =>
        {
            var doc = Index.Doc(hit.Doc);
            var hybrid = hit as HybridScoreDoc;
            return new SearchHit(i + 1, hybrid?.FusedScore ?? hit.Score, doc.Get(CorpusFields.Id), doc.Get(CorpusFields.Title) ?? "",
                Snippets.Make(doc.Get(CorpusFields.Text) ?? "", query), hit.Doc, hybrid);
        }).ToArray();
    }

    /// <summary>The Lucene doc id of a document id; null when the index has no such document.</summary>
    public int? FindDocument(string id)
    {
        var hits = Index.Search(new TermQuery(new Term(CorpusFields.Id, id)), 1).ScoreDocs;
        return hits.Length == 0 ? null : hits[0].Doc;
    }

    public void Dispose()
    {
        _bm25Analyzer.Dispose();
        _reader.Dispose();
    }
}
