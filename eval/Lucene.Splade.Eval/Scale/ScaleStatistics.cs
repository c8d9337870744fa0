using System.Text.Json;
using System.Text.Json.Serialization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Scale;

/// <summary>
/// What the scale benchmark's synthetic corpus is fitted to: a real collection's document vectors as the index holds
/// them (quantized term frequencies), summarised, and its real query vectors kept whole.
/// </summary>
/// <param name="Source">The collection, split and model the statistics come from (names and hashes, no paths).</param>
/// <param name="Documents">How many documents were summarised.</param>
/// <param name="TermIds">Terms that occur in at least one document, ascending.</param>
/// <param name="DocumentFrequencies">For each of <see cref="TermIds"/>, the share of documents that hold it.</param>
/// <param name="TermsPerDocument">The number of index terms of each document (a sample of at most 5,000).</param>
/// <param name="Frequencies">Term frequencies of every posting (a sample of at most 20,000), so their distribution carries over.</param>
/// <param name="Queries">The real query vectors: term ids and weights.</param>
internal sealed record ScaleStatistics(
    string Source,
    int Documents,
    int[] TermIds,
    double[] DocumentFrequencies,
    int[] TermsPerDocument,
    int[] Frequencies,
    ScaleQuery[] Queries)
{
    private const int MaxDocumentSample = 5_000;
    private const int MaxFrequencySample = 20_000;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Summarises <paramref name="documents"/> (the index's term frequencies) and keeps <paramref name="queries"/>.</summary>
    public static ScaleStatistics Fit(string source, IReadOnlyList<QuantizedVector> documents, IReadOnlyList<SparseVector> queries, int seed = 1)
    {
        if (documents.Count == 0)
        {
            throw new ArgumentException("No documents to fit.", nameof(documents));
        }

        var df = new Dictionary<int, int>();
        var frequencies = new List<int>();
        long postings = 0;
        foreach (var doc in documents)
        {
            postings += doc.Count;
            foreach (var id in doc.TermIds)
            {
                df[id] = df.GetValueOrDefault(id) + 1;
            }
        }

        // Reservoir-free sampling: every posting with the same probability, so the sample has the corpus's distribution.
        var random = new Random(seed);
        var keep = Math.Min(1.0, MaxFrequencySample / (double)postings);
        foreach (var doc in documents)
        {
            foreach (var tf in doc.Frequencies)
            {
                if (random.NextDouble() < keep)
                {
                    frequencies.Add(tf);
                }
            }
        }

        var docStep = Math.Max(1, documents.Count / MaxDocumentSample);
        var ids = df.Keys.Order().ToArray();
        return new ScaleStatistics(
            source,
            documents.Count,
            ids,
            ids.Select(id => Math.Round(df[id] / (double)documents.Count, 8)).ToArray(),
            documents.Where((_, i) => i % docStep == 0).Select(d => d.Count).ToArray(),
            [.. frequencies],
            queries.Where(q => q.Count > 0).Select(q => new ScaleQuery(q.TermIds.ToArray(), q.Weights.ToArray())).ToArray());
    }

    public static ScaleStatistics Load(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<ScaleStatistics>(stream, Json) ?? throw new InvalidDataException($"{path}: empty statistics file.");
    }

    public void Save(string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, this, Json);
    }
}

/// <summary>A real query vector.</summary>
internal sealed record ScaleQuery([property: JsonPropertyName("ids")] int[] TermIds, [property: JsonPropertyName("w")] float[] Weights)
{
    public SparseVector ToVector() => new(TermIds, Weights);
}
