using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Lucene.Splade.Search;

/// <summary>
/// Builds the BM25 side of a search the way Anserini's bag-of-words query generator does: the query text goes through
/// the field's analyzer, and each distinct analyzed term becomes one SHOULD <see cref="TermQuery"/> whose boost is the
/// number of times the term occurs. Coord is off (BM25 does not use it). Immutable and thread-safe, given a
/// thread-safe analyzer (Lucene's analyzers are).
/// </summary>
/// <remarks>
/// When a text has more distinct terms than <see cref="BooleanQuery.MaxClauseCount"/>, the most frequent are kept
/// (ties: first occurrence first), so the builder never throws <see cref="BooleanQuery.TooManyClausesException"/>.
/// Text that analyzes to no terms gives an empty query, which matches nothing.
/// </remarks>
public sealed class Bm25QueryBuilder
{
    private readonly Analyzer _analyzer;

    /// <summary>Creates the builder.</summary>
    /// <param name="analyzer">The analyzer the field was indexed with (for example <c>EnglishAnalyzer</c>).</param>
    /// <param name="field">The BM25 field to search.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public Bm25QueryBuilder(Analyzer analyzer, string field)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(field);
        _analyzer = analyzer;
        Field = field;
    }

    /// <summary>The field the queries search.</summary>
    public string Field { get; }

    /// <summary>The query of <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public Query Build(string text)
    {
        var terms = AnalyzeTerms(text);
        var query = new BooleanQuery(disableCoord: true);
        foreach (var (term, count) in terms.Count <= BooleanQuery.MaxClauseCount ? terms : Heaviest(terms, BooleanQuery.MaxClauseCount))
        {
            query.Add(new TermQuery(new Term(Field, term)) { Boost = count }, Occur.SHOULD);
        }

        return query;
    }

    /// <summary>The distinct analyzed terms of <paramref name="text"/> with their counts, in first-occurrence order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<(string Term, int Count)> AnalyzeTerms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        using (var stream = _analyzer.GetTokenStream(Field, new StringReader(text)))
        {
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
        }

        return order.Select(t => (t, counts[t])).ToArray();
    }

    private static IEnumerable<(string Term, int Count)> Heaviest(IReadOnlyList<(string Term, int Count)> terms, int limit) =>
        terms.Select((t, i) => (t.Term, t.Count, Position: i))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Position)
            .Take(limit)
            .OrderBy(t => t.Position)
            .Select(t => (t.Term, t.Count));
}
