using System.ComponentModel;
using Lucene.Splade.Sample.Models;
using Lucene.Splade.Sample.Searching;
using Lucene.Splade.Search;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// <c>search</c>: one query from the command line, or, without one, queries read one per line (typed at a prompt, or
/// piped in) until the end of the input, so that many queries pay for loading the model once.
/// </summary>
internal sealed class SearchCommand(IAnsiConsole console) : Command<SearchCommand.Settings>
{
    public sealed class Settings : QuerySettings
    {
        [CommandArgument(0, "[QUERY]")]
        [Description("The query (quote it when it has several words). Without it, queries are read one per line until the end of the input (an empty line at the prompt quits), and the model, which takes about 2 s to load, is loaded once for all of them.")]
        public string? Query { get; init; }

        [CommandOption("-e|--engine <ENGINE>")]
        [Description("hybrid (BM25 and SPLADE fused, see --fusion), splade, bm25, or both (SPLADE and BM25 side by side).")]
        [DefaultValue("hybrid")]
        public string EngineName { get; init; } = "hybrid";

        [CommandOption("--fusion <FUSION>")]
        [Description("How hybrid fuses the two rankings: default (the library's HybridFusion.Default: min-max, SPLADE weight 0.25), minmax or zscore (a weighted sum of normalized scores, with --splade-weight), or rrf (reciprocal rank fusion, with --rrf-k).")]
        [DefaultValue("default")]
        public string Fusion { get; init; } = "default";

        [CommandOption("--rrf-k <K>")]
        [Description("RRF's constant: each list adds 1 / (k + rank).")]
        [DefaultValue(60)]
        public int RrfK { get; init; } = 60;

        [CommandOption("--splade-weight <W>")]
        [Description("For minmax and zscore fusion: the weight of SPLADE in [[0, 1]]; BM25 gets 1 - W.")]
        [DefaultValue(HybridFusion.DefaultSpladeWeight)]
        public double SpladeWeight { get; init; } = HybridFusion.DefaultSpladeWeight;

        public Engine Engine => Enum.Parse<Engine>(EngineName, ignoreCase: true);

        public HybridFusion HybridFusion => Fusion.ToLowerInvariant() switch
        {
            "minmax" => HybridFusion.Linear(ScoreNormalization.MinMax, SpladeWeight),
            "zscore" => HybridFusion.Linear(ScoreNormalization.ZScore, SpladeWeight),
            "rrf" => HybridFusion.ReciprocalRank(RrfK),
            _ => HybridFusion.Linear(HybridFusion.DefaultNormalization, SpladeWeight),
        };

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
            : !Enum.TryParse<Engine>(EngineName, ignoreCase: true, out _) || int.TryParse(EngineName, out _) ? ValidationResult.Error($"--engine must be hybrid, splade, bm25 or both, not '{EngineName}'.")
            : Fusion.ToLowerInvariant() is not ("default" or "rrf" or "minmax" or "zscore") ? ValidationResult.Error($"--fusion must be default, rrf, minmax or zscore, not '{Fusion}'.")
            : RrfK < 1 ? ValidationResult.Error("--rrf-k must be at least 1.")
            : !(SpladeWeight >= 0 && SpladeWeight <= 1) ? ValidationResult.Error("--splade-weight must be between 0 and 1.")
            : !QueryEncoders.IsValid(QueryEncoder) ? ValidationResult.Error(QueryEncoders.Invalid(QueryEncoder))
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var encoder = IndexModel.LoadQueryEncoder(console, settings, settings.QueryEncoder);
        using var disposable = encoder as IDisposable;
        using var searcher = new Searcher(settings.Index, encoder, settings.QueryPruning, settings.HybridFusion);
        console.MarkupLineInterpolated($"[grey]Index:[/] {Path.GetFullPath(settings.Index)} ({searcher.DocumentCount} documents)");
        if (settings.Query is not null)
        {
            Show(searcher, settings.Query, settings);
            return ExitCodes.Ok;
        }

        var interactive = !Console.IsInputRedirected && console.Profile.Capabilities.Interactive;
        while (!cancellationToken.IsCancellationRequested)
        {
            var query = interactive ? console.Prompt(new TextPrompt<string>("[bold]query>[/]").AllowEmpty()) : Console.In.ReadLine();
            if (query is null || (interactive && query.Length == 0))
            {
                break; // the end of piped input, or an empty line at the prompt
            }

            if (!string.IsNullOrWhiteSpace(query))
            {
                Show(searcher, query.Trim(), settings);
            }
        }

        return ExitCodes.Ok;
    }

    private void Show(Searcher searcher, string query, Settings settings)
    {
        var engines = settings.Engine == Engine.Both ? new[] { Engine.Splade, Engine.Bm25 } : [settings.Engine];
        var results = engines.Select(e => (Engine: e, Hits: searcher.Search(query, e, settings.Top))).ToArray();
        console.Write(new Rule($"[bold]{Markup.Escape(query)}[/]").LeftJustified());
        if (results.Length == 1)
        {
            console.Write(results[0].Engine == Engine.Hybrid
                ? HybridTable(results[0].Hits, settings.HybridFusion)
                : HitsTable(results[0].Engine, results[0].Hits, snippets: console.Profile.Width >= 120)); // snippets need a wide terminal
            return;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(HitsTable(results[0].Engine, results[0].Hits, snippets: false), HitsTable(results[1].Engine, results[1].Hits, snippets: false));
        console.Write(grid);
    }

    private static string Shorten(string title, int length = 60) => title.Length <= length ? title : title[..(length - 1)] + "…";

    /// <summary>The fused ranking, with each hit's place in the BM25 and the SPLADE ranking.</summary>
    private static Table HybridTable(IReadOnlyList<SearchHit> hits, HybridFusion fusion)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"hybrid ({fusion.Name})")
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn(new TableColumn("fused").RightAligned())
            .AddColumn(new TableColumn("BM25").RightAligned()).AddColumn(new TableColumn("SPLADE").RightAligned())
            .AddColumn("id").AddColumn("title");
        foreach (var hit in hits)
        {
            table.AddRow(hit.Rank.ToString(), $"{hit.Score:G4}", Place(hit.Hybrid?.Bm25), Place(hit.Hybrid?.Splade), Markup.Escape(hit.Id), Markup.Escape(Shorten(hit.Title, 40)));
        }

        if (hits.Count == 0)
        {
            table.AddRow("", "", "", "", "", "[grey]no match[/]");
        }

        table.Caption("[grey]BM25, SPLADE: rank (score) in each engine's own ranking; - when that engine did not return the document[/]");
        return table;
    }

    private static string Place(HybridComponent? place) => place is { } p ? $"{p.Rank} ({p.Score:G4})" : "[grey]-[/]";

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
