using Lucene.Splade.Corpora;
using System.ComponentModel;
using System.Globalization;
using Lucene.Splade.Sample.Corpus;
using Lucene.Splade.Sample.Statistics;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary><c>stats</c>: size on disk and per field, sparsity, expected FLOPS and the model of an index.</summary>
internal sealed class StatsCommand(IAnsiConsole console) : Command<StatsCommand.Settings>
{
    public sealed class Settings : QuerySettings
    {
        [CommandOption("-q|--queries <FILE>")]
        [Description("Queries for the FLOPS estimate (BEIR queries.jsonl or one query per line). Without it, the documents stand in for queries.")]
        public string? Queries { get; init; }

        [CommandOption("--no-field-sizes")]
        [Description("Skip measuring the size of each field (which copies the index in memory).")]
        public bool NoFieldSizes { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<SparseVector>? queryVectors = null;
        SpladeQueryBuilder? builder = null;
        if (settings.Queries is not null)
        {
            var queries = QueryReader.Read(settings.Queries, out var problems);
            foreach (var problem in problems)
            {
                console.Warn($"skipped {problem}");
            }

            using var encoder = IndexModel.Load(console, settings);
            builder = new SpladeQueryBuilder(encoder.Vocabulary, CorpusFields.Splade) { QueryPruning = settings.QueryPruning };
            queryVectors = console.Status().Start($"Encoding {queries.Count} queries...", _ => encoder.EncodeQueries(queries));
        }

        var report = console.Status().Start("Reading the index...", _ =>
            IndexStatistics.Compute(settings.Index, queryVectors, builder, measureFieldSizes: !settings.NoFieldSizes));
        Show(report, Path.GetFullPath(settings.Index));
        return ExitCodes.Ok;
    }

    private void Show(IndexReport r, string path)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("index", Markup.Escape(path));
        table.AddRow("documents", r.Documents.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("model", Markup.Escape(r.Metadata?.Describe() ?? "unknown (the index was not built by this console)"));
        table.AddRow("size on disk", $"{Bytes(r.BytesOnDisk)} [grey]({Markup.Escape(string.Join(", ", r.BytesByExtension.Select(e => $".{e.Key} {Bytes(e.Value)}")))})[/]");
        foreach (var size in r.FieldSizes)
        {
            table.AddRow($"field [bold]{size.Field}[/]",
                $"{Bytes(size.Bytes)} [grey]({Markup.Escape(string.Join(", ", size.BytesByExtension.Select(e => $".{e.Key} {Bytes(e.Value)}")))})[/]");
        }

        foreach (var f in new[] { r.Bm25, r.Splade })
        {
            var what = f.Field == CorpusFields.Splade ? "nonzero terms" : "distinct terms";
            table.AddRow($"field [bold]{f.Field}[/]",
                $"{f.AverageTermsPerDocument:F1} {what} per document, average tf {f.AverageTermFrequency:F2}, {f.DistinctTerms:N0} terms in the dictionary");
        }

        var flopsSource = r.Flops.QueryCount > 0
            ? $"p_q from {r.Flops.QueryCount} queries"
            : "no --queries: documents stand in for queries, p_q = p_d";
        table.AddRow("expected FLOPS", $"{r.Flops.Value:F3} [grey](sum over terms of p_q(j) x p_d(j); {flopsSource})[/]");
        console.Write(table);
        if (r.FieldSizes.Count > 0)
        {
            console.MarkupLine("[grey]Field sizes: Lucene 4.8 stores all fields in the same files, so each field is measured by copying the index in memory through a reader that shows only that field (terms dictionary .tim/.tip, postings .doc/.pos, norms .nvd/.nvm), written by the same codec as one merged segment, so the sum can differ a little from the files on disk. contents is the BM25 field, id the exact-match id field; stored fields (id, title, text) are the .fdt/.fdx files on disk.[/]");
        }
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
