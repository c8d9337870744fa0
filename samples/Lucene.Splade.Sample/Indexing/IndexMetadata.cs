using System.Globalization;
using Lucene.Splade.Analysis;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Indexing;

/// <summary>
/// What an index was built with, kept in the commit user data so that search, explain and stats use the same model
/// and settings, and so that a resumed run can refuse settings that would mix two encodings in one field.
/// </summary>
internal sealed record IndexMetadata(
    string Model,
    string ModelDescription,
    int MaxLength,
    int VocabularySize,
    float Scale,
    int MaxFrequency,
    PruningOptions DocumentPruning,
    int Windows = 1,
    int? WindowStride = null)
{
    private const string Prefix = "splade.";

    public SpladeIndexingOptions IndexingOptions => new()
    {
        Pruning = DocumentPruning,
        Quantizer = new TermFrequencyQuantizer(Scale, MaxFrequency),
    };

    public Dictionary<string, string> ToUserData() => new()
    {
        [Prefix + "model"] = Model,
        [Prefix + "description"] = ModelDescription,
        [Prefix + "maxLength"] = Invariant(MaxLength),
        [Prefix + "vocabularySize"] = Invariant(VocabularySize),
        [Prefix + "scale"] = Invariant(Scale),
        [Prefix + "maxFrequency"] = Invariant(MaxFrequency),
        [Prefix + "docTopK"] = Invariant(DocumentPruning.TopK),
        [Prefix + "docMinWeight"] = Invariant(DocumentPruning.MinWeight),
        [Prefix + "docMassFraction"] = Invariant(DocumentPruning.MassFraction),
        [Prefix + "docMinRatioToMax"] = Invariant(DocumentPruning.MinRatioToMax),
        [Prefix + "windows"] = Invariant(Windows),
        [Prefix + "windowStride"] = Invariant(WindowStride),
    };

    /// <summary>Reads the metadata of a commit; null when the index was not written by this console.</summary>
    public static IndexMetadata? FromUserData(IDictionary<string, string> data)
    {
        if (!data.TryGetValue(Prefix + "model", out var model))
        {
            return null;
        }

        string? Get(string key) => data.TryGetValue(Prefix + key, out var v) && v.Length > 0 ? v : null;
        return new IndexMetadata(
            model,
            Get("description") ?? model,
            int.Parse(Get("maxLength") ?? "0", CultureInfo.InvariantCulture),
            int.Parse(Get("vocabularySize") ?? "0", CultureInfo.InvariantCulture),
            float.Parse(Get("scale") ?? "100", CultureInfo.InvariantCulture),
            int.Parse(Get("maxFrequency") ?? TermFrequencyQuantizer.DefaultMaxFrequency.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            new PruningOptions
            {
                TopK = Get("docTopK") is { } k ? int.Parse(k, CultureInfo.InvariantCulture) : null,
                MinWeight = Get("docMinWeight") is { } w ? float.Parse(w, CultureInfo.InvariantCulture) : null,
                MassFraction = Get("docMassFraction") is { } m ? double.Parse(m, CultureInfo.InvariantCulture) : null,
                MinRatioToMax = Get("docMinRatioToMax") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : null,
            },
            int.Parse(Get("windows") ?? "1", CultureInfo.InvariantCulture),
            Get("windowStride") is { } stride ? int.Parse(stride, CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The settings in one line, for stats and for mismatch errors.</summary>
    public string Describe() =>
        $"model {Model} ({ModelDescription}), max length {MaxLength}, {DescribeWindows()}, scale {Invariant(Scale)}, document pruning {DescribePruning(DocumentPruning)}";

    /// <summary>How long documents were encoded.</summary>
    public string DescribeWindows() =>
        Windows <= 1 ? "long documents truncated" : $"long documents in up to {Windows} windows (stride {(WindowStride is { } s ? Invariant(s) : "half a window")})";

    /// <summary>The settings that differ from <paramref name="other"/>, as "name: this vs other" pairs.</summary>
    public IEnumerable<string> Differences(IndexMetadata other)
    {
        if (Model != other.Model || ModelDescription != other.ModelDescription || VocabularySize != other.VocabularySize)
        {
            yield return $"model {Model} vs {other.Model}" + (Model == other.Model ? " (another version)" : "");
        }

        if (MaxLength != other.MaxLength)
        {
            yield return $"max length {MaxLength} vs {other.MaxLength}";
        }

        if (Windows != other.Windows || WindowStride != other.WindowStride)
        {
            yield return $"{DescribeWindows()} vs {other.DescribeWindows()}";
        }

        if (Scale != other.Scale || MaxFrequency != other.MaxFrequency)
        {
            yield return $"scale {Invariant(Scale)} vs {Invariant(other.Scale)}";
        }

        if (DocumentPruning != other.DocumentPruning)
        {
            yield return $"document pruning {DescribePruning(DocumentPruning)} vs {DescribePruning(other.DocumentPruning)}";
        }
    }

    public static string DescribePruning(PruningOptions p) =>
        p.IsNone ? "none" : string.Join(", ", new[]
        {
            p.TopK is { } k ? $"top-k {k}" : null,
            p.MinWeight is { } w ? $"min weight {Invariant(w)}" : null,
            p.MassFraction is { } m ? $"mass {Invariant(m)}" : null,
            p.MinRatioToMax is { } r ? $"min ratio {Invariant(r)}" : null,
        }.OfType<string>());

    private static string Invariant(IFormattable? value) => value?.ToString(null, CultureInfo.InvariantCulture) ?? "";
}
