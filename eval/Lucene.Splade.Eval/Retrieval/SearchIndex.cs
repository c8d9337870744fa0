using System.Diagnostics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Eval.Metrics;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Lucene.Splade.Eval.Retrieval;

/// <summary>Results of searching a list of queries: the run and each query's search time in milliseconds.</summary>
internal sealed record SearchResult(Run Run, double[] LatenciesMs);

/// <summary>
/// The BM25 index and the SPLADE index opened side by side as one index (a <see cref="ParallelAtomicReader"/> over
/// their single segments), so BM25 and SPLADE queries are timed on the same searcher.
/// </summary>
internal sealed class SearchIndex : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly string[] _ids;

    public SearchIndex(IReadOnlyList<string> folders, Bm25Lengths lengths = Bm25Lengths.Lucene48)
    {
        var leaves = new List<AtomicReader>();
        foreach (var folder in folders)
        {
            var directory = Lucene.Net.Store.FSDirectory.Open(folder);
            var reader = DirectoryReader.Open(directory);
            _owned.Add(reader);
            _owned.Add(directory);
            leaves.Add(reader.Leaves.Count == 1 ? reader.Leaves[0].AtomicReader : SlowCompositeReaderWrapper.Wrap(reader));
        }

        var combined = leaves.Count == 1 ? leaves[0] : new ParallelAtomicReader(false, leaves.ToArray());
        if (leaves.Count > 1)
        {
            _owned.Insert(0, combined); // does not close the sub-readers; the directory readers own them
        }
        Searcher = new IndexSearcher(combined) { Similarity = IndexBuilder.CreateSimilarity(lengths) };
        _ids = new string[combined.MaxDoc];
        for (var d = 0; d < _ids.Length; d++)
        {
            _ids[d] = combined.Document(d).Get(IndexBuilder.IdField);
        }

        // Both indexes must number documents alike, or the parallel reader would pair different documents.
        foreach (var leaf in leaves)
        {
            for (var d = 0; d < _ids.Length; d += Math.Max(1, _ids.Length / 97))
            {
                if (leaf.Document(d).Get(IndexBuilder.IdField) != _ids[d])
                {
                    throw new InvalidOperationException($"The indexes in {string.Join(", ", folders)} number documents differently (doc {d}).");
                }
            }
        }
    }

    public IndexSearcher Searcher { get; }

    /// <summary>
    /// Runs every query for its top <paramref name="depth"/> and times each search (the <c>Search</c> call only: query
    /// building and query encoding are timed elsewhere). The first pass over the queries warms up the JIT and caches
    /// and is not timed when <paramref name="warmUp"/> is set.
    /// </summary>
    public SearchResult Search(string runName, IReadOnlyList<(string QueryId, Query Query)> queries, int depth, bool warmUp) =>
        Search(runName, queries.Select(q => (q.QueryId, (Func<IndexSearcher, int, TopDocs>)((searcher, n) => searcher.Search(q.Query, n)))).ToArray(), depth, warmUp);

    /// <summary>As <see cref="Search(string, IReadOnlyList{ValueTuple{string, Query}}, int, bool)"/>, for searches that are
    /// not one <see cref="Query"/> (a two-phase search): each function returns its top n for the searcher.</summary>
    public SearchResult Search(string runName, IReadOnlyList<(string QueryId, Func<IndexSearcher, int, TopDocs> Search)> queries, int depth, bool warmUp)
    {
        if (warmUp)
        {
            foreach (var (_, search) in queries)
            {
                _ = search(Searcher, depth);
            }
        }

        var run = new Run(runName);
        var latencies = new double[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var top = queries[i].Search(Searcher, depth);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            run.Add(queries[i].QueryId, top.ScoreDocs.Select(s => new ScoredDocument(_ids[s.Doc], s.Score)));
        }

        return new SearchResult(run, latencies);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
