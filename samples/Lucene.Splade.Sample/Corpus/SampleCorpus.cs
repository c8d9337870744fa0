using System.Text.Json;

namespace Lucene.Splade.Sample.Corpus;

/// <summary>A document of the bundled sample corpus.</summary>
internal sealed record SampleDocument(string Id, string Title, string Text);

/// <summary>A demo query and the documents that answer it.</summary>
internal sealed record SampleQuery(string Id, string Text, string Note, IReadOnlySet<string> Relevant);

/// <summary>The corpus, queries and judgments shipped in <c>Data/</c> (written for this project; CC0).</summary>
internal static class SampleCorpus
{
    public static string DataFolder => Path.Combine(AppContext.BaseDirectory, "Data");

    public static IReadOnlyList<SampleDocument> LoadDocuments() =>
        ReadJsonLines(Path.Combine(DataFolder, "corpus.jsonl"))
            .Select(e => new SampleDocument(e.GetProperty("id").GetString()!, e.GetProperty("title").GetString()!, e.GetProperty("text").GetString()!))
            .ToArray();

    public static IReadOnlyList<SampleQuery> LoadQueries()
    {
        var relevant = File.ReadLines(Path.Combine(DataFolder, "qrels.tsv"))
            .Skip(1)
            .Select(line => line.Split('\t'))
            .GroupBy(f => f[0], f => f[1])
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.ToHashSet());
        return ReadJsonLines(Path.Combine(DataFolder, "queries.jsonl"))
            .Select(e =>
            {
                var id = e.GetProperty("id").GetString()!;
                return new SampleQuery(id, e.GetProperty("text").GetString()!, e.GetProperty("note").GetString()!,
                    relevant.GetValueOrDefault(id) ?? new HashSet<string>());
            })
            .ToArray();
    }

    private static IEnumerable<JsonElement> ReadJsonLines(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone());
}
