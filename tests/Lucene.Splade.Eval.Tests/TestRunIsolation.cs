namespace Lucene.Splade.Eval.Tests;

/// <summary>
/// The harness's default vector cache is the user's (<c>~/.cache/lucene-splade/eval</c>); for this test run it is a
/// folder of its own, removed at the end, so no test reads a user's cached vectors or leaves files in their home.
/// </summary>
[SetUpFixture]
public sealed class TestRunIsolation
{
    private const string CacheVariable = "LUCENE_SPLADE_EVAL_CACHE";
    private string? _before;
    private string _cache = "";

    [OneTimeSetUp]
    public void UseAPrivateCache()
    {
        _before = Environment.GetEnvironmentVariable(CacheVariable);
        _cache = Directory.CreateTempSubdirectory("splade-eval-tests-cache-").FullName;
        Environment.SetEnvironmentVariable(CacheVariable, _cache);
    }

    [OneTimeTearDown]
    public void RemoveIt()
    {
        Environment.SetEnvironmentVariable(CacheVariable, _before);
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }
}
