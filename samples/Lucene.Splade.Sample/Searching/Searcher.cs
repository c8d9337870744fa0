using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Searching;

/// <summary>
/// Searches a sample index with SPLADE (the query encoded by the model, scored as a dot product) or BM25 (the
/// analyzed query words as SHOULD clauses, the way Anserini builds BM25 queries).
/// </summary>
internal sealed class Searcher : IDisposable
{
    private readonly DirectoryReader _reader;
    private readonly Analyzer _bm25Analyzer = IndexLayout.CreateBm25Analyzer();

    /// <param name="indexPath">The index folder.</param>
    /// <param name="encoder">The query encoder: the model the index was built with.</param>
    /// <param name="queryPruning">Pruning of query vectors; none when null.</param>
    public Searcher(string indexPath, IQueryEncoder encoder, PruningOptions? queryPruning = null)
    {
        _reader = IndexLayout.OpenReader(indexPath);
        Index = new IndexSearcher(_reader) { Similarity = IndexLayout.Similarity };
        QueryBuilder = new SpladeQueryBuilder(encoder, IndexLayout.Splade) { QueryPruning = queryPruning ?? PruningOptions.None };
        Metadata = IndexMetadata.FromUserData(_reader.IndexCommit.UserData);
    }

    public IndexSearcher Index { get; }

    public SpladeQueryBuilder QueryBuilder { get; }

    /// <summary>The settings the index was built with; null when it was not built by this console.</summary>
    public IndexMetadata? Metadata { get; }

    public int DocumentCount => _reader.NumDocs;

    /// <summary>The best <paramref name="top"/> documents for <paramref name="query"/> from one engine.</summary>
    public IReadOnlyList<SearchHit> Search(string query, Engine engine, int top)
    {
        if (engine == Engine.Both)
        {
            throw new ArgumentException("Search one engine at a time.", nameof(engine));
        }

        var luceneQuery = engine == Engine.Splade ? QueryBuilder.Build(query) : Bm25Query(query);
        var hits = Index.Search(luceneQuery, Math.Max(1, top)).ScoreDocs;
        return hits.Select((hit, i) =>
        {
            var doc = Index.Doc(hit.Doc);
            return new SearchHit(i + 1, hit.Score, doc.Get(IndexLayout.Id), doc.Get(IndexLayout.Title) ?? "",
                Snippets.Make(doc.Get(IndexLayout.Text) ?? "", query), hit.Doc);
        }).ToArray();
    }

    /// <summary>The Lucene doc id of a document id; null when the index has no such document.</summary>
    public int? FindDocument(string id)
    {
        var hits = Index.Search(new TermQuery(new Term(IndexLayout.Id, id)), 1).ScoreDocs;
        return hits.Length == 0 ? null : hits[0].Doc;
    }

    public Query Bm25Query(string text)
    {
        var query = new BooleanQuery();
        using var stream = _bm25Analyzer.GetTokenStream(IndexLayout.Contents, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            query.Add(new TermQuery(new Term(IndexLayout.Contents, term.ToString())), Occur.SHOULD);
        }

        stream.End();
        return query;
    }

    public void Dispose()
    {
        _bm25Analyzer.Dispose();
        _reader.Dispose();
    }
}
