using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Lucene.Splade.Search;

namespace Lucene.Splade.Tests.Search;

[TestFixture]
public sealed class Bm25QueryBuilderTests
{
    [Test]
    public void Each_distinct_analyzed_term_is_one_clause_boosted_by_its_count()
    {
        var builder = new Bm25QueryBuilder(new EnglishAnalyzer(LuceneVersion.LUCENE_48), "body");

        var query = (BooleanQuery)builder.Build("The rivers and the river banks of a river");

        Assert.That(query.CoordDisabled, Is.True);
        Assert.That(query.Clauses.Select(c => (((TermQuery)c.Query).Term.Text, c.Query.Boost, c.Occur)),
            Is.EqualTo(new[] { ("river", 3f, Occur.SHOULD), ("bank", 1f, Occur.SHOULD) }), "stop words go, stems merge, first occurrence order");
        Assert.That(query.Clauses.Select(c => ((TermQuery)c.Query).Term.Field), Is.All.EqualTo("body"));
        Assert.That(builder.AnalyzeTerms("banks banks"), Is.EqualTo(new[] { ("bank", 2) }));
    }

    [Test]
    public void Text_without_terms_gives_an_empty_query()
    {
        var builder = new Bm25QueryBuilder(new EnglishAnalyzer(LuceneVersion.LUCENE_48), "body");

        Assert.That(((BooleanQuery)builder.Build("the of and")).Clauses, Is.Empty);
        Assert.That(((BooleanQuery)builder.Build("")).Clauses, Is.Empty);
        Assert.That(() => builder.Build(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Over_the_clause_limit_the_most_frequent_terms_stay()
    {
        var builder = new Bm25QueryBuilder(new WhitespaceAnalyzer(LuceneVersion.LUCENE_48), "body");
        var text = string.Join(' ', Enumerable.Range(0, 1500).Select(i => $"t{i}")) + " t7 t7 t1200";

        var query = (BooleanQuery)builder.Build(text);

        Assert.That(query.Clauses, Has.Count.EqualTo(BooleanQuery.MaxClauseCount));
        var terms = query.Clauses.Select(c => ((TermQuery)c.Query).Term.Text).ToList();
        Assert.That(terms, Does.Contain("t7").And.Contain("t1200"), "repeated terms are kept");
        Assert.That(terms.First(), Is.EqualTo("t0"), "kept terms stay in first-occurrence order");
    }
}
