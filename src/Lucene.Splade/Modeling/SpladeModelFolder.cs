using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Modeling;

/// <summary>
/// The files of a SPLADE model in Hugging Face layout: an ONNX graph, the tokenizer (<c>tokenizer.json</c> or
/// <c>vocab.txt</c>), an optional <see cref="SpladeModelConfig"/> and optional inference-free query weights
/// (<see cref="QueryWeightsFileName"/>, read by <see cref="Encoders.InferenceFreeQueryEncoder"/>).
/// </summary>
/// <param name="Folder">The model folder.</param>
/// <param name="ModelPath">The ONNX file: <c>model.onnx</c>, else <c>onnx/model.onnx</c>, else the folder's only <c>*.onnx</c>.</param>
/// <param name="TokenizerPath">
/// The tokenizer file: <c>tokenizer.json</c> when the folder has one (it carries the normalization settings too), else
/// <c>vocab.txt</c>.
/// </param>
/// <param name="ConfigPath">The <c>splade_config.json</c> file, or null when the folder has none.</param>
public sealed record SpladeModelFolder(string Folder, string ModelPath, string TokenizerPath, string? ConfigPath)
{
    /// <summary>The file of inference-free query weights looked for in a model folder.</summary>
    public const string QueryWeightsFileName = "query_weights.safetensors";

    /// <summary>The WordPiece vocabulary file looked for in a model folder.</summary>
    public const string VocabularyFileName = "vocab.txt";

    /// <summary>The Hugging Face tokenizer file looked for in a model folder.</summary>
    public const string TokenizerJsonFileName = "tokenizer.json";

    /// <summary>
    /// The inference-free query weights (<see cref="QueryWeightsFileName"/>), or null when the folder has none (the
    /// model was not trained with them). Set by <see cref="Resolve"/>.
    /// </summary>
    public string? QueryWeightsPath { get; init; }

    /// <summary>
    /// Finds the files of a model folder. A folder with a <see cref="ModelFolderManifest"/> must hold each file it lists
    /// at its listed size.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The ONNX file or the tokenizer is missing (the message says what was looked for).</exception>
    /// <exception cref="InvalidDataException">The folder's manifest is invalid, or a file it lists is missing or has another size.</exception>
    public static SpladeModelFolder Resolve(string folder)
    {
        var full = RequireFolder(folder);
        if (ModelFolderManifest.TryLoad(full)?.FindDamage(full, checkHashes: false) is { } damage)
        {
            throw ModelFolderManifest.DamagedFolder(full, damage);
        }

        var model = FindModel(full);
        var tokenizer = RequireTokenizer(full);
        var queryWeights = Path.Combine(full, QueryWeightsFileName);
        return new SpladeModelFolder(full, model, tokenizer, FindConfig(full))
        {
            QueryWeightsPath = File.Exists(queryWeights) ? queryWeights : null,
        };
    }

    /// <summary>Reads the config, or the defaults when the folder has none.</summary>
    /// <exception cref="InvalidDataException">The config file is invalid.</exception>
    public SpladeModelConfig LoadConfig() => ReadConfig(ConfigPath);

    /// <summary>
    /// Creates the model's tokenizer: the vocabulary and settings of <see cref="TokenizerPath"/>, with the tokenizer
    /// settings that <paramref name="config"/> sets explicitly applied on top.
    /// </summary>
    /// <exception cref="InvalidDataException">The tokenizer file is invalid, or a special token is missing from it.</exception>
    public WordPieceTokenizer LoadTokenizer(SpladeModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return LoadTokenizer(TokenizerPath, config);
    }

    /// <summary>The config of a full folder path (one that needs no ONNX file), or the defaults when it has none.</summary>
    internal static SpladeModelConfig LoadConfigOf(string folder) => ReadConfig(FindConfig(folder));

    /// <summary>The tokenizer of a tokenizer file (see <see cref="LoadTokenizer(SpladeModelConfig)"/>).</summary>
    internal static WordPieceTokenizer LoadTokenizer(string tokenizerPath, SpladeModelConfig config)
    {
        var (vocabulary, fileOptions) = Path.GetFileName(tokenizerPath) == TokenizerJsonFileName
            ? TokenizerJsonFile.Read(tokenizerPath)
            : (Vocabulary.Load(tokenizerPath), new WordPieceTokenizerOptions());
        try
        {
            return WordPieceTokenizer.Create(vocabulary, config.ApplyTo(fileOptions));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The tokenizer settings do not fit '{tokenizerPath}': {e.Message}", e);
        }
    }

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

    /// <summary>The tokenizer file of a full folder path: <c>tokenizer.json</c>, else <c>vocab.txt</c>.</summary>
    /// <exception cref="FileNotFoundException">The folder has neither.</exception>
    internal static string RequireTokenizer(string folder)
    {
        var json = Path.Combine(folder, TokenizerJsonFileName);
        if (File.Exists(json))
        {
            return json;
        }

        var vocab = Path.Combine(folder, VocabularyFileName);
        if (!File.Exists(vocab))
        {
            throw new FileNotFoundException(
                $"SPLADE model folder '{folder}' has no tokenizer: neither {TokenizerJsonFileName} nor {VocabularyFileName} (the WordPiece vocabulary of the model's tokenizer).", vocab);
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
