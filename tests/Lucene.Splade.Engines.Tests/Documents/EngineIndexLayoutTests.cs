namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class EngineIndexLayoutTests
{
    [TestCase("")]
    [TestCase("Docs")]
    [TestCase("_docs")]
    [TestCase("-docs")]
    [TestCase("+docs")]
    [TestCase(".")]
    [TestCase("..")]
    [TestCase("my docs")]
    [TestCase("a/b")]
    [TestCase("a,b")]
    [TestCase("a#b")]
    [TestCase("a:b")]
    [TestCase("a*")]
    public void Index_names_the_engines_refuse_are_refused_here(string name) =>
        Assert.Throws<ArgumentException>(() => _ = new EngineIndexLayout(name));

    [Test]
    public void Field_names_must_be_valid_and_distinct()
    {
        Assert.Throws<ArgumentException>(() => _ = new EngineIndexLayout("docs") { VectorField = "" });
        Assert.Throws<ArgumentException>(() => _ = new EngineIndexLayout("docs") { VectorField = "ml..tokens" });
        Assert.Throws<ArgumentException>(() => _ = new EngineIndexLayout("docs") { TextFields = ["title", "title"] });
        Assert.That(new EngineIndexLayout("docs") { VectorField = "ml.tokens" }.VectorField, Is.EqualTo("ml.tokens"));
    }

    [Test]
    public void A_field_mapped_twice_is_refused_when_the_mapping_is_built()
    {
        using var engine = new EngineUnderTest(EngineFlavor.OpenSearch, new EngineIndexLayout("docs") { TextFields = ["splade"] });
        Assert.That(() => engine.Index.CreateIndexBody(), Throws.ArgumentException.With.Message.Contains("mapped twice"));
    }
}
