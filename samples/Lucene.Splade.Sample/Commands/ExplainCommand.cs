using System.ComponentModel;
using Lucene.Splade.Sample.Searching;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// <c>explain</c>: the terms behind one document's SPLADE score for one query, and where the document stands in the
/// BM25, SPLADE and fused (hybrid) rankings.
/// </summary>
internal sealed class ExplainCommand(IAnsiConsole console) : Command<ExplainCommand.Settings>
{
    public sealed class Settings : QuerySettings
    {
        [CommandArgument(0, "<QUERY>")]
        [Description("The query.")]
        public string Query { get; init; } = "";

        [CommandArgument(1, "<DOC-ID>")]
        [Description("The id of the document to explain.")]
        public string DocumentId { get; init; } = "";

        [CommandOption("-k|--top <N>")]
        [Description("Terms shown (the total always covers all of them).")]
        [DefaultValue(30)]
        public int Top { get; init; } = 30;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var encoder = IndexModel.Load(console, settings);
        using var searcher = new Searcher(settings.Index, encoder, settings.QueryPruning);
        var explanation = new Explainer(searcher, encoder, encoder.Tokenizer).Explain(settings.Query, settings.DocumentId);
        Show(explanation, settings.Top);
        return ExitCodes.Ok;
    }

    private void Show(ScoreExplanation e, int top)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(e.Query)}[/] → [bold]{Markup.Escape(e.DocumentId)}[/] {Markup.Escape(e.Title)}").LeftJustified());
        console.MarkupLineInterpolated($"[grey]{Snippets.Make(e.Text, e.Query)}[/]");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("term").AddColumn("kind")
            .AddColumn(new TableColumn("query w").RightAligned())
            .AddColumn(new TableColumn("doc tf").RightAligned())
            .AddColumn(new TableColumn($"doc w (tf/{e.Scale:G})").RightAligned())
            .AddColumn(new TableColumn("adds").RightAligned());
        foreach (var t in e.Terms.Take(top))
        {
            table.AddRow(Term(e, t), Kind(t), $"{t.QueryWeight:F3}", t.Tf.ToString(), $"{t.DocumentWeight:F2}", $"{t.Contribution:F2}");
        }

        if (e.Terms.Count > top)
        {
            var rest = e.Terms.Skip(top).Sum(t => (double)t.Contribution);
            table.AddRow($"[grey]{e.Terms.Count - top} more terms[/]", "", "", "", "", $"{rest:F2}");
        }

        table.AddRow("[bold]total[/]", "", "", "", "", $"[bold]{e.Total:F2}[/]");
        console.Write(table);

        var rank = e.Rank is { } r ? $"rank {r}" : $"not in the first {Explainer.RankDepth}";
        var literal = e.Terms.Where(t => t.IsLiteral).Sum(t => (double)t.Contribution);
        console.MarkupLineInterpolated(
            $"SPLADE score [bold]{e.Score:F2}[/] ({rank}); {e.Terms.Count} of the query's {e.QueryTerms} terms are in the document. Literal matches give {Share(literal, e.Total)}, expansions {Share(e.Total - literal, e.Total)}.");
        console.MarkupLine("[grey]adds = query w x doc tf, the term's part of the score. literal: the term is in both texts; exp.: an expansion, added by the model to the query (q), the document (d) or both. …xyz is a word piece (##xyz) that continues a word.[/]");
        var h = e.Hybrid;
        console.MarkupLineInterpolated(
            $"Hybrid ({h.Fusion.Name}): fused {(h.FusedRank is { } f ? $"rank {f} (score {h.FusedScore:G4})" : $"not in the first {Explainer.RankDepth}")} from BM25 {Place(h.Bm25Rank, h.Bm25Score)} and SPLADE {Place(e.Rank, e.Score)}.");
    }

    private static string Term(ScoreExplanation e, TermContribution t)
    {
        var readable = Markup.Escape(WordPieces.Readable(t.Term));
        var word = e.DocumentPieces.WholeWord(t.Term) ?? e.QueryPieces.WholeWord(t.Term);
        return word is null ? readable : $"{readable} [grey](of {Markup.Escape(word)})[/]";
    }

    private static string Kind(TermContribution t) => (t.InQuery, t.InDocument) switch
    {
        (true, true) => "literal",
        (true, false) => "[yellow]exp. d[/]",
        (false, true) => "[yellow]exp. q[/]",
        _ => "[yellow]exp. q+d[/]",
    };

    private static string Place(int? rank, float score) =>
        rank is { } r ? $"rank {r} (score {score:F2})" : $"not in the first {Explainer.RankDepth} (score {score:F2})";

    private static string Share(double part, double total) => total == 0 ? "0%" : $"{100 * part / total:F0}%";
}
