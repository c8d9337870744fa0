using Lucene.Splade.Analysis;
using Lucene.Splade.Eval.Scale;
using Lucene.Splade.Eval.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Tests.Scale;

public sealed class ScaleBenchmarkTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestData.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static readonly Vocabulary Vocabulary = Vocabulary.FromTokens(
        new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Enumerable.Range(0, 200).Select(i => "term" + i)));

    /// <summary>Real-looking statistics: 200 terms, frequent ones in most documents, skewed frequencies.</summary>
    private static ScaleStatistics Statistics(int seed = 3)
    {
        var random = new Random(seed);
        var documents = Enumerable.Range(0, 400).Select(_ =>
        {
            var ids = Enumerable.Range(5, 200).Where(id => random.NextDouble() < 0.5 / (1 + ((id - 5) * 0.05))).ToArray();
            return new SparseVector(ids, ids.Select(_ => (float)(random.NextDouble() * 2.5) + 0.01f).ToArray());
        }).ToArray();
        var queries = Enumerable.Range(0, 12).Select(_ =>
        {
            var ids = Enumerable.Range(5, 200).Where(_ => random.NextDouble() < 0.08).ToArray();
            return new SparseVector(ids, ids.Select(_ => (float)random.NextDouble() + 0.05f).ToArray());
        }).ToArray();
        return ScaleStatistics.Fit("test", documents.Select(SpladeIndexingOptions.Default.ToTermFrequencies).ToArray(), queries);
    }

    [Test]
    public void FitKeepsEveryTermsDocumentFrequencyAndTheQueries()
    {
        var stats = Statistics();
        Assert.Multiple(() =>
        {
            Assert.That(stats.Documents, Is.EqualTo(400));
            Assert.That(stats.TermIds, Is.Ordered.Ascending);
            Assert.That(stats.DocumentFrequencies, Has.All.InRange(1 / 400.0, 1.0));
            Assert.That(stats.TermsPerDocument, Has.Length.EqualTo(400));
            Assert.That(stats.Frequencies, Has.All.GreaterThanOrEqualTo(1));
            Assert.That(stats.Queries.Length, Is.EqualTo(12).Or.LessThan(12), "empty queries are dropped");
        });
    }

    [Test]
    public void StatisticsSurviveAJsonRoundTrip()
    {
        var stats = Statistics();
        var path = Path.Combine(_folder, "stats.json");
        stats.Save(path);
        var read = ScaleStatistics.Load(path);
        Assert.That(read.TermIds, Is.EqualTo(stats.TermIds));
        Assert.That(read.DocumentFrequencies, Is.EqualTo(stats.DocumentFrequencies));
        Assert.That(read.Queries.Select(q => q.ToVector()), Is.EqualTo(stats.Queries.Select(q => q.ToVector())));
    }

    [Test]
    public void TheGeneratorIsDeterministicPerDocumentAndFollowsTheStatistics()
    {
        var stats = Statistics();
        var a = new SyntheticCorpus(stats, seed: 5);
        var b = new SyntheticCorpus(stats, seed: 5);
        Assert.That(a.Document(123).Splade.TermIds.ToArray(), Is.EqualTo(b.Document(123).Splade.TermIds.ToArray()), "document i depends on the seed and i only");
        Assert.That(a.Document(123).Text, Is.EqualTo(b.Document(123).Text));
        Assert.That(new SyntheticCorpus(stats, seed: 6).Document(123).Text, Is.Not.EqualTo(a.Document(123).Text));

        var fit = a.MeasuredFit(2000);
        Assert.That(fit.GeneratedTermsPerDocument, Is.EqualTo(fit.FittedTermsPerDocument).Within(10).Percent);
        Assert.That(fit.GeneratedTop20DocumentFrequency, Is.EqualTo(fit.FittedTop20DocumentFrequency).Within(15).Percent);
        Assert.That(a.Bm25Query(1).Split(' '), Has.Length.EqualTo(5));
    }

    [Test]
    public void ARunMeasuresEverySizeAndMaxScoreMatchesTheExhaustiveTop10()
    {
        var lines = new List<string>();
        var benchmark = new ScaleBenchmark(Statistics(), Vocabulary, seed: 1, lines.Add);
        var report = benchmark.Run([500, 1500], queryCount: 12, Path.Combine(_folder, "indexes"));

        Assert.That(report.Points.Select(p => p.Documents), Is.EqualTo(new[] { 500, 1500 }));
        foreach (var point in report.Points)
        {
            Assert.That(point.IdenticalTop10, Is.EqualTo(point.Queries), $"{point.Documents} documents: MaxScore must give the exhaustive top 10");
            Assert.That(point.Latencies.Select(l => l.Mode), Is.EqualTo(benchmark.Modes));
            Assert.That(point.TwoPhaseOverlap, Is.Null, "no two-phase mode unless asked");
            Assert.That(point.Latencies, Has.All.Matches<ModeLatency>(l => l.P50 > 0 && l.P50 <= l.P95 && l.P95 <= l.P99));
            Assert.That(point.SpladeIndexBytes, Is.GreaterThan(0));
            Assert.That(point.Bm25IndexBytes, Is.GreaterThan(0));
            Assert.That(point.ScoredShare, Is.InRange(0.0, 1.0));
        }

        Assert.That(report.Points[1].SpladeIndexBytes, Is.GreaterThan(report.Points[0].SpladeIndexBytes), "documents are added between sizes");
        Assert.That(lines, Has.Some.Contains("fit over"));
    }

    [Test]
    public void WithTwoPhasesARunTimesTheTwoPhaseSearchAndLeavesTheForwardVectorsOutOfTheFieldSize()
    {
        var plain = new ScaleBenchmark(Statistics(), Vocabulary, seed: 2, _ => { }).Run([800], queryCount: 10, Path.Combine(_folder, "plain"));
        var benchmark = new ScaleBenchmark(Statistics(), Vocabulary, seed: 2, _ => { }, twoPhase: true);
        var report = benchmark.Run([800], queryCount: 10, Path.Combine(_folder, "two-phase"));

        var point = report.Points.Single();
        Assert.That(benchmark.Modes, Does.Contain("splade-top20-two-phase"));
        Assert.That(point.Latencies.Select(l => l.Mode), Is.EqualTo(benchmark.Modes));
        Assert.That(point.Mode("splade-top20-two-phase").P50, Is.GreaterThan(0));
        Assert.That(point.TwoPhaseOverlap, Is.InRange(0.0, 1.0));
        Assert.That(point.IdenticalTop10, Is.EqualTo(point.Queries), "MaxScore is unaffected by the forward vectors");
        var indexFiles = new DirectoryInfo(Path.Combine(_folder, "two-phase", "splade")).GetFiles().Sum(f => f.Length);
        Assert.That(indexFiles, Is.GreaterThan(point.SpladeIndexBytes), "the forward vectors are in the index but not in the field's size");
        Assert.That(point.SpladeIndexBytes, Is.EqualTo(plain.Points.Single().SpladeIndexBytes).Within(15).Percent, "about the plain run's SPLADE field");
    }
}
