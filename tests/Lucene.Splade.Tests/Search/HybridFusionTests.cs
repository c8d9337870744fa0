using Lucene.Splade.Search;

namespace Lucene.Splade.Tests.Search;

/// <summary>
/// <see cref="HybridFusion"/> against a brute-force oracle written here from the definitions, on random lists with
/// overlaps, ties, constant scores and empty lists.
/// </summary>
[TestFixture]
public sealed class HybridFusionTests
{
    private static readonly HybridFusion[] Fusions =
    [
        HybridFusion.ReciprocalRank(),
        HybridFusion.ReciprocalRank(1),
        HybridFusion.Linear(ScoreNormalization.MinMax, 0.3),
        HybridFusion.Linear(ScoreNormalization.MinMax, 0),
        HybridFusion.Linear(ScoreNormalization.MinMax, 1),
        HybridFusion.Linear(ScoreNormalization.ZScore, 0.45),
        HybridFusion.Linear(ScoreNormalization.ZScore, 1),
    ];

    [Test]
    public void Random_lists_fuse_as_the_oracle_does([Range(0, 39)] int seed)
    {
        var random = new Random(seed);
        var bm25 = RandomList(random);
        var splade = RandomList(random);
        foreach (var fusion in Fusions)
        {
            var depth = random.Next(1, 40);
            var expected = Oracle(fusion, bm25, splade).Take(depth).ToList();

            var actual = fusion.Fuse(bm25, splade, depth);

            Assert.That(actual.Select(r => r.Key), Is.EqualTo(expected.Select(e => e.Doc)), $"{fusion} seed {seed}");
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.That(actual[i].Score, Is.EqualTo(expected[i].Score).Within(1e-12), $"{fusion}, position {i}");
                Assert.That(actual[i].Bm25?.Rank, Is.EqualTo(RankIn(bm25, actual[i].Key)));
                Assert.That(actual[i].Splade?.Rank, Is.EqualTo(RankIn(splade, actual[i].Key)));
                Assert.That(actual[i].Bm25?.Score, Is.EqualTo(ScoreIn(bm25, actual[i].Key)));
            }
        }
    }

    [Test]
    public void Rrf_of_a_document_first_in_both_lists_is_two_over_k_plus_one()
    {
        var fused = HybridFusion.ReciprocalRank(60).Fuse([(7, 3.0), (8, 2.0)], [(7, 9.0)], 10);

        Assert.That(fused[0].Key, Is.EqualTo(7));
        Assert.That(fused[0].Score, Is.EqualTo((1.0 / 61) + (1.0 / 61)));
        Assert.That(fused[1].Score, Is.EqualTo(1.0 / 62));
        Assert.That(fused[1].Splade, Is.Null);
    }

    [Test]
    public void Ties_go_to_the_lower_key_unless_a_comparer_says_otherwise()
    {
        // Documents 3 and 9 are each first in one list: equal RRF scores.
        var fusion = HybridFusion.ReciprocalRank();

        Assert.That(fusion.Fuse([(9, 1.0)], [(3, 1.0)], 10).Select(r => r.Key), Is.EqualTo(new[] { 3, 9 }));
        Assert.That(fusion.Fuse([(9, 1.0)], [(3, 1.0)], 10, Comparer<int>.Create((x, y) => y.CompareTo(x))).Select(r => r.Key), Is.EqualTo(new[] { 9, 3 }));
    }

    [Test]
    public void Min_max_gives_missing_documents_zero_and_a_constant_list_one()
    {
        var fused = HybridFusion.Linear(ScoreNormalization.MinMax, 0.5).Fuse([("a", 5.0), ("b", 5.0)], [("c", 2.0), ("a", 1.0)], 10);

        // a: 0.5 x 1 + 0.5 x 0; b: 0.5 x 1 + 0.5 x 0 (missing); c: 0.5 x 0 (missing) + 0.5 x 1.
        Assert.That(fused.ToDictionary(r => r.Key, r => r.Score), Is.EquivalentTo(new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.5, ["c"] = 0.5 }));
        Assert.That(fused.Select(r => r.Key), Is.EqualTo(new[] { "a", "b", "c" }), "equal scores: ordinal order of the keys");
    }

    [Test]
    public void Empty_lists_fuse_to_the_other_list_or_to_nothing()
    {
        Assert.That(HybridFusion.ReciprocalRank().Fuse<int>([], [], 10), Is.Empty);
        Assert.That(HybridFusion.Linear(ScoreNormalization.ZScore, 0.5).Fuse([], [(1, 2.0), (2, 1.0)], 10).Select(r => r.Key), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void Bad_input_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => HybridFusion.ReciprocalRank(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HybridFusion.Linear(ScoreNormalization.MinMax, 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HybridFusion.Linear(ScoreNormalization.MinMax, double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HybridFusion.Linear((ScoreNormalization)7, 0.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HybridFusion.ReciprocalRank().Fuse([(1, 1.0), (1, 0.5)], [], 10), Throws.ArgumentException.With.Message.Contains("twice"));
            Assert.That(() => HybridFusion.ReciprocalRank().Fuse([(1, double.NaN)], [], 10), Throws.ArgumentException.With.Message.Contains("NaN"));
            Assert.That(() => HybridFusion.ReciprocalRank().Fuse<int>([], [], 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Fusions_compare_by_value_and_name_themselves()
    {
        var weight = 0.15;
        Assert.That(HybridFusion.Linear(ScoreNormalization.MinMax, weight), Is.EqualTo(HybridFusion.Linear(ScoreNormalization.MinMax, 0.15)));
        Assert.That(HybridFusion.Linear(ScoreNormalization.MinMax, weight), Is.Not.EqualTo(HybridFusion.Linear(ScoreNormalization.ZScore, 0.15)));
        Assert.That(HybridFusion.Linear(ScoreNormalization.MinMax, 0.15).Name, Is.EqualTo("minmax-w0.15"));
        Assert.That(HybridFusion.Linear(ScoreNormalization.ZScore, 0.4).Name, Is.EqualTo("zscore-w0.40"));
        Assert.That(HybridFusion.ReciprocalRank().Name, Is.EqualTo("rrf-k60"));
    }

    [Test]
    public void Argument_errors_say_what_is_wrong()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => HybridFusion.Linear(ScoreNormalization.MinMax, 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("The SPLADE weight must be in [0, 1]."));
            Assert.That(() => HybridFusion.Linear((ScoreNormalization)7, 0.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Unknown normalization."));
            Assert.That(() => HybridFusion.Default.Fuse<int>(null!, [], 10), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("bm25"));
            Assert.That(() => HybridFusion.Default.Fuse<int>([], null!, 10), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("splade"));
        });
    }

    [Test]
    public void Z_scores_use_the_population_standard_deviation()
    {
        // BM25 scores 1, 2, 3: mean 2, population sd sqrt(2/3); document 3 alone in SPLADE with z 0 (one score).
        var fused = HybridFusion.Linear(ScoreNormalization.ZScore, 0.0).Fuse([(1, 3.0), (2, 2.0), (3, 1.0)], [], 3);
        Assert.That(fused[0].Score, Is.EqualTo(1 / Math.Sqrt(2.0 / 3)).Within(1e-12));
        Assert.That(fused[2].Score, Is.EqualTo(-1 / Math.Sqrt(2.0 / 3)).Within(1e-12));
    }

    [Test]
    public void The_tuner_tries_every_weight_step_and_checks_its_options()
    {
        var weights = new HybridTuningOptions { WeightStep = 0.25, IncludeReciprocalRank = false, Normalizations = [ScoreNormalization.MinMax] }.Candidates().Select(f => f.SpladeWeight);
        Assert.That(weights, Is.EqualTo(new[] { 0.0, 0.25, 0.5, 0.75, 1.0 }));
        Assert.That(new HybridTuningOptions { WeightStep = 1 }.WeightStep, Is.EqualTo(1), "a step of 1 is allowed");
        Assert.That(() => new HybridTuningOptions { WeightStep = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("WeightStep must be in (0, 1]."));
        Assert.That(() => new HybridTuningOptions { RrfK = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => HybridTuner.Tune(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("queries"));
        Assert.That(() => HybridTuner.Tune([]), Throws.ArgumentException.With.Message.StartsWith("There are no tuning queries."));
        var query = new HybridTuningQuery([("a", 1.0)], [("a", 1.0)], new Dictionary<string, int> { ["a"] = 1 });
        Assert.That(() => HybridTuner.Tune([query], new HybridTuningOptions { IncludeReciprocalRank = false, Normalizations = [] }), Throws.ArgumentException.With.Message.StartsWith("The options leave no fusion to try."));
    }

    [Test]
    public void Tuning_ties_go_to_the_first_candidate()
    {
        // Both lists agree, so every fusion ranks alike: RRF, the first candidate, wins.
        var query = new HybridTuningQuery([("a", 2.0), ("b", 1.0)], [("a", 2.0), ("b", 1.0)], new Dictionary<string, int> { ["a"] = 1 });
        Assert.That(HybridTuner.Tune([query]).Best, Is.EqualTo(HybridFusion.ReciprocalRank()));
    }

    [Test]
    public void The_default_is_the_default_normalization_and_weight_and_a_hybrid_searcher_uses_it()
    {
        Assert.That(HybridFusion.Default, Is.EqualTo(HybridFusion.Linear(HybridFusion.DefaultNormalization, HybridFusion.DefaultSpladeWeight)));
        Assert.That(HybridFusion.DefaultSpladeWeight, Is.InRange(0.0, 0.5), "a do-no-harm default leans on BM25");
        using var directory = new Lucene.Net.Store.RAMDirectory();
        using (new Lucene.Net.Index.IndexWriter(directory, new Lucene.Net.Index.IndexWriterConfig(Lucene.Net.Util.LuceneVersion.LUCENE_48, new Lucene.Net.Analysis.Core.KeywordAnalyzer())))
        {
        }

        using var reader = Lucene.Net.Index.DirectoryReader.Open(directory);
        Assert.That(new HybridSearcher(new Lucene.Net.Search.IndexSearcher(reader)).Fusion, Is.SameAs(HybridFusion.Default));
    }

    /// <summary>
    /// The definitions, the slow way: each document's score from scratch, then a full sort by score descending and
    /// key ascending.
    /// </summary>
    private static List<(int Doc, double Score)> Oracle(HybridFusion fusion, List<(int Key, double Score)> a, List<(int Key, double Score)> b)
    {
        var docs = a.Select(x => x.Key).Union(b.Select(x => x.Key)).ToList();
        double Part(List<(int Key, double Score)> list, int doc)
        {
            var index = list.FindIndex(x => x.Key == doc);
            if (fusion.Method == FusionMethod.ReciprocalRank)
            {
                return index < 0 ? 0 : 1.0 / (fusion.RrfK + index + 1);
            }

            var scores = list.Select(x => x.Score).ToArray();
            double Normalize(double s)
            {
                if (fusion.Normalization == ScoreNormalization.MinMax)
                {
                    return scores.Max() == scores.Min() ? 1 : (s - scores.Min()) / (scores.Max() - scores.Min());
                }

                var mean = scores.Average();
                var sd = Math.Sqrt(scores.Sum(x => (x - mean) * (x - mean)) / scores.Length);
                return sd == 0 ? 0 : (s - mean) / sd;
            }

            if (index >= 0)
            {
                return Normalize(list[index].Score);
            }

            return fusion.Normalization == ScoreNormalization.MinMax || scores.Length == 0 ? 0 : scores.Min(Normalize);
        }

        return docs
            .Select(d => (Doc: d, Score: fusion.Method == FusionMethod.ReciprocalRank
                ? Part(a, d) + Part(b, d)
                : ((1 - fusion.SpladeWeight) * Part(a, d)) + (fusion.SpladeWeight * Part(b, d))))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Doc)
            .ToList();
    }

    private static List<(int Key, double Score)> RandomList(Random random)
    {
        var count = random.Next(0, 30);
        var keys = Enumerable.Range(0, 40).OrderBy(_ => random.Next()).Take(count);

        // Few distinct score values, so ties are common; sometimes all equal.
        var constant = random.Next(6) == 0;
        return keys.Select(k => (k, constant ? 2.5 : random.Next(0, 8) * 0.5)).OrderByDescending(x => x.Item2).ToList();
    }

    private static int? RankIn(List<(int Key, double Score)> list, int key) => list.FindIndex(x => x.Key == key) is var i and >= 0 ? i + 1 : null;

    private static double? ScoreIn(List<(int Key, double Score)> list, int key) => list.FindIndex(x => x.Key == key) is var i and >= 0 ? list[i].Score : null;
}
