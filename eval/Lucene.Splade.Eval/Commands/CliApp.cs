using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>The <c>splade-eval</c> command line: its commands and error handling.</summary>
internal static class CliApp
{
    /// <param name="console">Where help pages and errors go; the process's console when null (tests pass a recorder).</param>
    public static CommandApp Create(IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("splade-eval");
            if (console is not null)
            {
                config.Settings.Console = console;
            }

            config.AddCommand<EncodeCommand>("encode")
                .WithDescription("Encode a BEIR collection's corpus and queries into the vector cache.")
                .WithExample("encode", "../shared/datasets/scifact");
            config.AddCommand<RunCommand>("run")
                .WithDescription("Evaluate BM25, SPLADE and hybrids on a BEIR collection: Markdown + JSON report, TREC run files.")
                .WithExample("run", "../shared/datasets/scifact")
                .WithExample("run", "../shared/datasets/nfcorpus", "--doc-top-k", "128", "--query-top-k", "32");
            config.AddCommand<SweepCommand>("sweep")
                .WithDescription("Run SPLADE over a list of values of one setting: table, JSON and a PNG plot of effectiveness vs latency or index size.")
                .WithExample("sweep", "../shared/datasets/scifact", "--param", "query-top-k", "--values", "4,8,16,32,all");
            config.AddCommand<SparsityCommand>("sparsity")
                .WithDescription("Average nonzero terms per document and query of a BEIR collection, and encoding throughput.")
                .WithExample("sparsity", "../shared/datasets/scifact");
            config.AddCommand<LooCommand>("loo")
                .WithDescription("Choose the hybrid's fusion by leave-one-collection-out: BM25 and SPLADE on each collection, every fusion measured, each chosen without the collection it is reported on.")
                .WithExample("loo", "../shared/datasets", "--collections", "scifact,nfcorpus,cranfield,medline,adi");
            config.AddCommand<NrtCommand>("nrt")
                .WithDescription("Reopen time of a near-real-time searcher while indexing, with the analyzer and with the indexing queue.")
                .WithExample("nrt", "../shared/datasets/scifact", "--limit", "400");
            config.AddCommand<ScaleFitCommand>("scale-fit")
                .WithDescription("Fit the scale benchmark's corpus generator to a collection's document and query vectors (JSON statistics).")
                .WithExample("scale-fit", "../shared/datasets/scifact", "-o", "eval/scale/scifact-default.json");
            config.AddCommand<ScaleCommand>("scale")
                .WithDescription("Query latency (BM25, exhaustive SPLADE, MaxScore, pruned queries) and indexing speed on synthetic corpora of growing size: table, JSON, plot.")
                .WithExample("scale", "--stats", "eval/scale/scifact-default.json", "--sizes", "100000,1000000");
            config.SetExceptionHandler((e, _) =>
            {
                (console ?? AnsiConsole.Console).MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                if (Environment.GetEnvironmentVariable("SPLADE_EVAL_TRACE") == "1")
                {
                    Console.Error.WriteLine(e);
                }

                return 1;
            });
        });
        return app;
    }
}
