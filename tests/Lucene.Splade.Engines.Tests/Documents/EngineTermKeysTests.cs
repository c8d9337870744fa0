namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class EngineTermKeysTests
{
    [TestCase(".", "%2E")]
    [TestCase("...", "%2E%2E%2E")]
    [TestCase("u.s.", "u%2Es%2E")]
    [TestCase("##.", "##%2E")]
    [TestCase("%", "%25")]
    [TestCase("a%2Eb", "a%252Eb")]
    [TestCase("dog", "dog")]
    [TestCase("##ing", "##ing")]
    public void A_term_maps_to_a_key_without_dots_and_back(string term, string key)
    {
        Assert.That(EngineTermKeys.ToKey(term), Is.EqualTo(key));
        Assert.That(EngineTermKeys.ToKey(term), Does.Not.Contain("."));
        Assert.That(EngineTermKeys.FromKey(key), Is.EqualTo(term));
    }

    [Test]
    public void Distinct_terms_get_distinct_keys()
    {
        string[] terms = ["a.b", "a%2Eb", "a%b", "a%25b", "a..b", "a%2E.b", ".", "%2E", "%", "%25"];
        var keys = terms.Select(EngineTermKeys.ToKey).ToArray();
        Assert.That(keys, Is.Unique);
        Assert.That(keys.Select(EngineTermKeys.FromKey), Is.EqualTo(terms));
    }

    [TestCase("a.b")]
    [TestCase("%")]
    [TestCase("%2")]
    [TestCase("%41")]
    [TestCase("")]
    public void A_key_never_written_is_refused(string key) =>
        Assert.Throws<FormatException>(() => EngineTermKeys.FromKey(key));

    [Test]
    public void Null_and_empty_terms_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => EngineTermKeys.ToKey(null!));
        Assert.Throws<ArgumentException>(() => EngineTermKeys.ToKey(""));
        Assert.Throws<ArgumentNullException>(() => EngineTermKeys.FromKey(null!));
    }
}
