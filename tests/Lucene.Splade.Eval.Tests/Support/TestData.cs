using System.Runtime.CompilerServices;
using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Metrics;

namespace Lucene.Splade.Eval.Tests.Support;

/// <summary>Builders for runs and qrels, and the places of the test collections.</summary>
internal static class TestData
{
    /// <summary>The committed tiny collection (copied next to the test assembly).</summary>
    public static string TinyCollection => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "tiny");

    public static Qrels Qrels(params (string Query, string Doc, int Grade)[] judgments)
    {
        var map = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (q, d, g) in judgments)
        {
            if (!map.TryGetValue(q, out var docs))
            {
                map[q] = docs = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            docs[d] = g;
        }

        return new Qrels(map);
    }

    /// <summary>A run for one query from (doc, score) pairs, in any order.</summary>
    public static Run Run(string queryId, params (string Doc, double Score)[] docs)
    {
        var run = new Run("test");
        run.Add(queryId, docs.Select(d => new ScoredDocument(d.Doc, d.Score)));
        return run;
    }

    /// <summary>A ranked list of <paramref name="count"/> documents named prefix1.. with descending scores.</summary>
    public static IEnumerable<ScoredDocument> Ranked(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => new ScoredDocument($"{prefix}{i}", 1000 - i));

    /// <summary>
    /// The shared datasets folder: $LUCENE_SPLADE_DATASETS, else ../shared/datasets beside the repository root (the folder
    /// holding Lucene.Splade.sln); null when neither exists.
    /// </summary>
    /// <remarks>
    /// The walk starts from the test assembly's folder, the current folder and this source file's folder, so it also
    /// works when the build output lies outside the repository (<c>--artifacts-path</c>).
    /// </remarks>
    public static string? SharedDatasets([CallerFilePath] string sourceFile = "")
    {
        if (Environment.GetEnvironmentVariable("LUCENE_SPLADE_DATASETS") is { Length: > 0 } env)
        {
            return Directory.Exists(env) ? env : null;
        }

        var starts = new[] { TestContext.CurrentContext.TestDirectory, Environment.CurrentDirectory, Path.GetDirectoryName(sourceFile) ?? "" };
        foreach (var start in starts.Where(s => s.Length > 0 && Directory.Exists(s)))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Lucene.Splade.sln")))
                {
                    var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets"));
                    if (Directory.Exists(shared))
                    {
                        return shared;
                    }

                    break;
                }
            }
        }

        return null;
    }

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "splade-eval-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }
}
