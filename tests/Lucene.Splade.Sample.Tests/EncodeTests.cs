namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class EncodeTests
{
    [Test]
    public void A_query_prints_its_terms_with_weights_and_the_nonzero_count()
    {
        var run = ConsoleRun.Of("encode", "--query", "cheap flights to rome", "-k", "5");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
            Assert.That(run.Output, Does.Contain("rome").And.Contain("weight").And.Contain("As a query:").And.Contain("nonzero terms"));
            Assert.That(run.Output, Does.Not.Contain(" tf "), "queries are not quantized");
        });
    }

    [Test]
    public void A_document_is_pruned_and_quantized()
    {
        var run = ConsoleRun.Of("encode", "--document", "Knead the dough and bake the loaf in a hot oven.", "--doc-top-k", "5", "--scale", "10");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
            Assert.That(run.Output, Does.Contain("As a document (scale 10): 5 nonzero terms"));
            Assert.That(run.Output, Does.Contain(" tf "));
        });
    }

    [Test]
    public void Choosing_both_query_and_document_is_an_error()
    {
        ConsoleRun.Of("encode", "--query", "--document", "text").AssertOneLineError("not both");
    }
}
