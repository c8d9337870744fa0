using System.ComponentModel;
using System.Globalization;
using System.Text;
using Elastic.Clients.Elasticsearch;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Splade.Corpora;
using Lucene.Splade.Elasticsearch;
using Lucene.Splade.Engines;
using Lucene.Splade.Interchange;
using Lucene.Splade.OpenSearch;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// <c>export</c>: writes an index's documents with their SPLADE vectors (the index's integer frequencies, read back
/// from the postings) as an Anserini <c>JsonVectorCollection</c>, or as Elasticsearch or OpenSearch bulk bodies with
/// float weights (the forward index's when the index has one, else <c>tf / scale</c>, which carry the index's quantization), to a file and/or to a cluster.
/// </summary>
internal sealed class ExportCommand(IAnsiConsole console) : AsyncCommand<ExportCommand.Settings>
{
    private const int FailuresShown = 10;

    public static readonly string[] Formats = ["anserini", "elasticsearch", "opensearch"];

    public sealed class Settings : QuerySettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("anserini (JsonVectorCollection lines: id, contents, vector of term -> integer weight), elasticsearch or opensearch (bulk NDJSON: an index action and a source with title, text and the splade field of term -> float weight; a '.' in a term is written %2E and a '%' %25).")]
        [DefaultValue("anserini")]
        public string Format { get; init; } = "anserini";

        [CommandOption("-o|--output <FILE>")]
        [Description("The file to write. For elasticsearch and opensearch, the index mapping is written beside it (NAME.mapping.json).")]
        public string? Output { get; init; }

        [CommandOption("--url <CLUSTER>")]
        [Description("elasticsearch or opensearch: send the documents to this cluster (for example http://localhost:9200), creating the index when it is missing.")]
        public string? Url { get; init; }

        [CommandOption("--index-name <NAME>")]
        [Description("The index name in the cluster and in the bulk actions.")]
        [DefaultValue("splade")]
        public string IndexName { get; init; } = "splade";

        [CommandOption("--bulk-size <N>")]
        [Description("Documents per bulk request.")]
        [DefaultValue(500)]
        public int BulkSize { get; init; } = 500;

        [CommandOption("--start-offset <N>")]
        [Description("--url: skip the first N documents (to resume a run that stopped; it prints where to resume).")]
        [DefaultValue(0L)]
        public long StartOffset { get; init; }

        public bool IsEngine => Format is "elasticsearch" or "opensearch";

        public override ValidationResult Validate()
        {
            if (!Formats.Contains(Format))
            {
                return ValidationResult.Error($"--format must be one of {string.Join(", ", Formats)}, not '{Format}'");
            }

            if (string.IsNullOrWhiteSpace(Output) && Url is null)
            {
                return ValidationResult.Error(IsEngine ? "-o|--output or --url: where to write the documents" : "-o|--output: the file to write");
            }

            if (Url is not null && (!IsEngine || !Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                return ValidationResult.Error(IsEngine ? $"--url must be an http(s) address, not '{Url}'" : "--url needs --format elasticsearch or opensearch");
            }

            if (BulkSize < 1 || StartOffset < 0)
            {
                return ValidationResult.Error("--bulk-size must be at least 1 and --start-offset at least 0.");
            }

            try
            {
                _ = new EngineIndexLayout(IndexName);
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error($"--index-name: {e.Message}");
            }

            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var vocabulary = IndexModel.LoadVocabulary(console, settings);
        using var reader = IndexLayout.OpenReader(settings.Index);
        if (!settings.IsEngine)
        {
            var written = WriteAnserini(reader, vocabulary, settings.Output!, cancellationToken);
            console.MarkupLineInterpolated($"Exported {written} documents to {settings.Output} (Anserini JsonVectorCollection, integer weights at the index's scale).");
            return ExitCodes.Ok;
        }

        var metadata = IndexMetadata.FromUserData(reader.IndexCommit.UserData)
            ?? throw new SampleException($"The index at {settings.Index} records no quantization scale (it was not made by this console), so its weights cannot be turned into floats.");
        var quantizer = new TermFrequencyQuantizer(metadata.Scale, metadata.MaxFrequency);
        var layout = new EngineIndexLayout(settings.IndexName) { TextFields = [CorpusFields.Title, CorpusFields.Text] };
        var weights = ForwardVectors.Exists(reader, CorpusFields.SpladeVector)
            ? "float weights from the forward index: the model's, after pruning"
            : $"float weights = tf / {metadata.Scale.ToString(CultureInfo.InvariantCulture)}, the index's quantization";
        if (settings.Output is { Length: > 0 } output)
        {
            var (written, mappingFile) = WriteBulkFile(EngineDocuments(reader, vocabulary, quantizer, cancellationToken), layout, settings, output);
            console.MarkupLineInterpolated($"Exported {written} documents to {output} ({settings.Format} bulk NDJSON for index {settings.IndexName}, {weights}); the mapping is in {mappingFile}.");
        }

        return settings.Url is null ? ExitCodes.Ok : await SendAsync(EngineDocuments(reader, vocabulary, quantizer, CancellationToken.None), layout, vocabulary, settings, cancellationToken);
    }

    private static int WriteAnserini(DirectoryReader reader, Vocabulary vocabulary, string output, CancellationToken cancellationToken)
    {
        var written = 0;
        using var file = new StreamWriter(output, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        foreach (var (doc, vector) in IndexedVectors.Read(reader, CorpusFields.Splade, vocabulary))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = reader.Document(doc);
            var contents = $"{stored.Get(CorpusFields.Title)} {stored.Get(CorpusFields.Text)}".Trim();
            AnseriniVectors.WriteDocument(file, new AnseriniDocument(Id(stored, doc), contents, vector), vocabulary);
            written++;
        }

        return written;
    }

    /// <summary>
    /// The index's documents for an engine: title and text, and the SPLADE weights as floats: the forward index's
    /// (the model's weights after pruning) when the index has one, else tf / scale. Cancelling throws; for a cluster,
    /// pass no token and let the bulk run stop, so that it says where to resume.
    /// </summary>
    private static IEnumerable<EngineDocument> EngineDocuments(DirectoryReader reader, Vocabulary vocabulary, TermFrequencyQuantizer quantizer, CancellationToken cancellationToken)
    {
        if (ForwardVectors.Exists(reader, CorpusFields.SpladeVector))
        {
            foreach (var (doc, vector) in ForwardVectors.Read(reader, CorpusFields.SpladeVector))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stored = reader.Document(doc);
                yield return EngineDocument.FromVector(Id(stored, doc), vector, vocabulary, indexing: null, StoredFields(stored));
            }

            yield break;
        }

        foreach (var (doc, vector) in IndexedVectors.Read(reader, CorpusFields.Splade, vocabulary))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = reader.Document(doc);
            yield return EngineDocument.FromTermFrequencies(Id(stored, doc), vector, quantizer, vocabulary, StoredFields(stored));
        }
    }

    private static Dictionary<string, string> StoredFields(Document stored) => new()
    {
        [CorpusFields.Title] = stored.Get(CorpusFields.Title) ?? "",
        [CorpusFields.Text] = stored.Get(CorpusFields.Text) ?? "",
    };

    private static (int Written, string MappingFile) WriteBulkFile(IEnumerable<EngineDocument> documents, EngineIndexLayout layout, Settings settings, string output)
    {
        var written = 0;
        using (var file = File.Create(output))
        {
            BulkRequestBody.Write(file, documents.Select(d => { written++; return d; }), layout);
        }

        var mappingFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFileNameWithoutExtension(output) + ".mapping.json");
        var fieldType = settings.Format == "elasticsearch" ? SpladeElasticsearchIndex.FieldType : SpladeOpenSearchIndex.FieldType;
        File.WriteAllText(mappingFile, layout.CreateIndexBody(fieldType) + "\n");
        return (written, mappingFile);
    }

    private async Task<int> SendAsync(IEnumerable<EngineDocument> documents, EngineIndexLayout layout, Vocabulary vocabulary, Settings settings, CancellationToken cancellationToken)
    {
        var url = new Uri(settings.Url!);
        using var http = settings.Format == "opensearch" ? new HttpClient { BaseAddress = url } : null;
        SearchEngineIndex index = http is null
            ? new SpladeElasticsearchIndex(new ElasticsearchClient(url), layout, vocabulary)
            : new SpladeOpenSearchIndex(http, layout, vocabulary);

        var created = await index.CreateIndexAsync(cancellationToken);
        console.MarkupLineInterpolated($"{(created ? "Created" : "Adding to the existing")} index {settings.IndexName} at {url} ({settings.Format}).");
        var result = await index.IndexAsync(documents, new BulkIndexingOptions { BatchSize = settings.BulkSize, StartOffset = settings.StartOffset }, cancellationToken);
        if (result.Indexed > 0 && !cancellationToken.IsCancellationRequested)
        {
            await index.RefreshAsync(cancellationToken);
        }

        console.MarkupLineInterpolated(
            $"Sent {result.NextOffset - result.StartOffset} documents (from document {result.StartOffset}) to {url}: {result.Indexed} indexed, {result.Failures.Count} failed, {result.Requests} bulk requests ({result.Retries} retries after HTTP 429).");
        foreach (var failure in result.Failures.Take(FailuresShown))
        {
            console.Warn($"{failure.Id} (document {failure.Offset}) did not land: HTTP {failure.Status} {failure.ErrorType}: {failure.Reason}");
        }

        if (result.Failures.Count > FailuresShown)
        {
            console.Warn($"... and {result.Failures.Count - FailuresShown} more documents that did not land.");
        }

        if (!result.Completed)
        {
            console.Warn($"stopped ({result.StopReason}: {result.StopDetail}); run again with --start-offset {result.NextOffset} to continue.");
        }

        return result.StopReason == BulkStopReason.Cancelled ? ExitCodes.Interrupted : result.AllIndexed ? ExitCodes.Ok : ExitCodes.SkippedInput;
    }

    private static string Id(Lucene.Net.Documents.Document stored, int doc) =>
        stored.Get(CorpusFields.Id) ?? doc.ToString(CultureInfo.InvariantCulture);
}
