using Lucene.Splade.Embedded;

namespace Lucene.Splade.Sample.Models;

/// <summary>Which model to load and how to run it.</summary>
/// <param name="ModelFolder">A SPLADE model folder; null for the embedded default model.</param>
/// <param name="MaxLength">Longest input in word pieces; null for the model's own limit.</param>
/// <param name="BatchSize">Texts per model call.</param>
/// <param name="Windows">Long documents: up to this many overlapping windows; 1 truncates.</param>
/// <param name="WindowStride">Word pieces between window starts; null for half a window.</param>
internal sealed record EncoderSettings(string? ModelFolder, int? MaxLength = null, int BatchSize = 8, int Windows = 1, int? WindowStride = null)
{
    /// <summary>The encoder's long-document setting: null truncates.</summary>
    public Encoders.DocumentWindows? DocumentWindows => Windows > 1 ? new Encoders.DocumentWindows { MaxWindows = Windows, Stride = WindowStride } : null;

    /// <summary>The name recorded in an index for the embedded model (its folder lies next to the application).</summary>
    public const string EmbeddedModelName = "embedded";

    /// <summary>The name (for <c>--model</c> and in an index) of the embedded model with the trained head.</summary>
    public const string EmbeddedTrainedModelName = "embedded-trained";

    /// <summary>
    /// The folder of the embedded model with the trained head. The Lucene.Splade.Embedded project builds it beside the
    /// default inside this repository; the package does not carry it.
    /// </summary>
    public const string TrainedFolderName = "minilm-l6-splade-trained";

    /// <summary>The folder of the embedded model named by <see cref="ModelFolder"/>, or null when it names a folder.</summary>
    /// <exception cref="SampleException">The embedded model's folder is missing.</exception>
    public string? EmbeddedFolder() => ModelFolder switch
    {
        null or EmbeddedModelName => EmbeddedSpladeModel.FolderPath,
        EmbeddedTrainedModelName => TrainedFolder(),
        _ => null,
    };

    private static string TrainedFolder()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, EmbeddedSpladeModel.ModelsDirectoryName, TrainedFolderName);
        return Directory.Exists(folder)
            ? folder
            : throw new SampleException($"The embedded model with the trained head is not next to the sample ({folder}); it is built with the sample inside the Lucene.Splade repository.");
    }
}
