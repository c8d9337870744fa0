using System.ComponentModel;
using Lucene.Splade.Corpora;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Sample.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>
/// <c>index</c>: encodes a folder of text files or a JSON Lines corpus and writes a BM25 + SPLADE index. Ctrl+C stops
/// after the batches in flight and commits; running again continues where it stopped (or starts over with --rebuild).
/// </summary>
internal sealed class IndexCommand(IAnsiConsole console) : Command<IndexCommand.Settings>
{
    private const int ProblemsShown = 20;

    public sealed class Settings : DocumentSettings
    {
        [CommandArgument(0, "<INPUT>")]
        [Description("A folder of .txt/.md files, one such file, or a JSON Lines file (BEIR corpus.jsonl included).")]
        public string Input { get; init; } = "";

        [CommandOption("-i|--index <FOLDER>")]
        [Description("The index folder (created when missing).")]
        [DefaultValue("splade-index")]
        public string Index { get; init; } = "splade-index";

        [CommandOption("--rebuild")]
        [Description("Start from an empty index instead of continuing (continuing skips ids already indexed).")]
        public bool Rebuild { get; init; }

        [CommandOption("-t|--threads <N>")]
        [Description("Model calls at once. Default: the number of cores.")]
        public int? Threads { get; init; }

        [CommandOption("--commit-every <DOCS>")]
        [Description("Commit after about this many new documents.")]
        [DefaultValue(2000)]
        public int CommitEvery { get; init; } = 2000;

        [CommandOption("--forward-vectors")]
        [Description("Also store each document's float vector (a forward index, about 5 bytes per term): export then sends the model's weights to Elasticsearch/OpenSearch instead of tf / scale.")]
        public bool ForwardVectors { get; init; }

        public override ValidationResult Validate() =>
            Threads is < 1 ? ValidationResult.Error("--threads must be at least 1.")
            : CommitEvery < 1 ? ValidationResult.Error("--commit-every must be at least 1.")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DocumentReader reader;
        int candidates;
        try
        {
            reader = new DocumentReader(settings.Input);
            candidates = reader.CountCandidates();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new SampleException(e.Message, e);
        }

        var encoderSettings = settings.DocumentEncoder();
        using var encoder = console.LoadModel(encoderSettings);
        var metadata = new IndexMetadata(ModelLoader.ModelName(encoderSettings), encoder.Config.Description ?? encoder.Files.Folder,
            encoder.MaxLength, encoder.Vocabulary.Count, settings.Scale, Vectors.TermFrequencyQuantizer.DefaultMaxFrequency, settings.DocumentPruning,
            settings.Windows, settings.WindowStride);
        var options = new IndexBuildOptions(Path.GetFullPath(settings.Index), settings.Rebuild,
            settings.Threads ?? Environment.ProcessorCount, settings.BatchSize, settings.CommitEvery, settings.ForwardVectors);
        var builder = new IndexBuilder(encoder, metadata, options);

        console.MarkupLineInterpolated($"Indexing [bold]{settings.Input}[/] ({candidates} candidate documents) into [bold]{options.IndexPath}[/] with {options.Threads} threads, batches of {options.BatchSize}.");
        var result = console.Profile.Capabilities.Interactive
            ? console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DocumentsPerSecondColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(progress =>
                {
                    var task = progress.AddTask("Indexing", maxValue: Math.Max(1, candidates));
                    var report = new SyncProgress<IndexProgress>(p => task.Value = p.Added + p.SkippedExisting + p.Duplicates);
                    var built = builder.Build(reader.Read(), report, cancellationToken);
                    if (!built.Interrupted)
                    {
                        task.Value = task.MaxValue;
                    }

                    return built;
                })
            : builder.Build(reader.Read(), new SyncProgress<IndexProgress>(new PlainProgress(console, candidates).Report), cancellationToken);

        foreach (var problem in reader.Problems.Take(ProblemsShown))
        {
            console.Warn($"skipped {problem}");
        }

        if (reader.Problems.Count > ProblemsShown)
        {
            console.Warn($"... and {reader.Problems.Count - ProblemsShown} more skipped inputs.");
        }

        Summarize(result, options.IndexPath, reader.Problems.Count);
        return result.Interrupted ? ExitCodes.Interrupted : reader.Problems.Count > 0 ? ExitCodes.SkippedInput : ExitCodes.Ok;
    }

    private void Summarize(IndexBuildResult result, string indexPath, int problems)
    {
        var skipped = result.SkippedExisting > 0 ? $", skipped {result.SkippedExisting} already indexed" : "";
        var duplicates = result.Duplicates > 0 ? $", ignored {result.Duplicates} repeated ids" : "";
        var bad = problems > 0 ? $", skipped {problems} unreadable inputs" : "";
        if (result.Interrupted)
        {
            console.MarkupLineInterpolated(
                $"[yellow]Interrupted.[/] Committed {result.Added} new documents{skipped}; the index at {indexPath} holds [bold]{result.DocumentsInIndex}[/] documents and is usable. Run the same command again to continue, or add --rebuild to start over.");
            return;
        }

        console.MarkupLineInterpolated(
            $"[green]Done.[/] Added {result.Added} documents in {result.Elapsed.TotalSeconds:F1} s ({result.DocumentsPerSecond:F1} docs/s){skipped}{duplicates}{bad}; the index at {indexPath} holds [bold]{result.DocumentsInIndex}[/] documents.");
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        console.MarkupLineInterpolated($"[grey]Peak working set of this process: {process.PeakWorkingSet64 / 1048576.0:F0} MiB.[/]");
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();

        public void Report(T value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }

    /// <summary>
    /// Progress as plain lines, every tenth of the input, for output that is piped or redirected (where a live bar
    /// would leave a frozen partial frame).
    /// </summary>
    private sealed class PlainProgress(IAnsiConsole console, int candidates)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private int _nextTenth = 1;

        public void Report(IndexProgress p)
        {
            var done = p.Added + p.SkippedExisting + p.Duplicates;
            if (candidates <= 0 || done * 10 < _nextTenth * candidates)
            {
                return;
            }

            _nextTenth = (int)(done * 10L / candidates) + 1;
            console.MarkupLineInterpolated($"Indexing: {Math.Min(100, done * 100 / candidates)}% ({done} of {candidates}), {p.Added / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9):F1} docs/s");
        }
    }
}
