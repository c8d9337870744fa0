namespace Lucene.Splade.Eval.Metrics;

/// <summary>A retrieved document and its score.</summary>
internal readonly record struct ScoredDocument(string DocId, double Score);

/// <summary>
/// A ranked run: per query, the retrieved documents. Order as given is not trusted: evaluation and run files both sort
/// the way trec_eval does (<see cref="TrecOrder"/>).
/// </summary>
internal sealed class Run
{
    private readonly Dictionary<string, ScoredDocument[]> _results = new(StringComparer.Ordinal);

    public Run(string name) => Name = name;

    /// <summary>The run tag written in the last column of a TREC run file.</summary>
    public string Name { get; }

    public IEnumerable<string> QueryIds => _results.Keys;

    public int QueryCount => _results.Count;

    /// <summary>Sets the results of a query, sorted as trec_eval sorts them.</summary>
    /// <exception cref="ArgumentException">A document appears twice (trec_eval rejects such runs).</exception>
    public void Add(string queryId, IEnumerable<ScoredDocument> documents)
    {
        var sorted = documents.ToArray();
        Array.Sort(sorted, TrecOrder);
        if (sorted.Select(d => d.DocId).Distinct(StringComparer.Ordinal).Count() != sorted.Length)
        {
            throw new ArgumentException($"Query '{queryId}' retrieves a document twice.", nameof(documents));
        }

        _results[queryId] = sorted;
    }

    /// <summary>The ranked results of a query (empty when it has none).</summary>
    public IReadOnlyList<ScoredDocument> For(string queryId) =>
        _results.TryGetValue(queryId, out var docs) ? docs : [];

    /// <summary>
    /// trec_eval's ranking: score descending, then document id descending (it compares ids with <c>strcmp</c>, so
    /// ordinally); the rank column of a run file is ignored.
    /// </summary>
    public static int TrecOrder(ScoredDocument x, ScoredDocument y)
    {
        var c = y.Score.CompareTo(x.Score);
        return c != 0 ? c : string.CompareOrdinal(y.DocId, x.DocId);
    }
}
