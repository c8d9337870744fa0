using Lucene.Net.Search;
using Lucene.Splade.Eval.Retrieval;

namespace Lucene.Splade.Eval.Tests.Retrieval;

public sealed class Bm25FlatTests
{
    [Test]
    public void QueryTermsAreEnglishAnalyzedAndCounted()
    {
        using var analyzer = Bm25Flat.CreateAnalyzer();

        var terms = Bm25Flat.CreateQueryBuilder(analyzer).AnalyzeTerms("The running dogs' bones and the dog");

        // Stop words dropped, possessive removed, Porter-stemmed; "dogs'" and "dog" are one term counted twice.
        Assert.That(terms, Is.EqualTo(new[] { ("run", 1), ("dog", 2), ("bone", 1) }));
    }

    [Test]
    public void QueryIsShouldClausesBoostedByCount()
    {
        using var analyzer = Bm25Flat.CreateAnalyzer();

        var query = (Lucene.Net.Search.BooleanQuery)Bm25Flat.CreateQueryBuilder(analyzer).Build("solar solar panels");

        Assert.That(query.Clauses.Select(c => c.Occur), Is.All.EqualTo(Occur.SHOULD));
        Assert.That(query.Clauses.Select(c => ((TermQuery)c.Query).Term.Text), Is.EqualTo(new[] { "solar", "panel" }));
        Assert.That(query.Clauses.Select(c => c.Query.Boost), Is.EqualTo(new[] { 2f, 1f }));
        Assert.That(query.Clauses.Select(c => ((TermQuery)c.Query).Term.Field), Is.All.EqualTo("contents"));
    }

    [Test]
    public void AllStopWordQueryIsEmpty()
    {
        using var analyzer = Bm25Flat.CreateAnalyzer();
        Assert.That(((Lucene.Net.Search.BooleanQuery)Bm25Flat.CreateQueryBuilder(analyzer).Build("the and of")).Clauses, Is.Empty);
    }
}
