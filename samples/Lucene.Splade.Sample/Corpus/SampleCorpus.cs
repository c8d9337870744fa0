using System.Text.Json;
using Lucene.Splade.Corpora;

namespace Lucene.Splade.Sample.Corpus;

/// <summary>A demo query, what it shows, and the documents that answer it.</summary>
/// <param name="Id">The query's id.</param>
/// <param name="Text">The query.</param>
/// <param name="Note">What the query shows (why one engine finds the answers and the other does not).</param>
/// <param name="Relevant">The ids of the documents that answer it.</param>
internal sealed record SampleQuery(string Id, string Text, string Note, IReadOnlySet<string> Relevant);

/// <summary>
/// The corpus, queries and judgments shipped in <c>Data/</c> (written for this project; CC0). Most queries were written
/// so that their answers avoid the query's words, which is where BM25 fails and SPLADE's expansion helps; a few are
/// controls where BM25 does as well or better.
/// </summary>
internal static class SampleCorpus
{
    public static string DataFolder => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string DocumentsFile => Path.Combine(DataFolder, "corpus.jsonl");

    public static IReadOnlyList<CorpusDocument> LoadDocuments() => new DocumentReader(DocumentsFile).Read().ToArray();

    public static IReadOnlyList<SampleQuery> LoadQueries()
    {
        var relevant = BeirCollection.ReadQrelsFile(Path.Combine(DataFolder, "qrels.tsv"));
        return File.ReadLines(Path.Combine(DataFolder, "queries.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e =>
            {
                var id = e.GetProperty("id").GetString()!;
                return new SampleQuery(id, e.GetProperty("text").GetString()!, e.GetProperty("note").GetString()!, relevant.For(id).Keys.ToHashSet());
            })
            .ToArray();
    }
}
