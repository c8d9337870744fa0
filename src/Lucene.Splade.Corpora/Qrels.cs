namespace Lucene.Splade.Corpora;

/// <summary>
/// Relevance judgments of one split: query id -> document id -> grade. A grade of at least 1 means relevant (trec_eval's
/// default relevance level); the grade is also the gain in nDCG.
/// </summary>
public sealed class Qrels
{
    private readonly Dictionary<string, Dictionary<string, int>> _judgments;

    /// <summary>Wraps judgments (query id, then document id, to grade).</summary>
    public Qrels(Dictionary<string, Dictionary<string, int>> judgments)
    {
        _judgments = judgments;
        QueryIds = judgments.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The judged queries, in ordinal order.</summary>
    public IReadOnlyList<string> QueryIds { get; }

    /// <summary>Judged query-document pairs.</summary>
    public int PairCount => _judgments.Values.Sum(d => d.Count);

    /// <summary>Whether <paramref name="queryId"/> has judgments.</summary>
    public bool IsJudged(string queryId) => _judgments.ContainsKey(queryId);

    /// <summary>The judgments of a query (empty when the query is not judged).</summary>
    public IReadOnlyDictionary<string, int> For(string queryId) =>
        _judgments.TryGetValue(queryId, out var docs) ? docs : EmptyJudgments;

    private static readonly Dictionary<string, int> EmptyJudgments = new(StringComparer.Ordinal);
}
