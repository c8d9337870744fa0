using System.ComponentModel;
using Lucene.Splade.Corpora;
using Lucene.Splade.Sample.Models;
using Lucene.Splade.Vectors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Sample.Commands;

/// <summary>Options of every command that loads a model.</summary>
internal class ModelSettings : CommandSettings
{
    [CommandOption("-m|--model <FOLDER>")]
    [Description("A SPLADE model folder (model.onnx + vocab.txt, optional splade_config.json), or embedded-trained for the embedded model with the shipped trained head. Default: the embedded model, or the model the index was built with.")]
    public string? Model { get; init; }

    [CommandOption("--max-length <PIECES>")]
    [Description("Longest input in word pieces ([[CLS]] and [[SEP]] included); longer texts are truncated. Default: the model's limit.")]
    public int? MaxLength { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Texts per model call.")]
    [DefaultValue(8)]
    public int BatchSize { get; init; } = 8;

    public EncoderSettings Encoder(string? modelFromIndex = null) => new(Model ?? modelFromIndex, MaxLength, BatchSize);

    public override ValidationResult Validate() =>
        MaxLength is < 2 ? ValidationResult.Error("--max-length must be at least 2.")
        : BatchSize < 1 ? ValidationResult.Error("--batch-size must be at least 1.")
        : ValidationResult.Success();
}

/// <summary>Options of the commands that read an index and encode queries (search, explain, stats).</summary>
internal class QuerySettings : ModelSettings
{
    [CommandOption("-i|--index <FOLDER>")]
    [Description("The index folder.")]
    [DefaultValue("splade-index")]
    public string Index { get; init; } = "splade-index";

    [CommandOption("--query-top-k <N>")]
    [Description("Keep only the N heaviest query terms.")]
    public int? QueryTopK { get; init; }

    [CommandOption("--query-min-weight <W>")]
    [Description("Drop query terms lighter than W.")]
    public float? QueryMinWeight { get; init; }

    public PruningOptions QueryPruning => new() { TopK = QueryTopK, MinWeight = QueryMinWeight };

    public override ValidationResult Validate() => Checks.Pruning(() => QueryPruning, base.Validate(), "query");
}

/// <summary>Options that decide how documents become index terms (index, encode --document).</summary>
internal class DocumentSettings : ModelSettings
{
    [CommandOption("--doc-top-k <N>")]
    [Description("Keep only the N heaviest terms of each document.")]
    public int? DocTopK { get; init; }

    [CommandOption("--doc-min-weight <W>")]
    [Description("Drop document terms lighter than W.")]
    public float? DocMinWeight { get; init; }

    [CommandOption("--doc-mass <FRACTION>")]
    [Description("Keep the heaviest document terms holding this fraction of the total weight, in (0, 1]].")]
    public double? DocMass { get; init; }

    [CommandOption("--doc-min-ratio <FRACTION>")]
    [Description("Drop document terms lighter than this fraction of the document's heaviest term, in [[0, 1]].")]
    public double? DocMinRatio { get; init; }

    [CommandOption("--scale <S>")]
    [Description("Quantization: term frequency = round(weight x S).")]
    [DefaultValue(TermFrequencyQuantizer.DefaultScale)]
    public float Scale { get; init; } = TermFrequencyQuantizer.DefaultScale;

    [CommandOption("--windows <N>")]
    [Description("Long documents: split a document longer than the model's window into up to N overlapping windows, encode each and keep each term's largest weight. 1 truncates.")]
    [DefaultValue(1)]
    public int Windows { get; init; } = 1;

    [CommandOption("--window-stride <PIECES>")]
    [Description("Word pieces between the starts of two windows. Default: half a window.")]
    public int? WindowStride { get; init; }

    /// <summary>The encoder settings with this command's long-document setting.</summary>
    public EncoderSettings DocumentEncoder(string? modelFromIndex = null) => Encoder(modelFromIndex) with { Windows = Windows, WindowStride = WindowStride };

    public PruningOptions DocumentPruning => new() { TopK = DocTopK, MinWeight = DocMinWeight, MassFraction = DocMass, MinRatioToMax = DocMinRatio };

    public override ValidationResult Validate() =>
        !(Scale > 0 && float.IsFinite(Scale)) ? ValidationResult.Error("--scale must be a positive number.")
        : Windows < 1 ? ValidationResult.Error("--windows must be at least 1.")
        : WindowStride is < 1 ? ValidationResult.Error("--window-stride must be at least 1.")
        : Checks.Pruning(() => DocumentPruning, base.Validate(), "doc");
}

internal static class Checks
{
    /// <summary>
    /// The library's range checks (made when the options are created) as a validation result that names the
    /// command-line option, e.g. "--doc-top-k must be at least 1".
    /// </summary>
    /// <param name="pruning">Creates the options from the command line's values.</param>
    /// <param name="previous">The result of the checks before this one; returned when it failed.</param>
    /// <param name="side">"doc" or "query": the prefix of the options' names.</param>
    public static ValidationResult Pruning(Func<PruningOptions> pruning, ValidationResult previous, string side)
    {
        if (!previous.Successful)
        {
            return previous;
        }

        return PruningOptionNames.TryCreate(pruning, side, out var error) ? ValidationResult.Success() : ValidationResult.Error(error!);
    }
}
