using System.ComponentModel;
using System.Text;
using Lucene.Splade.Corpora;
using Lucene.Splade.Interchange;
using Lucene.Splade.Sample.Indexing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// <c>export</c>: writes an index's documents with their SPLADE vectors (the index's integer frequencies, read back
/// from the postings) as an Anserini <c>JsonVectorCollection</c>, for Anserini or any tool that reads it.
/// </summary>
internal sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : QuerySettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("anserini (JsonVectorCollection lines: id, contents, vector of term -> integer weight).")]
        [DefaultValue("anserini")]
        public string Format { get; init; } = "anserini";

        [CommandOption("-o|--output <FILE>")]
        [Description("The file to write (JSON Lines).")]
        public string Output { get; init; } = "";

        public override ValidationResult Validate()
        {
            if (Format != "anserini")
            {
                return ValidationResult.Error($"--format must be anserini, not '{Format}' (Elasticsearch and OpenSearch bulk bodies are not written yet)");
            }

            return string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("-o|--output: the file to write") : base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var vocabulary = IndexModel.LoadVocabulary(console, settings);
        using var reader = IndexLayout.OpenReader(settings.Index);
        var written = 0;
        using (var output = new StreamWriter(settings.Output, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            foreach (var (doc, vector) in IndexedVectors.Read(reader, CorpusFields.Splade, vocabulary))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stored = reader.Document(doc);
                var contents = $"{stored.Get(CorpusFields.Title)} {stored.Get(CorpusFields.Text)}".Trim();
                AnseriniVectors.WriteDocument(output, new AnseriniDocument(stored.Get(CorpusFields.Id) ?? doc.ToString(System.Globalization.CultureInfo.InvariantCulture), contents, vector), vocabulary);
                written++;
            }
        }

        console.MarkupLineInterpolated($"Exported {written} documents to {settings.Output} (Anserini JsonVectorCollection, integer weights at the index's scale).");
        return ExitCodes.Ok;
    }
}
