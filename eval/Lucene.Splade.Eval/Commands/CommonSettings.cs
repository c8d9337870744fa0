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
    [Description("Truncate texts to N word pieces ([[CLS]]/[[SEP]] included). Default: the model's max_length.")]
    public int? MaxLength { get; init; }

    [CommandOption("--windows <N>")]
    [Description("Long documents: split a document longer than the model's window into up to N overlapping windows, encode each and keep each term's largest weight. 1 truncates (the default).")]
    [DefaultValue(1)]
    public int Windows { get; init; } = 1;

    [CommandOption("--window-stride <PIECES>")]
    [Description("Word pieces between the starts of two windows. Default: half a window.")]
    public int? WindowStride { get; init; }

    [CommandOption("--query-encoder <ENCODER>")]
    [Description("How queries are encoded: model (by the SPLADE model, like the documents) or inference-free (the model folder's query_weights.safetensors: the weight of each distinct word piece, no model run). Documents are always encoded by the model.")]
    [DefaultValue(QueryEncoderNames.Model)]
    public string QueryEncoder { get; init; } = QueryEncoderNames.Model;

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

        if (MaxLength is < 2)
        {
            return ValidationResult.Error("--max-length must be at least 2.");
        }

        if (Windows < 1 || WindowStride is < 1)
        {
            return ValidationResult.Error("--windows and --window-stride must be at least 1.");
        }

        try
        {
            _ = QueryEncoderNames.Parse(QueryEncoder);
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error($"--query-encoder: {e.Message}");
        }

        return ValidationResult.Success();
    }

    public QueryEncoderKind QueryEncoderKind => QueryEncoderNames.Parse(QueryEncoder);

    /// <summary>The model, not yet loaded; one ONNX thread per call, since batches run in parallel.</summary>
    public ModelSource ResolveModel() =>
        ModelSource.Resolve(Model, new SpladeEncoderOptions { IntraOpThreads = 1, MaxLength = MaxLength, DocumentWindows = DocumentWindows }, QueryEncoderKind);

    /// <summary>The long-document setting: null truncates.</summary>
    public DocumentWindows? DocumentWindows => Windows > 1 ? new DocumentWindows { MaxWindows = Windows, Stride = WindowStride } : null;

    public VectorCache OpenCache() => new(Cache ?? VectorCache.DefaultFolder());

    public string DatasetName => new DirectoryInfo(Path.GetFullPath(Dataset)).Name;
}
