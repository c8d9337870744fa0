using System.ComponentModel;
using System.Diagnostics;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Search;
using Lucene.Splade.Sample.Corpus;
using Lucene.Splade.Sample.Searching;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// The default command: index the bundled corpus with a BM25 field and a SPLADE field, run the demo queries
/// against both, and show which expansion terms let SPLADE find what BM25 missed.
/// </summary>
internal sealed class DemoCommand(IAnsiConsole console) : Command<DemoCommand.Settings>
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const string TextField = "text";
    private const string SpladeFieldName = "splade";

    public sealed class Settings : ModelSettings
    {
        [CommandOption("-k|--top <N>")]
        [Description("Hits shown per query and engine.")]
        [DefaultValue(3)]
        public int Top { get; init; } = 3;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var documents = SampleCorpus.LoadDocuments();
        var queries = SampleCorpus.LoadQueries();
        var clock = Stopwatch.StartNew();

        using var encoder = console.LoadModel(settings.Encoder());

        var vectors = EncodeDocuments(encoder, documents, settings.BatchSize);
        var indexing = new SpladeIndexingOptions();
        using var directory = new RAMDirectory();
        using var bm25Analyzer = new EnglishAnalyzer(Version);
        var similarity = SpladeSimilarity.ForFields([SpladeFieldName]);
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(Version, bm25Analyzer) { Similarity = similarity }))
        {
            for (var i = 0; i < documents.Count; i++)
            {
                var d = documents[i];
                writer.AddDocument(new Document
                {
                    new StringField("id", d.Id, Field.Store.YES),
                    new StoredField("title", d.Title),
                    new TextField(TextField, d.Title + " " + d.Text, Field.Store.NO),
                    SpladeField.CreateEncodedField(SpladeFieldName, vectors[i], encoder.Vocabulary, indexing),
                });
            }

            writer.Commit();
        }

        console.MarkupLineInterpolated($"Indexed [bold]{documents.Count}[/] documents (BM25 + SPLADE fields) in {clock.Elapsed.TotalSeconds:F1} s; average {vectors.Average(v => v.Count):F0} SPLADE terms per document.");
        console.WriteLine();

        using var reader = DirectoryReader.Open(directory);
        var searcher = new IndexSearcher(reader) { Similarity = similarity };
        var builder = new SpladeQueryBuilder(encoder, SpladeFieldName);
        var vectorById = documents.Select((d, i) => (d.Id, Vector: indexing.ToTermFrequencies(vectors[i]))).ToDictionary(x => x.Id, x => x.Vector);
        int bm25Found = 0, spladeFound = 0, judged = 0;
        foreach (var query in queries)
        {
            var bm25Hits = Search(searcher, Bm25Query(bm25Analyzer, query.Text), settings.Top);
            var queryVector = encoder.EncodeQuery(query.Text);
            var spladeHits = Search(searcher, builder.Build(queryVector), settings.Top);
            judged += query.Relevant.Count;
            bm25Found += bm25Hits.Count(h => query.Relevant.Contains(h.Id));
            spladeFound += spladeHits.Count(h => query.Relevant.Contains(h.Id));
            ShowQuery(query, bm25Hits, spladeHits);

            var rescued = spladeHits.FirstOrDefault(h => query.Relevant.Contains(h.Id) && bm25Hits.All(b => b.Id != h.Id));
            if (rescued is not null)
            {
                ShowContributions(encoder, query.Text, queryVector, rescued, vectorById[rescued.Id]);
            }

            console.WriteLine();
        }

        console.MarkupLineInterpolated(
            $"Relevant documents in the top {settings.Top}: BM25 [bold]{bm25Found}[/], SPLADE [bold]{spladeFound}[/] (of {judged} judged). Total time {clock.Elapsed.TotalSeconds:F1} s.");
        console.MarkupLine("[grey]Next: index your own documents with [bold]index <folder | file.jsonl>[/], then [bold]search[/], [bold]explain[/], [bold]encode[/] and [bold]stats[/] (add --help to any command).[/]");
        return 0;
    }

    private SparseVector[] EncodeDocuments(SpladeEncoder encoder, IReadOnlyList<SampleDocument> documents, int batchSize)
    {
        var vectors = new SparseVector[documents.Count];
        var batches = Enumerable.Range(0, (documents.Count + batchSize - 1) / batchSize).ToArray();
        console.Progress().Start(progress =>
        {
            var task = progress.AddTask("Encoding documents", maxValue: documents.Count);
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, b =>
            {
                var range = Enumerable.Range(b * batchSize, Math.Min(batchSize, documents.Count - (b * batchSize))).ToArray();
                var encoded = encoder.EncodeDocuments(range.Select(i => documents[i].Title + " " + documents[i].Text).ToArray());
                for (var k = 0; k < range.Length; k++)
                {
                    vectors[range[k]] = encoded[k];
                }

                task.Increment(range.Length);
            });
        });
        return vectors;
    }

    /// <summary>The analyzed query terms as SHOULD clauses, the way Anserini builds its BM25 queries.</summary>
    private static Query Bm25Query(Analyzer analyzer, string text)
    {
        var query = new BooleanQuery();
        using var stream = analyzer.GetTokenStream(TextField, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            query.Add(new TermQuery(new Term(TextField, term.ToString())), Occur.SHOULD);
        }

        stream.End();
        return query;
    }

    private sealed record Hit(string Id, string Title, float Score);

    private static List<Hit> Search(IndexSearcher searcher, Query query, int top) =>
        searcher.Search(query, top).ScoreDocs
            .Select(sd =>
            {
                var doc = searcher.Doc(sd.Doc);
                return new Hit(doc.Get("id"), doc.Get("title"), sd.Score);
            })
            .ToList();

    private void ShowQuery(SampleQuery query, List<Hit> bm25, List<Hit> splade)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(query.Text)}[/]").LeftJustified());
        var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("BM25").AddColumn("SPLADE");
        for (var i = 0; i < Math.Max(bm25.Count, splade.Count); i++)
        {
            table.AddRow((i + 1).ToString(), Cell(query, bm25, i), Cell(query, splade, i));
        }

        console.Write(table);
    }

    private static string Cell(SampleQuery query, List<Hit> hits, int i) =>
        i >= hits.Count ? "" : (query.Relevant.Contains(hits[i].Id) ? "[green]✓ " : "[grey]  ") + Markup.Escape(hits[i].Title) + "[/]";

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
