namespace Lucene.Splade.Tests.Embedded;

/// <summary>Deletes the per-run cache (several copies of a ~90 MB model) after the embedded-model tests.</summary>
[SetUpFixture]
public sealed class EmbeddedCacheCleanup
{
    [OneTimeTearDown]
    public void DeleteCache() => EmbeddedTestSupport.DeleteCacheRoot();
}
