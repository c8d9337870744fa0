using Lucene.Splade.Encoders;

namespace Lucene.Splade.Sample.Models;

/// <summary>Loads a SPLADE encoder and turns load failures into one-line <see cref="SampleException"/>s.</summary>
internal static class ModelLoader
{
    public static SpladeEncoder Load(EncoderSettings settings)
    {
        // One ONNX thread per call: the console runs one call per core, which beats one call spread over all cores.
        var options = new SpladeEncoderOptions
        {
            IntraOpThreads = 1,
            MaxLength = settings.MaxLength,
            BatchSize = settings.BatchSize,
            DocumentWindows = settings.DocumentWindows,
        };
        var folder = settings.ModelFolder;
        try
        {
            if (settings.EmbeddedFolder() is { } embedded)
            {
                return SpladeEncoder.Load(embedded, options);
            }

            if (!Directory.Exists(folder))
            {
                throw new SampleException($"Model folder not found: {folder}");
            }

            return SpladeEncoder.Load(folder, options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            throw new SampleException($"Cannot load the model {folder ?? EncoderSettings.EmbeddedModelName}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads the inference-free query encoder of the model folder (the embedded model's folder by default): its
    /// tokenizer and query weights, without the ONNX model.
    /// </summary>
    public static InferenceFreeQueryEncoder LoadInferenceFree(EncoderSettings settings)
    {
        var folder = settings.ModelFolder;
        try
        {
            if (settings.EmbeddedFolder() is { } embedded)
            {
                return InferenceFreeQueryEncoder.Load(embedded, settings.MaxLength);
            }

            if (!Directory.Exists(folder))
            {
                throw new SampleException($"Model folder not found: {folder}");
            }

            return InferenceFreeQueryEncoder.Load(folder, settings.MaxLength);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            throw new SampleException($"Cannot load the inference-free query weights of {folder ?? EncoderSettings.EmbeddedModelName}: {e.Message}", e);
        }
    }

    /// <summary>The model folder's vocabulary alone (its tokenizer files), without loading the ONNX model.</summary>
    public static Tokenization.Vocabulary LoadVocabulary(EncoderSettings settings) => LoadDescription(settings).Vocabulary;

    /// <summary>
    /// What an index records about the model, read from the folder without loading the ONNX model: its vocabulary, its
    /// description and the max length an encoder with these settings would use.
    /// </summary>
    public static ModelDescription LoadDescription(EncoderSettings settings)
    {
        var folder = settings.EmbeddedFolder() ?? settings.ModelFolder!;
        try
        {
            var files = Modeling.SpladeModelFolder.Resolve(folder);
            var config = files.LoadConfig();
            var maxLength = Math.Min(settings.MaxLength ?? config.MaxLength, config.MaxLength);
            return new ModelDescription(files.LoadTokenizer(config).Vocabulary, config.Description ?? files.Folder, maxLength);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new SampleException($"Cannot read the vocabulary of {ModelName(settings)}: {e.Message}", e);
        }
    }

    /// <summary>The name an index records for the model: its full folder path, "embedded" or "embedded-trained".</summary>
    public static string ModelName(EncoderSettings settings) =>
        settings.ModelFolder switch
        {
            null or EncoderSettings.EmbeddedModelName => EncoderSettings.EmbeddedModelName,
            EncoderSettings.EmbeddedTrainedModelName => EncoderSettings.EmbeddedTrainedModelName,
            _ => Path.GetFullPath(settings.ModelFolder),
        };
}

/// <summary>A model as an index records it, read without loading the ONNX model.</summary>
/// <param name="Vocabulary">Its vocabulary.</param>
/// <param name="Description">Its description (or its folder).</param>
/// <param name="MaxLength">The longest input an encoder with the same settings takes.</param>
internal sealed record ModelDescription(Tokenization.Vocabulary Vocabulary, string Description, int MaxLength);
