using System.Diagnostics;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Eval.Retrieval;
using Lucene.Splade.Interchange;
using Lucene.Splade.Search;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Lucene.Splade.Eval.Scale;

/// <summary>
/// Query latency and indexing speed as the corpus grows: a synthetic corpus fitted to real vectors
/// (<see cref="SyntheticCorpus"/>), indexed twice (the SPLADE field alone, the BM25 field alone, so each index's size is
/// its field's), then searched at each size with the real query vectors, one thread, warmed, the modes interleaved
/// query by query.
/// </summary>
/// <remarks>
/// With <c>twoPhase</c>, each SPLADE document also carries its forward vector (<see cref="ForwardVectors"/>: the term
/// frequencies as float weights, so re-scoring at scale 1 gives the index's own scores), and a fifth mode searches in two
/// phases (<see cref="TwoPhaseSpladeSearch"/>: the 20 heaviest query terms, 100 candidates). The SPLADE index size then
/// leaves the doc-values files out, but its indexing time includes them.
/// </remarks>
internal sealed class ScaleBenchmark(ScaleStatistics stats, Vocabulary vocabulary, int seed, Action<string> log, bool twoPhase = false)
{
    public const int TopHits = 10;

    /// <summary>The two-phase mode's first-phase terms and candidates.</summary>
    public const int TwoPhaseTerms = 20, TwoPhaseCandidates = 100;

    private const string TwoPhaseMode = "splade-top20-two-phase";

    /// <summary>The search modes, in the order they run for each query.</summary>
    public string[] Modes { get; } = twoPhase
        ? ["bm25", "splade-exhaustive", "splade-maxscore", "splade-top20-maxscore", TwoPhaseMode]
        : ["bm25", "splade-exhaustive", "splade-maxscore", "splade-top20-maxscore"];

    public ScaleReport Run(IReadOnlyList<int> sizes, int queryCount, string indexFolder)
    {
        var corpus = new SyntheticCorpus(stats, seed);
        var fitDocuments = Math.Min(5000, sizes.Max());
        var fit = corpus.MeasuredFit(fitDocuments);
        log($"fit over {fitDocuments:N0} documents: terms/doc {fit.GeneratedTermsPerDocument:F1} (fitted {fit.FittedTermsPerDocument:F1}); top-20 terms' df {fit.GeneratedTop20DocumentFrequency:F3} (fitted {fit.FittedTop20DocumentFrequency:F3})");

        var spladeFolder = Path.Combine(indexFolder, "splade");
        var bm25Folder = Path.Combine(indexFolder, "bm25");
        foreach (var folder in new[] { spladeFolder, bm25Folder })
        {
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
        }

        var points = new List<ScalePoint>();
        using var spladeDirectory = FSDirectory.Open(spladeFolder);
        using var bm25Directory = FSDirectory.Open(bm25Folder);
        using var bm25Analyzer = Bm25Flat.CreateAnalyzer();
        using var keyword = new KeywordAnalyzer();
        var similarity = IndexBuilder.CreateSimilarity();
        // With forward vectors, no compound files: the SPLADE field's size is then the index less its doc-values files.
        using var spladeWriter = new IndexWriter(spladeDirectory, new IndexWriterConfig(LuceneVersion.LUCENE_48, keyword)
        {
            Similarity = similarity,
            RAMBufferSizeMB = 256,
            UseCompoundFile = !twoPhase,
            MergePolicy = twoPhase ? new TieredMergePolicy { NoCFSRatio = 0 } : new TieredMergePolicy(),
        });
        using var bm25Writer = new IndexWriter(bm25Directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, bm25Analyzer) { Similarity = similarity, RAMBufferSizeMB = 256 });

        var queries = Enumerable.Range(0, queryCount).Select(i => stats.Queries[i % stats.Queries.Length].ToVector()).ToArray();
        var bm25Queries = Enumerable.Range(0, queryCount).Select(i => corpus.Bm25Query(i)).ToArray();
        var indexed = 0;
        double spladeSeconds = 0, bm25Seconds = 0;
        long spladeTokens = 0;
        foreach (var size in sizes.Order())
        {
            // Generation is timed apart from indexing: only AddDocument and the commit count.
            const int Chunk = 2000;
            while (indexed < size)
            {
                var count = Math.Min(Chunk, size - indexed);
                var docs = new (QuantizedVector Splade, string Text)[count];
                Parallel.For(0, count, i => docs[i] = corpus.Document(indexed + i));
                var clock = Stopwatch.StartNew();
                foreach (var (splade, _) in docs)
                {
                    spladeWriter.AddDocument(twoPhase
                        ? [CorpusFields.SpladeField(splade, vocabulary), ForwardVectors.CreateField(CorpusFields.SpladeVector, AsWeights(splade))]
                        : [CorpusFields.SpladeField(splade, vocabulary)]);
                    spladeTokens += splade.TotalFrequency;
                }

                spladeSeconds += clock.Elapsed.TotalSeconds;
                clock.Restart();
                foreach (var (_, text) in docs)
                {
                    bm25Writer.AddDocument([new TextField(CorpusFields.Contents, text, Field.Store.NO)]);
                }

                bm25Seconds += clock.Elapsed.TotalSeconds;
                indexed += count;
            }

            var commit = Stopwatch.StartNew();
            spladeWriter.Commit();
            spladeSeconds += commit.Elapsed.TotalSeconds;
            commit.Restart();
            bm25Writer.Commit();
            bm25Seconds += commit.Elapsed.TotalSeconds;
            log($"{size:N0} documents: indexed SPLADE {indexed / spladeSeconds:F0} docs/s ({spladeTokens / (double)indexed:F0} tokens/doc), BM25 {indexed / bm25Seconds:F0} docs/s");

            points.Add(Measure(size, spladeDirectory, bm25Directory, similarity, queries, bm25Queries, bm25Analyzer, indexed / spladeSeconds, indexed / bm25Seconds, spladeTokens / (double)indexed));
            log(points[^1].Summary());
        }

        return new ScaleReport(stats.Source, seed, queryCount, fit, points);
    }

    private ScalePoint Measure(int size, LuceneDirectory spladeDirectory, LuceneDirectory bm25Directory, Similarity similarity, SparseVector[] queries, string[] bm25Texts,
        Lucene.Net.Analysis.Analyzer bm25Analyzer, double spladeDocsPerSecond, double bm25DocsPerSecond, double tokensPerDocument)
    {
        using var spladeReader = DirectoryReader.Open(spladeDirectory);
        using var bm25Reader = DirectoryReader.Open(bm25Directory);
        var spladeSearcher = new IndexSearcher(spladeReader) { Similarity = similarity };
        var bm25Searcher = new IndexSearcher(bm25Reader) { Similarity = similarity };
        var exact = new SpladeQueryBuilder(vocabulary, CorpusFields.Splade) { TopK = TopHits, DynamicPruning = true };
        var top20 = new SpladeQueryBuilder(vocabulary, CorpusFields.Splade) { TopK = TopHits, DynamicPruning = true, QueryPruning = new PruningOptions { TopK = 20 } };
        var bm25Builder = Bm25Flat.CreateQueryBuilder(bm25Analyzer);

        var twoPhaseSearch = new TwoPhaseSpladeSearch(new SpladeQueryBuilder(vocabulary, CorpusFields.Splade), CorpusFields.SpladeVector, TwoPhaseTerms, TwoPhaseCandidates)
        {
            Quantizer = new TermFrequencyQuantizer(1f), // the forward vectors hold the frequencies themselves
        };
        var built = new Func<TopDocs>[queries.Length][];
        for (var q = 0; q < queries.Length; q++)
        {
            var maxScore = (SpladeQuery)exact.Build(queries[q]);
            var queryVector = queries[q];
            Query[] plain = [bm25Builder.Build(bm25Texts[q]), maxScore.ToBooleanQuery(), maxScore, top20.Build(queryVector)];
            built[q] = plain.Select((query, m) => (Func<TopDocs>)(() => (m == 0 ? bm25Searcher : spladeSearcher).Search(query, TopHits)))
                .Concat(twoPhase ? [() => twoPhaseSearch.Search(spladeSearcher, queryVector, TopHits)] : [])
                .ToArray();
        }

        var latencies = Modes.Select(_ => new double[queries.Length]).ToArray();
        var results = Modes.Select(_ => new TopDocs[queries.Length]).ToArray();
        for (var pass = 0; pass < 2; pass++) // pass 0 warms (and computes the per-segment term bounds); pass 1 is timed
        {
            for (var q = 0; q < queries.Length; q++)
            {
                for (var m = 0; m < Modes.Length; m++)
                {
                    var clock = Stopwatch.StartNew();
                    var top = built[q][m]();
                    latencies[m][q] = clock.Elapsed.TotalMilliseconds;
                    results[m][q] = top;
                }
            }
        }

        var identical = Enumerable.Range(0, queries.Length).Count(q => SameHits(results[1][q], results[2][q]));
        var overlap = Enumerable.Range(0, queries.Length).Average(q => Overlap(results[1][q], results[3][q]));
        var scored = Enumerable.Range(0, queries.Length).Average(q => results[2][q].TotalHits / (double)Math.Max(1, results[1][q].TotalHits));
        double? twoPhaseOverlap = twoPhase ? Enumerable.Range(0, queries.Length).Average(q => Overlap(results[1][q], results[4][q])) : null;
        return new ScalePoint(
            size,
            spladeReader.Leaves.Count,
            SpladeFieldBytes(((FSDirectory)spladeDirectory).Directory.FullName),
            IndexBuilder.SizeOf(((FSDirectory)bm25Directory).Directory.FullName),
            spladeDocsPerSecond,
            bm25DocsPerSecond,
            tokensPerDocument,
            Modes.Select((mode, m) => ModeLatency.From(mode, latencies[m])).ToArray(),
            identical,
            queries.Length,
            overlap,
            scored,
            twoPhaseOverlap);
    }

    /// <summary>The SPLADE index's size without doc-values files (the forward vectors of a two-phase run).</summary>
    private static long SpladeFieldBytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.Extension is not (".dvd" or ".dvm")).Sum(f => f.Length);

    /// <summary>Term frequencies as float weights, for the forward index.</summary>
    private static SparseVector AsWeights(QuantizedVector frequencies)
    {
        var weights = new float[frequencies.Count];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = frequencies.Frequencies[i];
        }

        return new SparseVector(frequencies.TermIds, weights);
    }

    private static bool SameHits(TopDocs a, TopDocs b) =>
        a.ScoreDocs.Length == b.ScoreDocs.Length
        && a.ScoreDocs.Zip(b.ScoreDocs).All(p => p.First.Doc == p.Second.Doc && p.First.Score.Equals(p.Second.Score));

    private static double Overlap(TopDocs exact, TopDocs approximate) =>
        exact.ScoreDocs.Length == 0 ? 1 : approximate.ScoreDocs.Select(h => h.Doc).Intersect(exact.ScoreDocs.Select(h => h.Doc)).Count() / (double)exact.ScoreDocs.Length;
}

/// <summary>A mode's latency percentiles (ms).</summary>
internal sealed record ModeLatency(string Mode, double P50, double P95, double P99)
{
    /// <summary>The percentiles of <paramref name="ms"/>, as the harness's other latency figures (<see cref="LatencyStats"/>).</summary>
    public static ModeLatency From(string mode, IReadOnlyList<double> ms)
    {
        var stats = LatencyStats.From(ms);
        return new ModeLatency(mode, stats.P50Ms, stats.P95Ms, stats.P99Ms);
    }
}

/// <summary>Everything measured at one corpus size.</summary>
internal sealed record ScalePoint(
    int Documents,
    int Segments,
    long SpladeIndexBytes,
    long Bm25IndexBytes,
    double SpladeIndexDocsPerSecond,
    double Bm25IndexDocsPerSecond,
    double SpladeTokensPerDocument,
    ModeLatency[] Latencies,
    int IdenticalTop10,
    int Queries,
    double Top20Overlap,
    double ScoredShare,
    double? TwoPhaseOverlap = null)
{
    public ModeLatency Mode(string name) => Latencies.Single(l => l.Mode == name);

    public string Summary() =>
        $"{Documents:N0} docs ({Segments} segments): p50 ms " + string.Join(", ", Latencies.Select(l => $"{l.Mode} {l.P50:F2}"))
        + $"; MaxScore identical top {ScaleBenchmark.TopHits} on {IdenticalTop10}/{Queries}, scored {ScoredShare:P1} of the matches; top-20 terms keep {Top20Overlap:P1} of the top {ScaleBenchmark.TopHits}"
        + (TwoPhaseOverlap is { } twoPhase ? $", two phases {twoPhase:P1}" : "");
}

/// <summary>A scale benchmark's results.</summary>
internal sealed record ScaleReport(string Source, int Seed, int Queries, FitCheck Fit, IReadOnlyList<ScalePoint> Points);
