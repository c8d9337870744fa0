using Lucene.Splade.Evaluation;

namespace Lucene.Splade.Search;

/// <summary>One query's material for tuning: both result lists (external ids, best first) and its judgments.</summary>
/// <param name="bm25">The BM25 results, best first.</param>
/// <param name="splade">The SPLADE results, best first.</param>
/// <param name="judgments">Document id to relevance grade (1 or more is relevant).</param>
public sealed class HybridTuningQuery(
    IReadOnlyList<(string Id, double Score)> bm25,
    IReadOnlyList<(string Id, double Score)> splade,
    IReadOnlyDictionary<string, int> judgments)
{
    /// <summary>The BM25 results, best first.</summary>
    public IReadOnlyList<(string Id, double Score)> Bm25 { get; } = bm25 ?? throw new ArgumentNullException(nameof(bm25));

    /// <summary>The SPLADE results, best first.</summary>
    public IReadOnlyList<(string Id, double Score)> Splade { get; } = splade ?? throw new ArgumentNullException(nameof(splade));

    /// <summary>Document id to relevance grade.</summary>
    public IReadOnlyDictionary<string, int> Judgments { get; } = judgments ?? throw new ArgumentNullException(nameof(judgments));
}

/// <summary>A query text and its relevance judgments (document id to grade), for <see cref="HybridTuner"/>.</summary>
/// <param name="text">The query text.</param>
/// <param name="judgments">Document id (the value of the id field) to relevance grade.</param>
public sealed class LabeledQuery(string text, IReadOnlyDictionary<string, int> judgments)
{
    /// <summary>The query text.</summary>
    public string Text { get; } = text ?? throw new ArgumentNullException(nameof(text));

    /// <summary>Document id to relevance grade.</summary>
    public IReadOnlyDictionary<string, int> Judgments { get; } = judgments ?? throw new ArgumentNullException(nameof(judgments));
}

/// <summary>A fusion that was tried and the mean nDCG it reached.</summary>
/// <param name="Fusion">The fusion.</param>
/// <param name="Ndcg">Mean nDCG at <see cref="HybridTuningOptions.Cutoff"/> over the tuning queries.</param>
public sealed record HybridCandidate(HybridFusion Fusion, double Ndcg);

/// <summary>What <see cref="HybridTuner"/> tries. Every property has a documented default; immutable once created.</summary>
public sealed class HybridTuningOptions
{
    /// <summary>Whether reciprocal rank fusion (with <see cref="RrfK"/>) is a candidate. Default true.</summary>
    public bool IncludeReciprocalRank { get; init; } = true;

    /// <summary>RRF's k. Default 60.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int RrfK
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(RrfK));
            field = value;
        }
    } = HybridFusion.DefaultRrfK;

    /// <summary>The normalizations whose weight is tuned. Default min-max, then z-score.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public IReadOnlyList<ScoreNormalization> Normalizations
    {
        get;
        init => field = (value ?? throw new ArgumentNullException(nameof(Normalizations))).ToArray();
    } = [ScoreNormalization.MinMax, ScoreNormalization.ZScore];

    /// <summary>The SPLADE weights tried are 0, step, 2 x step, ... 1. Default 0.05.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1].</exception>
    public double WeightStep
    {
        get;
        init
        {
            if (!(value > 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(WeightStep), value, "WeightStep must be in (0, 1].");
            }

            field = value;
        }
    } = 0.05;

    /// <summary>The nDCG cutoff the candidates are compared at. Default 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Cutoff
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Cutoff));
            field = value;
        }
    } = 10;

    /// <summary>The fusions tried, in the order ties are settled: RRF, then each normalization by increasing weight.</summary>
    public IReadOnlyList<HybridFusion> Candidates()
    {
        var candidates = new List<HybridFusion>();
        if (IncludeReciprocalRank)
        {
            candidates.Add(HybridFusion.ReciprocalRank(RrfK));
        }

        var steps = (int)Math.Round(1 / WeightStep);
        foreach (var normalization in Normalizations)
        {
            for (var s = 0; s <= steps; s++)
            {
                candidates.Add(HybridFusion.Linear(normalization, Math.Min(1, Math.Round(s * WeightStep, 6))));
            }
        }

        return candidates;
    }
}

/// <summary>The outcome of tuning: the best fusion and every candidate's score.</summary>
/// <param name="best">The candidate with the highest mean nDCG (the first one on ties).</param>
/// <param name="bestNdcg">Its mean nDCG.</param>
/// <param name="candidates">Every candidate and its mean nDCG, in the order tried.</param>
public sealed class HybridTuningResult(HybridFusion best, double bestNdcg, IReadOnlyList<HybridCandidate> candidates)
{
    /// <summary>The candidate with the highest mean nDCG (the first one on ties).</summary>
    public HybridFusion Best { get; } = best;

    /// <summary>Its mean nDCG.</summary>
    public double BestNdcg { get; } = bestNdcg;

    /// <summary>Every candidate and its mean nDCG, in the order tried.</summary>
    public IReadOnlyList<HybridCandidate> Candidates { get; } = candidates;
}

/// <summary>
/// Chooses a hybrid fusion from labelled queries: every candidate of <see cref="HybridTuningOptions"/> (RRF, and
/// min-max and z-score weighted sums over a grid of SPLADE weights) fuses each query's two result lists, and the one
/// with the highest mean nDCG@10 wins. Tune on queries that are not the ones you evaluate on.
/// </summary>
/// <remarks>
/// nDCG is computed as trec_eval does: fused results ranked by score, ties by document id descending, gains from the
/// judgments. A query whose lists are both empty counts as 0, as in trec_eval's <c>-c</c>.
/// </remarks>
public static class HybridTuner
{
    /// <summary>Tunes on result lists computed beforehand.</summary>
    /// <param name="queries">The tuning queries; at least one.</param>
    /// <param name="options">What to try; the defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="queries"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no queries, or there are no candidates.</exception>
    public static HybridTuningResult Tune(IReadOnlyList<HybridTuningQuery> queries, HybridTuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        options ??= new HybridTuningOptions();
        if (queries.Count == 0)
        {
            throw new ArgumentException("There are no tuning queries.", nameof(queries));
        }

        var candidates = options.Candidates();
        if (candidates.Count == 0)
        {
            throw new ArgumentException("The options leave no fusion to try.", nameof(options));
        }

        var results = new List<HybridCandidate>(candidates.Count);
        HybridCandidate? best = null;
        foreach (var fusion in candidates)
        {
            var sum = 0.0;
            foreach (var query in queries)
            {
                var top = fusion.Fuse(query.Bm25, query.Splade, options.Cutoff, RankingMetrics.TrecEvalTieBreak);
                sum += RankingMetrics.Ndcg(top.Select(r => r.Key).ToArray(), query.Judgments, options.Cutoff);
            }

            var candidate = new HybridCandidate(fusion, sum / queries.Count);
            results.Add(candidate);
            if (best is null || candidate.Ndcg > best.Ndcg)
            {
                best = candidate;
            }
        }

        return new HybridTuningResult(best!.Fusion, best.Ndcg, results);
    }

    /// <summary>
    /// Tunes on an index: runs both sides of each query with <paramref name="searcher"/> (its depth and filter-free),
    /// maps hits to ids through the stored <paramref name="idField"/>, and tunes as
    /// <see cref="Tune(IReadOnlyList{HybridTuningQuery}, HybridTuningOptions?)"/> does.
    /// </summary>
    /// <param name="searcher">A searcher created with both query builders.</param>
    /// <param name="idField">The stored field that holds the ids the judgments use.</param>
    /// <param name="queries">The tuning queries with their judgments.</param>
    /// <param name="options">What to try; the defaults when null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The searcher has no query builders, or a hit has no stored id.</exception>
    public static HybridTuningResult TuneOnIndex(HybridSearcher searcher, string idField, IReadOnlyList<LabeledQuery> queries, HybridTuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        ArgumentNullException.ThrowIfNull(idField);
        ArgumentNullException.ThrowIfNull(queries);
        var ids = new Dictionary<int, string>();
        string Id(int doc)
        {
            if (!ids.TryGetValue(doc, out var id))
            {
                id = searcher.IndexSearcher.Doc(doc).Get(idField)
                    ?? throw new InvalidOperationException($"Document {doc} has no stored '{idField}' field.");
                ids[doc] = id;
            }

            return id;
        }

        var material = new List<HybridTuningQuery>(queries.Count);
        foreach (var query in queries)
        {
            var (bm25, splade) = searcher.SearchBothSides(query.Text);
            material.Add(new HybridTuningQuery(
                Array.ConvertAll(bm25, r => (Id(r.Key), r.Score)),
                Array.ConvertAll(splade, r => (Id(r.Key), r.Score)),
                query.Judgments));
        }

        return Tune(material, options);
    }
}
