using Lucene.Splade.TestSupport;
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

    /// <summary>The repository root (the folder holding Lucene.Splade.sln).</summary>
    public static string RepositoryRoot() => RepositoryLocator.RepositoryRoot();

    /// <summary>
    /// The shared datasets folder: $LUCENE_SPLADE_DATASETS, else ../shared/datasets beside the repository root (the folder
    /// holding Lucene.Splade.sln); null when neither exists.
    /// </summary>
    public static string? SharedDatasets() => RepositoryLocator.SharedDatasets();

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "splade-eval-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }
}
