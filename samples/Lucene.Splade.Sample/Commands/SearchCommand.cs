using System.ComponentModel;
using Lucene.Splade.Sample.Models;
using Lucene.Splade.Sample.Searching;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary><c>search</c>: one query from the command line, or one per line typed (or piped) until an empty line.</summary>
internal sealed class SearchCommand(IAnsiConsole console) : Command<SearchCommand.Settings>
{
    public sealed class Settings : QuerySettings
    {
        [CommandArgument(0, "[QUERY]")]
        [Description("The query; without it, queries are read one per line (an empty line or end of input quits).")]
        public string? Query { get; init; }

        [CommandOption("-e|--engine <ENGINE>")]
        [Description("splade, bm25 or both (side by side).")]
        [DefaultValue(Engine.Splade)]
        public Engine Engine { get; init; } = Engine.Splade;

        [CommandOption("-k|--top <N>")]
        [Description("Results shown per engine.")]
        [DefaultValue(10)]
        public int Top { get; init; } = 10;

        [CommandOption("--query-encoder <ENCODER>")]
        [Description(QueryEncoders.Description)]
        [DefaultValue(QueryEncoders.Model)]
        public string QueryEncoder { get; init; } = QueryEncoders.Model;

        public override ValidationResult Validate() =>
            Top < 1 ? ValidationResult.Error("--top must be at least 1.")
            : !QueryEncoders.IsValid(QueryEncoder) ? ValidationResult.Error(QueryEncoders.Invalid(QueryEncoder))
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var encoder = IndexModel.LoadQueryEncoder(console, settings, settings.QueryEncoder);
        using var disposable = encoder as IDisposable;
        using var searcher = new Searcher(settings.Index, encoder, settings.QueryPruning);
        console.MarkupLineInterpolated($"[grey]Index:[/] {Path.GetFullPath(settings.Index)} ({searcher.DocumentCount} documents)");
        if (settings.Query is not null)
        {
            Show(searcher, settings.Query, settings);
            return ExitCodes.Ok;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var query = ReadQuery();
            if (string.IsNullOrWhiteSpace(query))
            {
                break;
            }

            Show(searcher, query, settings);
        }

        return ExitCodes.Ok;
    }

    private string? ReadQuery()
    {
        if (Console.IsInputRedirected || !console.Profile.Capabilities.Interactive)
        {
            return Console.In.ReadLine();
        }

        return console.Prompt(new TextPrompt<string>("[bold]query>[/]").AllowEmpty());
    }

    private void Show(Searcher searcher, string query, Settings settings)
    {
        var engines = settings.Engine == Engine.Both ? new[] { Engine.Splade, Engine.Bm25 } : [settings.Engine];
        var results = engines.Select(e => (Engine: e, Hits: searcher.Search(query, e, settings.Top))).ToArray();
        console.Write(new Rule($"[bold]{Markup.Escape(query)}[/]").LeftJustified());
        if (results.Length == 1)
        {
            console.Write(HitsTable(results[0].Engine, results[0].Hits, snippets: true));
            return;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(HitsTable(results[0].Engine, results[0].Hits, snippets: false), HitsTable(results[1].Engine, results[1].Hits, snippets: false));
        console.Write(grid);
    }

    private static string Shorten(string title) => title.Length <= 80 ? title : title[..79] + "…";

    private static Table HitsTable(Engine engine, IReadOnlyList<SearchHit> hits, bool snippets)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(engine == Engine.Splade ? "SPLADE" : "BM25")
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn(new TableColumn("score").RightAligned()).AddColumn("id").AddColumn("title");
        if (snippets)
        {
            table.AddColumn("snippet");
        }

        foreach (var hit in hits)
        {
            var cells = new List<string> { hit.Rank.ToString(), $"{hit.Score:F2}", Markup.Escape(hit.Id), Markup.Escape(Shorten(hit.Title)) };
            if (snippets)
            {
                cells.Add($"[grey]{Markup.Escape(hit.Snippet)}[/]");
            }

            table.AddRow(cells.ToArray());
        }

        if (hits.Count == 0)
        {
            table.AddRow(snippets ? ["", "", "", "[grey]no match[/]", ""] : ["", "", "", "[grey]no match[/]"]);
        }

        return table;
    }
}
