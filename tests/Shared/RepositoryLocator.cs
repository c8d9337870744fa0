using System.Runtime.CompilerServices;

namespace Lucene.Splade.TestSupport;

/// <summary>Finds the repository and the shared collections beside it; linked into every test project and the benchmarks.</summary>
internal static class RepositoryLocator
{
    /// <summary>The repository root (the folder holding Lucene.Splade.sln).</summary>
    /// <remarks>
    /// The walk starts from the test assembly's folder, then the current folder, then this source file's folder, so it
    /// also works when the build output lies outside the repository (<c>--artifacts-path</c>) and when a CI build maps
    /// source paths to <c>/_/</c> (deterministic builds), where the source file's path alone leads nowhere.
    /// </remarks>
    public static string RepositoryRoot([CallerFilePath] string sourceFile = "")
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

    /// <summary>
    /// The shared datasets folder: $LUCENE_SPLADE_DATASETS, else <c>../shared/datasets</c> beside the repository root;
    /// null when neither exists.
    /// </summary>
    public static string? SharedDatasets()
    {
        if (Environment.GetEnvironmentVariable("LUCENE_SPLADE_DATASETS") is { Length: > 0 } env)
        {
            return Directory.Exists(env) ? env : null;
        }

        var shared = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "datasets"));
        return Directory.Exists(shared) ? shared : null;
    }
}
