using System.ComponentModel;
using Lucene.Splade.Encoders;
using Lucene.Splade.Eval.Caching;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>Settings every command that encodes a collection takes.</summary>
internal class DatasetSettings : CommandSettings
{
    [CommandArgument(0, "<DATASET>")]
    [Description("A folder in BEIR layout (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).")]
    public string Dataset { get; init; } = "";

    [CommandOption("-m|--model <FOLDER>")]
    [Description("A SPLADE model folder (ONNX + vocab.txt). Default: the embedded default model.")]
    public string? Model { get; init; }

    [CommandOption("--max-length <N>")]
    [Description("Truncate texts to N word pieces ([CLS]/[SEP] included). Default: the model's max_length.")]
    public int? MaxLength { get; init; }

    [CommandOption("--cache <FOLDER>")]
    [Description("Folder of encoded-vector caches. Default: $LUCENE_SPLADE_EVAL_CACHE, else ~/.cache/lucene-splade/eval.")]
    public string? Cache { get; init; }

    [CommandOption("--no-progress")]
    [Description("No progress bars (for logs).")]
    public bool NoProgress { get; init; }

    public override ValidationResult Validate()
    {
        if (!Directory.Exists(Dataset))
        {
            return ValidationResult.Error($"No dataset folder '{Dataset}'.");
        }

        return MaxLength is < 2 ? ValidationResult.Error("--max-length must be at least 2.") : ValidationResult.Success();
    }

    /// <summary>The model, not yet loaded; one ONNX thread per call, since batches run in parallel.</summary>
    public ModelSource ResolveModel() =>
        ModelSource.Resolve(Model, new SpladeEncoderOptions { IntraOpThreads = 1, MaxLength = MaxLength });

    public VectorCache OpenCache() => new(Cache ?? VectorCache.DefaultFolder());

    public string DatasetName => new DirectoryInfo(Path.GetFullPath(Dataset)).Name;
}
