using Lucene.Splade.Embedded;

namespace Lucene.Splade.Sample.Models;

/// <summary>Which model to load and how to run it.</summary>
/// <param name="ModelFolder">A SPLADE model folder; null for the embedded default model.</param>
/// <param name="MaxLength">Longest input in word pieces; null for the model's own limit.</param>
/// <param name="BatchSize">Texts per model call.</param>
internal sealed record EncoderSettings(string? ModelFolder, int? MaxLength = null, int BatchSize = 8)
{
    /// <summary>The name recorded in an index for the embedded model (its folder lives in a per-user cache).</summary>
    public const string EmbeddedModelName = "embedded";

    /// <summary>The name (for <c>--model</c> and in an index) of the embedded model with the shipped trained head.</summary>
    public const string EmbeddedTrainedModelName = "embedded-trained";

    /// <summary>The cached folder of the embedded model named by <see cref="ModelFolder"/>, or null when it names a folder.</summary>
    public string? EmbeddedFolder() => ModelFolder switch
    {
        null or EmbeddedModelName => EmbeddedSpladeModel.EnsureFolder(),
        EmbeddedTrainedModelName => EmbeddedSpladeModel.EnsureFolder(new EmbeddedModelOptions { Head = EmbeddedHead.Trained }),
        _ => null,
    };
}
