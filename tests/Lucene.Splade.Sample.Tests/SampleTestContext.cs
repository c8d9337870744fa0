using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Models;

namespace Lucene.Splade.Sample.Tests;

/// <summary>
/// Shared by every test: the embedded model (real and offline), loaded once for the in-process tests, and a temporary
/// folder removed at the end.
/// </summary>
[SetUpFixture]
public sealed class SampleTestContext
{
    private static SpladeEncoder? _encoder;

    internal static SpladeEncoder Encoder => _encoder ?? throw new InvalidOperationException("The set-up fixture has not run.");

    internal static string Root { get; private set; } = "";

    [OneTimeSetUp]
    public void LoadModel()
    {
        Root = Path.Combine(Path.GetTempPath(), "splade-sample-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
        _encoder = ModelLoader.Load(new EncoderSettings(null, BatchSize: 4));
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        _encoder?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>A fresh empty folder under the test root.</summary>
    internal static string NewFolder(string name)
    {
        var path = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(path);
        return path;
    }
}
