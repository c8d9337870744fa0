using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Eval.Retrieval;
using Lucene.Splade.Search;

namespace Lucene.Splade.Eval.Experiments;

/// <summary>One collection's BM25 and SPLADE runs on its test split, with their judgments.</summary>
/// <param name="Name">The collection's folder name.</param>
/// <param name="Bm25">The BM25 run.</param>
/// <param name="Splade">The SPLADE run.</param>
/// <param name="Qrels">The judgments of the evaluated split.</param>
internal sealed record CollectionRuns(string Name, Run Bm25, Run Splade, Qrels Qrels);

/// <summary>A candidate fusion and its nDCG@10 gain over BM25 on each collection.</summary>
/// <param name="Fusion">The fusion.</param>
/// <param name="Gains">Collection name to (fused nDCG@10 - BM25 nDCG@10).</param>
internal sealed record FusionGains(HybridFusion Fusion, IReadOnlyDictionary<string, double> Gains);

/// <summary>One fold of leave-one-collection-out: the fusion chosen on the other collections and what it does on this one.</summary>
internal sealed record LeaveOneOutFold(
    string HeldOut, double Bm25Ndcg10, double SpladeNdcg10, string Chosen, double HybridNdcg10, double Gain, string Rule);

/// <summary>
/// Chooses a fusion default by leave-one-collection-out: for each collection, the fusion is chosen on the others' judged
/// queries only and then measured on it, so the figure is what a user gets on a collection the setting never saw.
/// </summary>
/// <remarks>
/// The rule is made to do no harm: the candidate whose worst nDCG@10 gain over BM25 on the collections it is chosen on
/// is best (maximin), then the best mean gain (each collection counts once, whatever its number of queries), then the
/// earlier candidate (RRF, then the lower SPLADE weight), as in <see cref="HybridTuner"/>. A rule that maximizes the
/// mean lets one collection where SPLADE is strong pull the weight up for all; measured on the shared collections, it
/// put the held-out ADI 0.02 below BM25 where the maximin rule stayed above it on every fold.
/// </remarks>
internal static class LeaveOneOut
{
    /// <summary>The nDCG@10 gain over BM25 of every candidate on every collection.</summary>
    /// <param name="collections">The collections' runs.</param>
    /// <param name="candidates">The fusions tried, in tie-breaking order.</param>
    /// <param name="depth">How many results of each side are fused (the library's <see cref="HybridSearcher.Depth"/>).</param>
    public static IReadOnlyList<FusionGains> Measure(IReadOnlyList<CollectionRuns> collections, IReadOnlyList<HybridFusion> candidates, int depth)
    {
        var bm25 = collections.ToDictionary(c => c.Name, c => Ndcg10(c.Bm25, c.Qrels), StringComparer.Ordinal);
        var cut = collections.Select(c => c with { Bm25 = Truncate(c.Bm25, depth), Splade = Truncate(c.Splade, depth) }).ToArray();
        return candidates
            .AsParallel().AsOrdered()
            .Select(fusion => new FusionGains(
                fusion,
                cut.ToDictionary(
                    c => c.Name,
                    c => Ndcg10(HybridRuns.Fuse(fusion, c.Bm25, c.Splade, depth, fusion.Name), c.Qrels) - bm25[c.Name],
                    StringComparer.Ordinal)))
            .ToList();
    }

    /// <summary>The candidate the rule picks on <paramref name="collections"/> (see the class remarks), and the rule that applied.</summary>
    public static (HybridFusion Fusion, string Rule) Choose(IReadOnlyList<FusionGains> candidates, IReadOnlyCollection<string> collections)
    {
        if (candidates.Count == 0 || collections.Count == 0)
        {
            throw new ArgumentException("Choosing a fusion needs at least one candidate and one collection.");
        }

        FusionGains best = candidates[0];
        var (bestWorst, bestMean) = (collections.Min(c => best.Gains[c]), collections.Average(c => best.Gains[c]));
        foreach (var candidate in candidates.Skip(1))
        {
            var worst = collections.Min(c => candidate.Gains[c]);
            var mean = collections.Average(c => candidate.Gains[c]);
            if (worst > bestWorst || (worst == bestWorst && mean > bestMean))
            {
                (best, bestWorst, bestMean) = (candidate, worst, mean);
            }
        }

        return (best.Fusion, "the best worst-case gain over BM25, then the best mean gain");
    }

    /// <summary>Every fold: the fusion chosen without the held-out collection, and its figures there.</summary>
    public static IReadOnlyList<LeaveOneOutFold> Folds(IReadOnlyList<CollectionRuns> collections, IReadOnlyList<FusionGains> candidates)
    {
        var folds = new List<LeaveOneOutFold>();
        foreach (var heldOut in collections)
        {
            var others = collections.Where(c => c.Name != heldOut.Name).Select(c => c.Name).ToArray();
            var (fusion, rule) = Choose(candidates, others);
            var bm25 = Ndcg10(heldOut.Bm25, heldOut.Qrels);
            var gain = candidates.First(c => c.Fusion == fusion).Gains[heldOut.Name];
            folds.Add(new LeaveOneOutFold(heldOut.Name, bm25, Ndcg10(heldOut.Splade, heldOut.Qrels), fusion.Name, bm25 + gain, gain, rule));
        }

        return folds;
    }

    /// <summary>Mean nDCG@10 of <paramref name="run"/> over the judged queries (trec_eval semantics).</summary>
    public static double Ndcg10(Run run, Qrels qrels) => TrecEval.Evaluate(run, qrels).Mean.Ndcg10;

    private static Run Truncate(Run run, int depth)
    {
        var cut = new Run(run.Name);
        foreach (var queryId in run.QueryIds)
        {
            cut.Add(queryId, run.For(queryId).Take(depth));
        }

        return cut;
    }
}
