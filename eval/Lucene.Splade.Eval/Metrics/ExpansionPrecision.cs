using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Metrics;

/// <summary>
/// How much of a query's expansion lands on its relevant documents: of the weight a query vector puts on terms that
/// are not word pieces of the query text itself (its expansion), the share on terms that occur as word pieces in at
/// least one of the query's relevant documents. Averaged over the queries that have an expansion and a relevant
/// document. Junk expansions (terms no relevant document holds) lower it.
/// </summary>
internal static class ExpansionPrecision
{
    /// <param name="queries">Per judged query: its vector, the word-piece ids of its text, and the word-piece ids of each of its relevant documents.</param>
    /// <returns>The mean share, and how many queries it averages; (NaN, 0) when none qualifies.</returns>
    public static (double Mean, int Queries) Compute(IEnumerable<(SparseVector Vector, IReadOnlySet<int> OwnPieces, IReadOnlyList<IReadOnlySet<int>> RelevantPieces)> queries)
    {
        double sum = 0;
        var count = 0;
        foreach (var (vector, own, relevant) in queries)
        {
            if (relevant.Count == 0)
            {
                continue;
            }

            double expansion = 0, onRelevant = 0;
            for (var i = 0; i < vector.Count; i++)
            {
                var term = vector.TermIds[i];
                if (own.Contains(term))
                {
                    continue;
                }

                expansion += vector.Weights[i];
                if (relevant.Any(pieces => pieces.Contains(term)))
                {
                    onRelevant += vector.Weights[i];
                }
            }

            if (expansion > 0)
            {
                sum += onRelevant / expansion;
                count++;
            }
        }

        return count == 0 ? (double.NaN, 0) : (sum / count, count);
    }
}
