using System.ComponentModel;
using Lucene.Splade.Interchange;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Sample.Models;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// <c>import</c>: indexes an Anserini <c>JsonVectorCollection</c> (documents encoded elsewhere, integer weights) without
/// running the model. The index has the layout of <c>index</c>'s, so <c>search</c>, <c>explain</c>, <c>stats</c> and
/// <c>export</c> work on it; queries are encoded with the model named here (the one that encoded the file).
/// </summary>
internal sealed class ImportCommand(IAnsiConsole console) : Command<ImportCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<INPUT>")]
        [Description("An Anserini JsonVectorCollection file: one {\"id\", \"contents\", \"vector\": {term: integer weight}} per line.")]
        public string Input { get; init; } = "";

        [CommandOption("-i|--index <FOLDER>")]
        [Description("The index folder (created when missing).")]
        [DefaultValue("splade-index")]
        public string Index { get; init; } = "splade-index";

        [CommandOption("--scale <S>")]
        [Description("The scale of the file's integer weights (weight = value / S); recorded for search and export. This console writes 10 by default, Anserini's SPLADE files use 100.")]
        [DefaultValue(TermFrequencyQuantizer.DefaultScale)]
        public float Scale { get; init; } = TermFrequencyQuantizer.DefaultScale;

        [CommandOption("--rebuild")]
        [Description("Start from an empty index instead of continuing (continuing skips ids already indexed).")]
        public bool Rebuild { get; init; }

        [CommandOption("--commit-every <DOCS>")]
        [Description("Commit after about this many new documents.")]
        [DefaultValue(2000)]
        public int CommitEvery { get; init; } = 2000;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Input) ? ValidationResult.Error("<INPUT>: the file to import")
            : !(Scale > 0 && float.IsFinite(Scale)) ? ValidationResult.Error("--scale must be a positive number.")
            : CommitEvery < 1 ? ValidationResult.Error("--commit-every must be at least 1.")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Input))
        {
            throw new SampleException($"Input not found: {settings.Input}");
        }

        var encoderSettings = settings.Encoder();
        var model = ModelLoader.LoadDescription(encoderSettings);
        var metadata = new IndexMetadata(ModelLoader.ModelName(encoderSettings), model.Description, model.MaxLength, model.Vocabulary.Count,
            settings.Scale, TermFrequencyQuantizer.DefaultMaxFrequency, PruningOptions.None);
        var options = new IndexBuildOptions(Path.GetFullPath(settings.Index), settings.Rebuild, Threads: 1, BatchSize: 1, settings.CommitEvery);

        IndexBuildResult result;
        using (var reader = new StreamReader(settings.Input))
        {
            var documents = AnseriniVectors.ReadDocuments(reader, model.Vocabulary, settings.Input);
            result = new VectorImporter(model.Vocabulary, metadata, options).Import(documents, cancellationToken);
        }

        var skipped = result.SkippedExisting > 0 ? $", skipped {result.SkippedExisting} already indexed" : "";
        var duplicates = result.Duplicates > 0 ? $", ignored {result.Duplicates} repeated ids" : "";
        var summary = $"Imported {result.Added} documents from {settings.Input} (integer weights at scale {settings.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}, no model run){skipped}{duplicates}; the index at {options.IndexPath} holds {result.DocumentsInIndex} documents.";
        console.MarkupLine((result.Interrupted ? "[yellow]Interrupted.[/] " : "[green]Done.[/] ") + Markup.Escape(summary));
        return result.Interrupted ? ExitCodes.Interrupted : ExitCodes.Ok;
    }
}
