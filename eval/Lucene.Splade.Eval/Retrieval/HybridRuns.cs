using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Evaluation;
using Lucene.Splade.Search;

namespace Lucene.Splade.Eval.Retrieval;

/// <summary>
/// Hybrid runs from a BM25 run and a SPLADE run with the library's <see cref="HybridFusion"/> and
/// <see cref="HybridTuner"/>: each query's two lists are fused with ties broken as trec_eval breaks them, so a run
/// file and the in-process evaluation rank alike.
/// </summary>
internal static class HybridRuns
{
    /// <summary>The fused run of every query either run answers, cut at <paramref name="depth"/>.</summary>
    public static Run Fuse(HybridFusion fusion, Run bm25, Run splade, int depth, string name)
    {
        var run = new Run(name);
        foreach (var queryId in bm25.QueryIds.Union(splade.QueryIds, StringComparer.Ordinal))
        {
            var fused = fusion.Fuse(Ranked(bm25, queryId), Ranked(splade, queryId), depth, RankingMetrics.TrecEvalTieBreak);
            run.Add(queryId, fused.Select(f => new ScoredDocument(f.Key, f.Score)));
        }

        return run;
    }

    /// <summary>Tunes the fusion on the judged queries of <paramref name="qrels"/> (see <see cref="HybridTuner"/>).</summary>
    public static HybridTuningResult Tune(Run bm25, Run splade, Qrels qrels, HybridTuningOptions options) =>
        HybridTuner.Tune(
            qrels.QueryIds.Select(q => new HybridTuningQuery(Ranked(bm25, q), Ranked(splade, q), qrels.For(q))).ToArray(),
            options);

    private static (string Id, double Score)[] Ranked(Run run, string queryId) =>
        run.For(queryId).Select(d => (d.DocId, d.Score)).ToArray();
}
