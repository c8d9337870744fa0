using System.Globalization;

namespace Lucene.Splade.Eval.Metrics;

/// <summary>Reads and writes TREC run files: <c>qid Q0 docid rank score tag</c>, one line per retrieved document.</summary>
internal static class TrecRunFile
{
    /// <summary>
    /// Writes <paramref name="run"/> in trec_eval order. Scores are written in round-trip form ("R"), so trec_eval reads
    /// exactly the values this harness ranked and evaluated with, and breaks ties the same way.
    /// </summary>
    public static void Write(Run run, string path)
    {
        using var writer = new StreamWriter(path);
        writer.NewLine = "\n";
        foreach (var queryId in run.QueryIds.Order(StringComparer.Ordinal))
        {
            var rank = 0;
            foreach (var doc in run.For(queryId))
            {
                rank++;
                writer.WriteLine($"{queryId} Q0 {doc.DocId} {rank} {doc.Score.ToString("R", CultureInfo.InvariantCulture)} {run.Name}");
            }
        }
    }

    /// <exception cref="InvalidDataException">A line does not have six fields or its score is not a number.</exception>
    public static Run Read(string path, string? name = null)
    {
        var byQuery = new Dictionary<string, List<ScoredDocument>>(StringComparer.Ordinal);
        string? tag = null;
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 6 || !double.TryParse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
            {
                throw new InvalidDataException($"{path}:{number}: expected 'qid Q0 docid rank score tag'.");
            }

            tag ??= f[5];
            if (!byQuery.TryGetValue(f[0], out var list))
            {
                byQuery[f[0]] = list = [];
            }

            list.Add(new ScoredDocument(f[2], score));
        }

        var run = new Run(name ?? tag ?? Path.GetFileNameWithoutExtension(path));
        foreach (var (queryId, docs) in byQuery)
        {
            run.Add(queryId, docs);
        }

        return run;
    }
}
