using System.ComponentModel;
using System.Diagnostics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Splade.Analysis;
using Lucene.Splade.Corpora;
using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Corpus;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Sample.Searching;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// The default command: index the bundled corpus with a BM25 field and a SPLADE field (in memory), run the demo
/// queries with BM25, SPLADE and the two fused, and show which expansion terms let SPLADE find what BM25 missed.
/// </summary>
internal sealed class DemoCommand(IAnsiConsole console) : Command<DemoCommand.Settings>
{
    private const string Mark = "✓";

    public sealed class Settings : ModelSettings
    {
        [CommandOption("-k|--top <N>")]
        [Description("Hits shown per query and engine.")]
        [DefaultValue(3)]
        public int Top { get; init; } = 3;

        public override ValidationResult Validate() =>
            Top < 1 ? ValidationResult.Error("--top must be at least 1.") : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var documents = SampleCorpus.LoadDocuments();
        var queries = SampleCorpus.LoadQueries();
        var total = Stopwatch.StartNew();
        using var encoder = console.LoadModel(settings.Encoder());

        var clock = Stopwatch.StartNew();
        var vectors = Encode(encoder, documents, settings.BatchSize, cancellationToken);
        var indexing = SpladeIndexingOptions.Default;
        using var directory = new RAMDirectory();
        using (var analyzer = IndexLayout.CreateBm25Analyzer())
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(IndexLayout.Version, analyzer) { Similarity = IndexLayout.Similarity }))
        {
            for (var i = 0; i < documents.Count; i++)
            {
                writer.AddDocument(CorpusFields.ToDocument(documents[i], vectors[i], encoder.Vocabulary, indexing));
            }
        }

        console.MarkupLineInterpolated($"Encoded and indexed [bold]{documents.Count}[/] documents (BM25 + SPLADE fields) in {clock.Elapsed.TotalSeconds:F1} s; on average {vectors.Average(v => v.Count):F0} SPLADE terms per document.");
        console.MarkupLine("[grey]The demo corpus was written for this project: most queries' answers avoid the query's own words, where BM25 fails and SPLADE's expansion terms help. Two control queries share the answers' words, and on one (kinked drain hose) BM25 does better than SPLADE. " +
            $"{Mark} marks a document judged relevant to the query. Hybrid is BM25 and SPLADE fused with the library's default fusion ({HybridFusion.Default.Name}).[/]");
        console.WriteLine();

        using var reader = DirectoryReader.Open(directory);
        var searcher = new IndexSearcher(reader) { Similarity = IndexLayout.Similarity };
        using var bm25Analyzer = IndexLayout.CreateBm25Analyzer();
        var bm25 = new Bm25QueryBuilder(bm25Analyzer, CorpusFields.Contents);
        var splade = new SpladeQueryBuilder(encoder, CorpusFields.Splade);
        var hybrid = new HybridSearcher(searcher, bm25, splade);
        var vectorById = documents.Select((d, i) => (d.Id, Vector: indexing.ToTermFrequencies(vectors[i]))).ToDictionary(x => x.Id, x => x.Vector);
        var found = new int[3];
        var judged = 0;
        foreach (var query in queries)
        {
            var queryVector = encoder.EncodeQuery(query.Text);
            var bm25Query = bm25.Build(query.Text);
            var spladeQuery = splade.Build(queryVector);
            var bm25Hits = Hits(searcher, searcher.Search(bm25Query, settings.Top).ScoreDocs);
            var spladeHits = Hits(searcher, searcher.Search(spladeQuery, settings.Top).ScoreDocs);
            var hybridHits = Hits(searcher, hybrid.Search(bm25Query, spladeQuery, settings.Top).ScoreDocs);
            judged += query.Relevant.Count;
            var lists = new[] { bm25Hits, spladeHits, hybridHits };
            for (var e = 0; e < lists.Length; e++)
            {
                found[e] += lists[e].Count(h => query.Relevant.Contains(h.Id));
            }

            ShowQuery(query, lists);
            var rescued = spladeHits.FirstOrDefault(h => query.Relevant.Contains(h.Id) && bm25Hits.All(b => b.Id != h.Id));
            if (rescued is not null)
            {
                ShowContributions(encoder, query.Text, queryVector, rescued, vectorById[rescued.Id]);
            }

            console.WriteLine();
        }

        console.MarkupLineInterpolated(
            $"Relevant documents in the top {settings.Top} (of {judged} judged): BM25 [bold]{found[0]}[/], SPLADE [bold]{found[1]}[/], hybrid [bold]{found[2]}[/]. Total time {total.Elapsed.TotalSeconds:F1} s.");
        console.MarkupLine("[grey]Next: index your own documents with [bold]index <folder | file.jsonl>[/], then [bold]search[/], [bold]explain[/], [bold]encode[/] and [bold]stats[/] (add --help to any command).[/]");
        return ExitCodes.Ok;
    }

    private IReadOnlyList<SparseVector> Encode(SpladeEncoder encoder, IReadOnlyList<CorpusDocument> documents, int batchSize, CancellationToken cancellationToken)
    {
        var texts = documents.Select(d => d.Contents).ToArray();
        return console.RunWithProgress("Encoding documents", texts.Length, progress =>
            encoder.EncodeDocumentsInParallel(texts, new ParallelEncodingOptions { ChunkSize = batchSize, Progress = progress }, cancellationToken));
    }

    private sealed record Hit(string Id, string Title);

    private static List<Hit> Hits(IndexSearcher searcher, ScoreDoc[] hits) =>
        hits.Select(sd => searcher.Doc(sd.Doc)).Select(doc => new Hit(doc.Get(CorpusFields.Id), doc.Get(CorpusFields.Title) ?? "")).ToList();

    private void ShowQuery(SampleQuery query, List<Hit>[] lists)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(query.Text)}[/]").LeftJustified());
        console.MarkupLineInterpolated($"[grey]{query.Note}[/]");

        // Three title columns share the width; titles are cut to fit, so rows stay one line at 80 columns.
        var width = Math.Max(12, (console.Profile.Width - 14) / 3);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("BM25").AddColumn("SPLADE").AddColumn("hybrid");
        for (var i = 0; i < lists.Max(l => l.Count); i++)
        {
            table.AddRow([(i + 1).ToString(), .. lists.Select(l => Cell(query, l, i, width))]);
        }

        console.Write(table);
    }

    private static string Cell(SampleQuery query, List<Hit> hits, int i, int width)
    {
        if (i >= hits.Count)
        {
            return "";
        }

        var relevant = query.Relevant.Contains(hits[i].Id);
        var title = hits[i].Title.Length <= width - 2 ? hits[i].Title : hits[i].Title[..(width - 3)] + "…";
        return (relevant ? $"[green]{Mark} " : "[grey]  ") + Markup.Escape(title) + "[/]";
    }

    private void ShowContributions(SpladeEncoder encoder, string queryText, SparseVector query, Hit hit, QuantizedVector document)
    {
        var literal = encoder.Tokenizer.Tokenize(queryText).ToHashSet();
        var contributions = new List<(string Term, double Score, bool Literal)>();
        for (var i = 0; i < document.Count; i++)
        {
            var weight = query[document.TermIds[i]];
            if (weight > 0)
            {
                var term = encoder.Vocabulary[document.TermIds[i]];
                contributions.Add((WordPieces.Readable(term), weight * document.Frequencies[i], literal.Contains(term)));
            }
        }

        var top = contributions.OrderByDescending(c => c.Score).Take(8)
            .Select(c => c.Literal ? Markup.Escape(c.Term) : $"[yellow]+{Markup.Escape(c.Term)}[/]");
        console.MarkupLine($"  SPLADE found [green]{Markup.Escape(hit.Title)}[/] through: {string.Join(", ", top)}  [grey](+ = expansion term, not in the query)[/]");
    }
}
