namespace Lucene.Splade.Sample.Models;

/// <summary>Which model to load and how to run it.</summary>
/// <param name="ModelFolder">A SPLADE model folder; null for the embedded default model.</param>
/// <param name="MaxLength">Longest input in word pieces; null for the model's own limit.</param>
/// <param name="BatchSize">Texts per model call.</param>
internal sealed record EncoderSettings(string? ModelFolder, int? MaxLength = null, int BatchSize = 8)
{
    /// <summary>The name recorded in an index for the embedded model (its folder lives in a per-user cache).</summary>
    public const string EmbeddedModelName = "embedded";
}
