using Lucene.Splade.Corpora;
using System.ComponentModel;
using Lucene.Splade.Vectors;
using Lucene.Splade.Eval.Caching;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Lucene.Splade.Eval.Commands;

/// <summary>Settings of <see cref="EncodeCommand"/>.</summary>
internal sealed class EncodeSettings : DatasetSettings
{
    [CommandOption("--adopt-key <KEY>")]
    [Description("Take over vectors cached under an earlier model key (e.g. before a cache-key change) once a sample of them, re-encoded now, matches.")]
    public string? AdoptKey { get; init; }

    [CommandOption("--adopt-sample <N>")]
    [Description("Documents and queries re-encoded to check vectors before adopting them.")]
    [DefaultValue(16)]
    public int AdoptSample { get; init; } = 16;
}

/// <summary>Encodes a collection's corpus and queries into the vector cache (nothing else).</summary>
internal sealed class EncodeCommand : Command<EncodeSettings>
{
    public override int Execute(CommandContext context, EncodeSettings settings, CancellationToken cancellationToken)
    {
        var corpus = BeirCollection.ReadCorpus(settings.Dataset);
        var queries = BeirCollection.ReadQueries(settings.Dataset);
        using var model = settings.ResolveModel();
        var cache = settings.OpenCache();
        if (settings.AdoptKey is { } oldKey)
        {
            Adopt(cache, texts => model.Encoder.EncodeDocuments(texts), model.CacheKey, oldKey, Path.Combine(settings.Dataset, "corpus.jsonl"), corpus.Select(d => d.Contents).ToArray(), settings.AdoptSample);
            Adopt(cache, model.EncodeQueries, model.QueryCacheKey, oldKey, Path.Combine(settings.Dataset, "queries.jsonl"), queries.Select(q => q.Text).ToArray(), settings.AdoptSample);
        }

        var encoded = EncodedCollection.Load(settings.Dataset, corpus, queries, model, cache, !settings.NoProgress);
        foreach (var (what, texts) in new[] { ("documents", encoded.Documents), ("queries", encoded.Queries) })
        {
            AnsiConsole.MarkupLineInterpolated(
                $"{texts.Ids.Count} {what}: {(texts.FromCache ? "cached" : "encoded")}, {texts.Ids.Count / Math.Max(texts.EncodeSeconds, 1e-9):F1} texts/s when encoded, avg {texts.Vectors.Average(v => v.Count):F1} nonzero terms");
        }

        AnsiConsole.MarkupLineInterpolated($"Model: {model.Description} (key {model.CacheKey}); query encoder: {model.QueryEncoderName} (key {model.QueryCacheKey}); cache: {cache.Folder}");
        return 0;
    }

    /// <summary>
    /// Copies the vectors cached for <paramref name="source"/> under <paramref name="oldKey"/> to <paramref name="key"/> when
    /// <paramref name="sample"/> texts spread over the file, encoded now by <paramref name="encode"/>, give the same terms
    /// and weights (1e-4).
    /// </summary>
    private static void Adopt(VectorCache cache, Func<IReadOnlyList<string>, IReadOnlyList<SparseVector>> encode, string key, string oldKey, string source, string[] texts, int sample)
    {
        var oldPath = cache.PathFor(source, oldKey);
        var newPath = cache.PathFor(source, key);
        if (!File.Exists(oldPath) || File.Exists(newPath))
        {
            AnsiConsole.MarkupLineInterpolated($"{Path.GetFileName(source)}: nothing to adopt ({(File.Exists(newPath) ? "already cached under the current key" : "no vectors under the old key")}).");
            return;
        }

        var old = VectorCache.Read(oldPath);
        if (old.Ids.Count != texts.Length)
        {
            throw new InvalidDataException($"{oldPath}: {old.Ids.Count} vectors for {texts.Length} texts; not adopted.");
        }

        var picks = Enumerable.Range(0, Math.Min(sample, texts.Length)).Select(i => (int)((long)i * texts.Length / Math.Max(1, Math.Min(sample, texts.Length)))).Distinct().ToArray();
        var fresh = encode(picks.Select(i => texts[i]).ToArray());
        for (var k = 0; k < picks.Length; k++)
        {
            var a = old.Vectors[picks[k]];
            var b = fresh[k];
            if (!a.TermIds.SequenceEqual(b.TermIds) || Enumerable.Range(0, a.Count).Any(j => Math.Abs(a.Weights[j] - b.Weights[j]) > 1e-4))
            {
                var common = a.TermIds.ToArray().Intersect(b.TermIds.ToArray()).ToArray();
                var maxDiff = common.Length == 0 ? double.NaN : common.Max(id => Math.Abs(a[id] - b[id]));
                throw new InvalidDataException($"{oldPath}: text {picks[k]} encodes differently now ({a.Count} cached terms, {b.Count} now, {common.Length} shared, largest weight difference {maxDiff:G3}); not adopted.");
            }
        }

        VectorCache.Write(newPath, old.Ids, old.Vectors, old.EncodeSeconds);
        AnsiConsole.MarkupLineInterpolated($"{Path.GetFileName(source)}: adopted {old.Ids.Count} vectors from key {oldKey} ({picks.Length} re-encoded and matched).");
    }
}
