namespace Lucene.Splade.Modeling;

/// <summary>
/// The files of a SPLADE model in Hugging Face layout: an ONNX graph, the tokenizer's <c>vocab.txt</c>, an
/// optional <see cref="SpladeModelConfig"/> and optional inference-free query weights
/// (<see cref="QueryWeightsFileName"/>, read by <see cref="Encoders.InferenceFreeQueryEncoder"/>).
/// </summary>
/// <param name="Folder">The model folder.</param>
/// <param name="ModelPath">The ONNX file: <c>model.onnx</c>, else <c>onnx/model.onnx</c>, else the folder's only <c>*.onnx</c>.</param>
/// <param name="VocabularyPath">The <c>vocab.txt</c> file.</param>
/// <param name="ConfigPath">The <c>splade_config.json</c> file, or null when the folder has none.</param>
public sealed record SpladeModelFolder(string Folder, string ModelPath, string VocabularyPath, string? ConfigPath)
{
    /// <summary>The file of inference-free query weights looked for in a model folder.</summary>
    public const string QueryWeightsFileName = "query_weights.safetensors";

    private const string VocabularyFileName = "vocab.txt";

    /// <summary>
    /// The inference-free query weights (<see cref="QueryWeightsFileName"/>), or null when the folder has none (the
    /// model was not trained with them). Set by <see cref="Resolve"/>.
    /// </summary>
    public string? QueryWeightsPath { get; init; }

    /// <summary>Finds the files of a model folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The ONNX file or <c>vocab.txt</c> is missing (the message says what was looked for).</exception>
    public static SpladeModelFolder Resolve(string folder)
    {
        var full = RequireFolder(folder);
        var model = FindModel(full);
        var vocab = RequireVocabulary(full);
        var queryWeights = Path.Combine(full, QueryWeightsFileName);
        return new SpladeModelFolder(full, model, vocab, FindConfig(full))
        {
            QueryWeightsPath = File.Exists(queryWeights) ? queryWeights : null,
        };
    }

    /// <summary>Reads the config, or the defaults when the folder has none.</summary>
    public SpladeModelConfig LoadConfig() => ReadConfig(ConfigPath);

    /// <summary>The config of a full folder path (one that needs no ONNX file), or the defaults when it has none.</summary>
    internal static SpladeModelConfig LoadConfigOf(string folder) => ReadConfig(FindConfig(folder));

    /// <summary>The full path of an existing model folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    internal static string RequireFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"SPLADE model folder not found: '{full}'.");
        }

        return full;
    }

    /// <summary>The <c>vocab.txt</c> of a full folder path.</summary>
    /// <exception cref="FileNotFoundException">The folder has none.</exception>
    internal static string RequireVocabulary(string folder)
    {
        var vocab = Path.Combine(folder, VocabularyFileName);
        if (!File.Exists(vocab))
        {
            throw new FileNotFoundException(
                $"SPLADE model folder '{folder}' has no vocab.txt (the WordPiece vocabulary of the model's tokenizer; only vocab.txt is supported, not tokenizer.json alone).", vocab);
        }

        return vocab;
    }

    private static string? FindConfig(string folder)
    {
        var config = Path.Combine(folder, SpladeModelConfig.FileName);
        return File.Exists(config) ? config : null;
    }

    private static SpladeModelConfig ReadConfig(string? path) => path is null ? new SpladeModelConfig() : SpladeModelConfig.Load(path);

    private static string FindModel(string folder)
    {
        foreach (var candidate in new[] { Path.Combine(folder, "model.onnx"), Path.Combine(folder, "onnx", "model.onnx") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var onnx = Directory.GetFiles(folder, "*.onnx");
        return onnx.Length switch
        {
            1 => onnx[0],
            0 => throw new FileNotFoundException(
                $"SPLADE model folder '{folder}' has no ONNX model (looked for model.onnx, onnx/model.onnx and *.onnx).", Path.Combine(folder, "model.onnx")),
            _ => throw new FileNotFoundException(
                $"SPLADE model folder '{folder}' has several ONNX files ({string.Join(", ", onnx.Select(Path.GetFileName))}) and no model.onnx; rename the one to use to model.onnx.",
                Path.Combine(folder, "model.onnx")),
        };
    }
}
