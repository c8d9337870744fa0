using System.ComponentModel;
using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Models;
using Lucene.Splade.Sample.Searching;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary><c>encode</c>: the sparse vector of a text, as a document (pruned and quantized) or as a query.</summary>
internal sealed class EncodeCommand(IAnsiConsole console) : Command<EncodeCommand.Settings>
{
    public sealed class Settings : DocumentSettings
    {
        [CommandArgument(0, "<TEXT>")]
        [Description("The text to encode.")]
        public string Text { get; init; } = "";

        [CommandOption("-q|--query")]
        [Description("Encode as a query: query pruning, no quantization.")]
        public bool AsQuery { get; init; }

        [CommandOption("-d|--document")]
        [Description("Encode as a document (the default): document pruning, then quantization to term frequencies.")]
        public bool AsDocument { get; init; }

        [CommandOption("--query-top-k <N>")]
        [Description("With --query: keep only the N heaviest terms.")]
        public int? QueryTopK { get; init; }

        [CommandOption("--query-min-weight <W>")]
        [Description("With --query: drop terms lighter than W.")]
        public float? QueryMinWeight { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("Terms shown.")]
        [DefaultValue(30)]
        public int Top { get; init; } = 30;

        [CommandOption("--query-encoder <ENCODER>")]
        [Description("With --query: " + QueryEncoders.Description)]
        [DefaultValue(QueryEncoders.Model)]
        public string QueryEncoder { get; init; } = QueryEncoders.Model;

        public bool InferenceFree => QueryEncoder == QueryEncoders.InferenceFree;

        public override ValidationResult Validate() =>
            AsQuery && AsDocument ? ValidationResult.Error("Choose --query or --document, not both.")
            : !QueryEncoders.IsValid(QueryEncoder) ? ValidationResult.Error(QueryEncoders.Invalid(QueryEncoder))
            : InferenceFree && !AsQuery ? ValidationResult.Error("--query-encoder inference-free encodes queries only; add --query (documents are always encoded by the model).")
            : Checks.Pruning(() => new PruningOptions { TopK = QueryTopK, MinWeight = QueryMinWeight }, base.Validate(), "query");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Inference-free queries need only the tokenizer and the weights; the model is loaded otherwise.
        using var model = settings.InferenceFree ? null : console.LoadModel(settings.DocumentEncoder());
        var inferenceFree = settings.InferenceFree ? console.LoadInferenceFree(settings.Encoder()) : null;
        var raw = inferenceFree?.EncodeQuery(settings.Text)
            ?? (settings.AsQuery ? model!.EncodeQuery(settings.Text) : model!.EncodeDocument(settings.Text));
        var tokenizer = inferenceFree?.Tokenizer ?? model!.Tokenizer;
        var vocabulary = tokenizer.Vocabulary;
        var pieces = new WordPieces(tokenizer, settings.Text);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("term").AddColumn("kind").AddColumn(new TableColumn("weight").RightAligned());
        int kept;
        if (settings.AsQuery)
        {
            var pruned = SparseVectorPruner.Prune(raw, new PruningOptions { TopK = settings.QueryTopK, MinWeight = settings.QueryMinWeight });
            kept = pruned.Count;
            foreach (var (id, weight) in pruned.ByDescendingWeight().Take(settings.Top))
            {
                table.AddRow(Term(vocabulary[id]), Kind(pieces, vocabulary[id]), $"{weight:F3}");
            }
        }
        else
        {
            var indexing = new Analysis.SpladeIndexingOptions { Pruning = settings.DocumentPruning, Quantizer = new TermFrequencyQuantizer(settings.Scale) };
            var frequencies = indexing.ToTermFrequencies(raw);
            var weightOf = new Dictionary<int, float>();
            for (var i = 0; i < raw.Count; i++)
            {
                weightOf[raw.TermIds[i]] = raw.Weights[i];
            }

            kept = frequencies.Count;
            table.AddColumn(new TableColumn("tf").RightAligned());
            var rows = Enumerable.Range(0, frequencies.Count)
                .Select(i => (Id: frequencies.TermIds[i], Tf: frequencies.Frequencies[i]))
                .OrderByDescending(x => x.Tf).ThenBy(x => x.Id).Take(settings.Top);
            foreach (var (id, tf) in rows)
            {
                table.AddRow(Term(vocabulary[id]), Kind(pieces, vocabulary[id]), $"{weightOf[id]:F3}", tf.ToString());
            }
        }

        console.Write(table);
        var what = settings.AsQuery ? (settings.InferenceFree ? "query (inference-free)" : "query") : $"document (scale {settings.Scale:G})";
        console.MarkupLineInterpolated(
            $"As a {what}: [bold]{kept}[/] nonzero terms ({raw.Count} before pruning{(settings.AsQuery ? "" : " and quantization")}; {pieces.Count} distinct word pieces in the text).");
        return ExitCodes.Ok;
    }

    private static string Term(string term) => Markup.Escape(WordPieces.Readable(term));

    private static string Kind(WordPieces pieces, string term) => pieces.Contains(term) ? "in text" : "[yellow]expansion[/]";
}
