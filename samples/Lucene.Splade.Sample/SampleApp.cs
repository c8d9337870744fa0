using Lucene.Net.Store;
using Lucene.Splade.Sample.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample;

/// <summary>The console's commands, wired to a console of the caller's choice (tests pass one that records).</summary>
internal static class SampleApp
{
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp<DemoCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("splade-sample");
            config.Settings.Console = console;
            config.Settings.Registrar.RegisterInstance<IAnsiConsole>(console);
            config.SetExceptionHandler((e, _) =>
            {
                // One clear line and a non-zero exit code, never a stack trace.
                console.MarkupLineInterpolated($"[red]error:[/] {Describe(e)}");
                return ExitCodes.Error;
            });
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Index the bundled sample corpus and compare SPLADE with BM25 on demo queries (the default).");
            config.AddCommand<IndexCommand>("index")
                .WithDescription("Index a folder of .txt/.md files or a JSON Lines corpus (BEIR corpus.jsonl) with BM25 and SPLADE fields.")
                .WithExample("index", "corpus.jsonl", "--index", "my-index");
            config.AddCommand<SearchCommand>("search")
                .WithDescription("Search an index with BM25 and SPLADE fused (hybrid), either one, or both side by side. Without a query, read queries one per line until the end of the input: the model (about 2 s to load) is loaded once.")
                .WithExample("search", "\"how do vaccines work\"")
                .WithExample("search", "\"how do vaccines work\"", "--engine", "both")
                .WithExample("search", "--index", "my-index", "<", "queries.txt");
            config.AddCommand<ExplainCommand>("explain")
                .WithDescription("Show the terms behind a document's SPLADE score for a query, and its place in the BM25, SPLADE and hybrid rankings.")
                .WithExample("explain", "\"how do vaccines work\"", "doc-42");
            config.AddCommand<EncodeCommand>("encode")
                .WithDescription("Print the sparse vector of a text, as a document or as a query.")
                .WithExample("encode", "--query", "\"cheap flights to rome\"");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write an index's documents and SPLADE vectors, without the model: as an Anserini JsonVectorCollection (JSON Lines), or as Elasticsearch or OpenSearch bulk bodies (NDJSON), to a file and/or straight to a cluster.")
                .WithExample("export", "--index", "my-index", "-o", "vectors.jsonl")
                .WithExample("export", "--index", "my-index", "--format", "elasticsearch", "--url", "http://localhost:9200", "--index-name", "my-index");
            config.AddCommand<ImportCommand>("import")
                .WithDescription("Index an Anserini JsonVectorCollection (vectors encoded elsewhere, integer weights) without running the model; search it as any other index.")
                .WithExample("import", "vectors.jsonl", "--index", "my-index", "--scale", "100");
            config.AddCommand<StatsCommand>("stats")
                .WithDescription("Documents, size on disk and per field, sparsity, expected FLOPS and the model of an index.");
        });
        return app.Run(args, cancellationToken);
    }

    /// <summary>The message of an error, in words a user can act on.</summary>
    public static string Describe(Exception e) => e switch
    {
        SampleException => e.Message,
        LockObtainFailedException => $"the index is locked by another process (LockObtainFailedException: {e.Message})",
        CommandAppException => e.Message,
        DirectoryNotFoundException or FileNotFoundException => $"not found: {e.Message}",
        InvalidDataException => e.Message,
        Engines.EngineRequestException => $"the cluster refused: {e.Message}",
        HttpRequestException => $"no answer from the cluster: {e.Message}",
        UnauthorizedAccessException => $"access denied: {e.Message}",
        IOException => $"I/O error: {e.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
