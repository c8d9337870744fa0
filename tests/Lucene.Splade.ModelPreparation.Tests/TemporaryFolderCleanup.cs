namespace Lucene.Splade.ModelPreparation.Tests;

/// <summary>Deletes the per-run folder (several ~90 MB models) after the tests.</summary>
[SetUpFixture]
public sealed class TemporaryFolderCleanup
{
    [OneTimeTearDown]
    public void DeleteFolder() => BuildTestSupport.DeleteRoot();
}
