using System.Diagnostics;
using Lucene.Net.Search;
using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Corpora;
using Lucene.Splade.Encoders;
using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Eval.Retrieval;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Experiments;

/// <summary>
/// One evaluation of a collection: BM25, SPLADE and hybrids on the evaluated split, hybrid weights tuned on the tuning
/// split, efficiency measured on the way; writes run files, and returns the <see cref="Report"/>.
/// </summary>
internal sealed class Experiment
{
    private readonly string _dataset;
    private readonly ModelSource? _model;
    private readonly VectorCache _cache;
    private readonly string _output;
    private readonly Action<string> _log;

    public Experiment(string dataset, ModelSource? model, VectorCache cache, string output, Action<string>? log = null)
    {
        _dataset = dataset;
        _model = model;
        _cache = cache;
        _output = output;
        _log = log ?? (_ => { });
    }

    public bool Progress { get; init; } = true;

    /// <summary>The BM25 and SPLADE runs and the judgments of the last <see cref="Run"/> (null for a run not made).</summary>
    public ComponentRuns? Components { get; private set; }

    /// <summary>The tuning split for <paramref name="options"/>: the one named, else dev, else train; never the evaluated split.</summary>
    public static string? ChooseTuneSplit(string dataset, ExperimentOptions options)
    {
        if (string.Equals(options.TuneSplit, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var splits = BeirCollection.Splits(dataset);
        if (options.TuneSplit is { } named)
        {
            if (named == options.Split)
            {
                throw new ArgumentException($"The tuning split cannot be the evaluated split '{named}'.");
            }

            return splits.Contains(named) ? named : throw new FileNotFoundException($"{dataset}: no qrels/{named}.tsv to tune on.");
        }

        return new[] { "dev", "train" }.FirstOrDefault(s => s != options.Split && splits.Contains(s));
    }

    public Report Run(ExperimentOptions options)
    {
        Directory.CreateDirectory(_output);
        var corpus = BeirCollection.ReadCorpus(_dataset);
        var allQueries = BeirCollection.ReadQueries(_dataset);
        var qrels = BeirCollection.ReadQrels(_dataset, options.Split);
        var queries = JudgedQueries(allQueries, qrels, options.Split);
        var tuneSplit = options.Runs.HasFlag(RunKinds.Hybrid) ? ChooseTuneSplit(_dataset, options) : null;
        var tuneQrels = tuneSplit is null ? null : BeirCollection.ReadQrels(_dataset, tuneSplit);
        var tuneQueries = tuneQrels is null ? [] : JudgedQueries(allQueries, tuneQrels, tuneSplit!);
        _log($"{Path.GetFileName(Path.GetFullPath(_dataset))}: {corpus.Count} documents, {queries.Count} judged {options.Split} queries" +
             (tuneSplit is null ? "" : $", {tuneQueries.Count} {tuneSplit} queries for tuning"));

        var outcomes = new List<RunOutcome>();
        var bm25Folder = Path.Combine(_output, "index-bm25");
        var spladeFolder = options.SpladeIndexFolder ?? Path.Combine(_output, "index-splade");
        var folders = new List<string>();
        IndexInfo? bm25Index = null, spladeIndex = null;
        double quantizationSeconds = 0;
        EncodedCollection? encoded = null;
        IReadOnlyList<QuantizedVector>? termFrequencies = null;

        if (options.Runs.HasFlag(RunKinds.Bm25))
        {
            _log("Indexing BM25 ...");
            var built = IndexBuilder.BuildBm25(bm25Folder, corpus, options.Bm25Lengths);
            bm25Index = new IndexInfo(Bm25Flat.Field, built.SizeBytes, built.Seconds, corpus.Count / built.Seconds);
            folders.Add(bm25Folder);
        }

        if (options.Runs.HasFlag(RunKinds.Splade))
        {
            var model = _model ?? throw new InvalidOperationException("A SPLADE run needs a model.");
            encoded = EncodedCollection.Load(_dataset, corpus, allQueries, model, _cache, Progress);
            _log($"Vectors: documents {(encoded.Documents.FromCache ? "from cache" : "encoded")}, queries {(encoded.Queries.FromCache ? "from cache" : "encoded")} (query encoder: {model.QueryEncoderName}).");
            var indexing = options.IndexingOptions;
            var clock = Stopwatch.StartNew();
            termFrequencies = encoded.Documents.Vectors.AsParallel().AsOrdered().Select(indexing.ToTermFrequencies).ToArray();
            quantizationSeconds = clock.Elapsed.TotalSeconds;
            if (options.ViaAnserini)
            {
                termFrequencies = AnseriniRoundTrip(Path.Combine(_output, "anserini-vectors.jsonl"), encoded.Documents.Ids, termFrequencies, model.Vocabulary);
            }

            var key = $"{Path.GetFullPath(_dataset)}|{model.CacheKey}|{encoded.Documents.Ids.Count}|{options.DocumentPruning}|scale {indexing.Quantizer.Scale}|max {indexing.Quantizer.MaxFrequency}{(options.ViaAnserini ? "|anserini" : "")}";
            var built = options.SpladeIndexFolder is not null ? IndexBuilder.TryReuse(spladeFolder, key) : null;
            if (built is null)
            {
                _log("Indexing SPLADE ...");
                built = IndexBuilder.BuildSplade(spladeFolder, encoded.Documents.Ids, termFrequencies, model.Vocabulary);
                if (options.SpladeIndexFolder is not null)
                {
                    IndexBuilder.MarkBuilt(built, key);
                }
            }
            else
            {
                _log("SPLADE index reused (same vectors, pruning and quantization).");
            }

            spladeIndex = new IndexInfo(IndexBuilder.SpladeFieldName, built.SizeBytes, built.Seconds, corpus.Count / built.Seconds);
            folders.Add(spladeFolder);
            if (options.TwoPhaseTerms is not null)
            {
                _log("Indexing the forward vectors (two-phase search) ...");
                var forwardFolder = Path.Combine(_output, "index-forward");
                var pruned = encoded.Documents.Vectors.Select(v => SparseVectorPruner.Prune(v, options.DocumentPruning)).ToArray();
                var forward = IndexBuilder.BuildForward(forwardFolder, encoded.Documents.Ids, pruned);
                _log($"Forward index: {forward.SizeBytes / 1048576.0:0.00} MiB (not counted in the SPLADE field's size).");
                folders.Add(forwardFolder);
            }
        }

        SearchResult? bm25 = null, splade = null, bm25Tune = null, spladeTune = null;
        double[] bm25QueryTerms = [];
        using (var index = new SearchIndex(folders, options.Bm25Lengths))
        {
            if (options.Runs.HasFlag(RunKinds.Bm25))
            {
                using var analyzer = Bm25Flat.CreateAnalyzer();
                var bm25Builder = Bm25Flat.CreateQueryBuilder(analyzer);
                var built = queries.Select(q => (q.Id, bm25Builder.Build(q.Text))).ToArray();
                bm25QueryTerms = queries.Select(q => (double)bm25Builder.AnalyzeTerms(q.Text).Count).ToArray();
                _log("Searching BM25 ...");
                bm25 = index.Search("bm25", built, options.Depth, warmUp: true);
                if (tuneQueries.Count > 0)
                {
                    bm25Tune = index.Search("bm25", tuneQueries.Select(q => (q.Id, bm25Builder.Build(q.Text))).ToArray(), options.Depth, warmUp: false);
                }

                outcomes.Add(Outcome(bm25.Run, qrels, options, null));
            }

            if (encoded is not null)
            {
                var builder = new SpladeQueryBuilder(_model!.Vocabulary, IndexBuilder.SpladeFieldName) { QueryPruning = options.QueryPruning, TopK = options.Depth };
                var vectors = encoded.Queries.Ids.Zip(encoded.Queries.Vectors).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
                _log("Searching SPLADE ...");
                var twoPhase = options.TwoPhaseTerms is { } heavy
                    ? new TwoPhaseSpladeSearch(builder, CorpusFields.SpladeVector, heavy, options.TwoPhaseCandidates ?? options.Depth) { Quantizer = options.IndexingOptions.Quantizer }
                    : null;

                // Queries are built before timing; a two-phase search selects its terms inside the search, as it runs.
                SearchResult SearchSplade(IReadOnlyList<CorpusQuery> list, bool warmUp) => twoPhase is null
                    ? index.Search("splade", list.Select(q => (q.Id, builder.Build(vectors[q.Id]))).ToArray(), options.Depth, warmUp)
                    : index.Search("splade", list.Select(q => (q.Id, (Func<IndexSearcher, int, TopDocs>)((searcher, n) => twoPhase.Search(searcher, vectors[q.Id], n)))).ToArray(), options.Depth, warmUp);

                splade = SearchSplade(queries, warmUp: true);
                if (tuneQueries.Count > 0)
                {
                    spladeTune = SearchSplade(tuneQueries, warmUp: false);
                }

                outcomes.Add(Outcome(splade.Run, qrels, options, null));
            }
        }

        Components = new ComponentRuns(bm25?.Run, splade?.Run, qrels);
        string? best = null;
        if (options.Runs.HasFlag(RunKinds.Hybrid) && bm25 is not null && splade is not null)
        {
            best = AddHybrids(outcomes, bm25.Run, splade.Run, bm25Tune?.Run, spladeTune?.Run, qrels, tuneQrels, tuneSplit, options);
        }

        // Efficiency needs the model live: done after the runs, so a failure here never costs the effectiveness figures.
        DocumentEncodingTiming? docTiming = null;
        LatencyStats? queryEncoding = null, shortQueryEncoding = null, shortQuerySession = null;
        if (encoded is not null && _model is not null)
        {
            docTiming = TimeDocumentEncoding(corpus, options.TimingDocuments, spladeIndex!);
            if (options.TimingQueries > 0 && queries.Count > 0)
            {
                // The encoder the run's queries came from (the model, or inference-free), then a query session.
                (queryEncoding, shortQueryEncoding) = TimeQueryEncoding(_model.QueryEncoder, queries, options.TimingQueries);
                using var querySession = _model.LoadQuerySession();
                if (querySession is not null)
                {
                    shortQuerySession = TimeQueryEncoding(querySession, queries, options.TimingQueries).Short;
                }
            }
        }

        SparsityInfo? sparsity = null;
        if (encoded is not null)
        {
            var builder = new SpladeQueryBuilder(_model!.Vocabulary, IndexBuilder.SpladeFieldName) { QueryPruning = options.QueryPruning };
            var vectors = encoded.Queries.Ids.Zip(encoded.Queries.Vectors).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            var judged = queries.Select(q => vectors[q.Id]).ToArray();
            sparsity = new SparsityInfo(
                encoded.Documents.Vectors.Average(v => (double)v.Count),
                termFrequencies!.Average(v => (double)v.Count),
                termFrequencies!.Average(v => (double)v.TotalFrequency),
                judged.Length == 0 ? 0 : judged.Average(v => (double)v.Count),
                judged.Length == 0 ? 0 : judged.Average(v => (double)builder.SelectTerms(v).Count),
                bm25QueryTerms.Length == 0 ? 0 : bm25QueryTerms.Average(),
                corpus.AsParallel().Count(d => _model.Tokenizer.Encode(d.Contents, _model.MaxLength + 1).Length > _model.MaxLength),
                MeasureExpansionPrecision(queries, vectors, corpus, qrels));
        }

        if (!options.KeepIndexes)
        {
            foreach (var folder in folders.Where(f => f != options.SpladeIndexFolder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        var efficiency = new EfficiencyInfo(
            Environment.ProcessorCount,
            encoded is null ? null : encoded.Documents.Ids.Count / Math.Max(encoded.Documents.EncodeSeconds, 1e-9),
            encoded?.Documents.FromCache ?? false,
            docTiming,
            queryEncoding,
            shortQueryEncoding,
            bm25Index,
            spladeIndex,
            quantizationSeconds,
            bm25 is null ? null : LatencyStats.From(bm25.LatenciesMs),
            splade is null ? null : LatencyStats.From(splade.LatenciesMs),
            sparsity,
            shortQuerySession);

        return new Report(
            "splade-eval",
            DateTime.UtcNow,
            GitInfo.Commit(),
            $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}",
            new DatasetInfo(Path.GetFileName(Path.GetFullPath(_dataset)), Path.GetFullPath(_dataset), corpus.Count, options.Split, qrels.QueryIds.Count, qrels.PairCount, tuneSplit, tuneQueries.Count),
            _model is null || encoded is null ? null : ModelInfo.From(_model),
            Settings(options),
            outcomes,
            best,
            efficiency);
    }

    public static ExperimentSettingsInfo Settings(ExperimentOptions o) => new(
        o.Runs.ToString(), o.Depth, PruningInfo.From(o.DocumentPruning), o.QuantizationScale, PruningInfo.From(o.QueryPruning),
        o.RrfK, o.WeightStep, o.DefaultWeight, o.TimingDocuments, o.TimingQueries,
        $"Anserini BEIR flat: title + \" \" + text, EnglishAnalyzer, BM25(k1={Bm25Flat.K1}, b={Bm25Flat.B}) with " +
        (o.Bm25Lengths == Bm25Lengths.Lucene48 ? "Lucene 4.8's BM25Similarity" : "Lucene 8+ document lengths (Bm25Byte4Similarity)") +
        ", analyzed query terms as SHOULD clauses (boost = count)",
        o.TwoPhaseTerms,
        o.TwoPhaseTerms is null ? null : o.TwoPhaseCandidates ?? o.Depth);

    private static IReadOnlyList<CorpusQuery> JudgedQueries(IReadOnlyList<CorpusQuery> all, Qrels qrels, string split)
    {
        var judged = all.Where(q => qrels.IsJudged(q.Id)).ToArray();
        if (judged.Length != qrels.QueryIds.Count)
        {
            var have = judged.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
            throw new InvalidDataException($"qrels/{split}.tsv judges query '{qrels.QueryIds.First(id => !have.Contains(id))}', which queries.jsonl lacks.");
        }

        return judged;
    }

    private RunOutcome Outcome(Run run, Qrels qrels, ExperimentOptions options, TuningInfo? tuning)
    {
        var evaluation = TrecEval.Evaluate(run, qrels);
        string? file = null;
        if (options.WriteRunFiles)
        {
            file = Path.Combine(_output, $"{run.Name}.{options.Split}.trec");
            TrecRunFile.Write(run, file);
        }

        return new RunOutcome(run.Name, MetricSet.From(evaluation.Mean), evaluation.Queries, evaluation.QueriesWithoutResults, file is null ? null : Path.GetFileName(file), tuning);
    }

    private string AddHybrids(List<RunOutcome> outcomes, Run bm25, Run splade, Run? bm25Tune, Run? spladeTune, Qrels qrels, Qrels? tuneQrels, string? tuneSplit, ExperimentOptions options)
    {
        // The library's tuner scores every candidate on the tuning split: RRF, then each normalization over the weight
        // grid; ties go to the first candidate, so RRF wins a tie, then the lower weight.
        var tuning = tuneQrels is null
            ? null
            : HybridRuns.Tune(bm25Tune!, spladeTune!, tuneQrels, new HybridTuningOptions { RrfK = options.RrfK, WeightStep = options.WeightStep });
        var rrfFusion = HybridFusion.ReciprocalRank(options.RrfK);
        var rrfTune = tuning?.Candidates.Single(c => c.Fusion == rrfFusion).Ndcg ?? double.NaN;
        var rrfOutcome = Outcome(HybridRuns.Fuse(rrfFusion, bm25, splade, options.Depth, rrfFusion.Name), qrels, options,
            tuneSplit is null ? null : new TuningInfo(tuneSplit, "fixed k", null, rrfTune, null));
        outcomes.Add(rrfOutcome);

        foreach (var normalization in new[] { ScoreNormalization.MinMax, ScoreNormalization.ZScore })
        {
            var fusion = HybridFusion.Linear(normalization, options.DefaultWeight);
            TuningInfo? tuningInfo = null;
            if (tuning is not null)
            {
                var curve = tuning.Candidates.Where(c => c.Fusion.Method == FusionMethod.Linear && c.Fusion.Normalization == normalization).ToList();
                var best = curve.First(c => c.Ndcg == curve.Max(x => x.Ndcg));
                fusion = best.Fusion;
                tuningInfo = new TuningInfo(tuneSplit!, $"grid over SPLADE weight, step {options.WeightStep}, max nDCG@10", fusion.SpladeWeight, best.Ndcg,
                    curve.Select(c => new[] { c.Fusion.SpladeWeight, c.Ndcg }).ToList());
            }

            outcomes.Add(Outcome(HybridRuns.Fuse(fusion, bm25, splade, options.Depth, fusion.Name), qrels, options, tuningInfo));
        }

        // The best hybrid is chosen on the tuning split only; without one, the library's default normalization at the
        // fixed weight (by default HybridFusion.Default, chosen by leave-one-collection-out) is the hybrid.
        return tuning is null ? HybridFusion.Linear(HybridFusion.DefaultNormalization, options.DefaultWeight).Name : tuning.Best.Name;
    }

    private DocumentEncodingTiming? TimeDocumentEncoding(IReadOnlyList<CorpusDocument> corpus, int sample, IndexInfo spladeIndex)
    {
        if (sample <= 0)
        {
            return null;
        }

        var texts = corpus.Take(sample).Select(d => d.Contents).ToArray();
        var encoder = _model!.Encoder;
        _ = encoder.EncodeDocuments(texts.Take(4).ToArray()); // warm-up

        var clock = Stopwatch.StartNew();
        for (var start = 0; start < texts.Length; start += 16)
        {
            _ = encoder.EncodeDocuments(texts.Skip(start).Take(16).ToArray());
        }

        var encodeSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (var text in texts)
        {
            _ = encoder.Tokenizer.Encode(text, encoder.MaxLength);
        }

        var tokenizationSeconds = clock.Elapsed.TotalSeconds;
        var modelSeconds = Math.Max(0, encodeSeconds - tokenizationSeconds);
        var indexingSeconds = spladeIndex.Seconds * texts.Length / corpus.Count;
        var total = encodeSeconds + indexingSeconds;
        return new DocumentEncodingTiming(texts.Length, encodeSeconds, tokenizationSeconds, modelSeconds, indexingSeconds,
            texts.Length / encodeSeconds, tokenizationSeconds / total, modelSeconds / total, indexingSeconds / total);
    }

    /// <summary>Query encoding latency, one query at a time after a warm-up: all timed queries, and those shorter than <see cref="ShortQueryPieces"/> word pieces.</summary>
    private (LatencyStats? All, LatencyStats? Short) TimeQueryEncoding(IQueryEncoder encoder, IReadOnlyList<CorpusQuery> queries, int sample)
    {
        if (sample <= 0 || queries.Count == 0)
        {
            return (null, null);
        }

        _ = encoder.EncodeQuery(queries[0].Text); // warm-up
        var times = new List<double>();
        var shortTimes = new List<double>();
        foreach (var query in queries.Take(sample))
        {
            var start = Stopwatch.GetTimestamp();
            _ = encoder.EncodeQuery(query.Text);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            times.Add(ms);
            if (_model!.Tokenizer.Encode(query.Text, ShortQueryPieces + 3).Length - 2 < ShortQueryPieces)
            {
                shortTimes.Add(ms);
            }
        }

        return (LatencyStats.From(times), shortTimes.Count == 0 ? null : LatencyStats.From(shortTimes));
    }

    /// <summary>The judged queries' expansion precision (<see cref="ExpansionPrecision"/>), on the model's word pieces.</summary>
    private double? MeasureExpansionPrecision(IReadOnlyList<CorpusQuery> queries, IReadOnlyDictionary<string, SparseVector> vectors, IReadOnlyList<CorpusDocument> corpus, Qrels qrels)
    {
        var tokenizer = _model!.Tokenizer;
        var texts = corpus.ToDictionary(d => d.Id, d => d.Contents, StringComparer.Ordinal);
        var pieces = new Dictionary<string, IReadOnlySet<int>>(StringComparer.Ordinal);
        IReadOnlySet<int> PiecesOf(string id) =>
            pieces.TryGetValue(id, out var set) ? set : pieces[id] = tokenizer.Encode(texts[id], _model.MaxLength).ToHashSet();
        var items = queries.Select(q => (
            vectors[q.Id],
            (IReadOnlySet<int>)tokenizer.Encode(q.Text, _model.MaxLength).ToHashSet(),
            (IReadOnlyList<IReadOnlySet<int>>)qrels.For(q.Id).Where(j => j.Value > 0 && texts.ContainsKey(j.Key)).Select(j => PiecesOf(j.Key)).ToList()));
        var (mean, count) = ExpansionPrecision.Compute(items);
        return count == 0 ? null : mean;
    }

    /// <summary>Writes the vectors as an Anserini JsonVectorCollection file and reads them back, in the same order.</summary>
    private IReadOnlyList<QuantizedVector> AnseriniRoundTrip(string path, IReadOnlyList<string> ids, IReadOnlyList<QuantizedVector> vectors, Tokenization.Vocabulary vocabulary)
    {
        using (var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)))
        {
            for (var i = 0; i < ids.Count; i++)
            {
                Interchange.AnseriniVectors.WriteDocument(writer, new Interchange.AnseriniDocument(ids[i], "", vectors[i]), vocabulary);
            }
        }

        using var reader = new StreamReader(path);
        var read = Interchange.AnseriniVectors.ReadDocuments(reader, vocabulary, path).ToList();
        if (!read.Select(d => d.Id).SequenceEqual(ids))
        {
            throw new InvalidDataException($"{path}: the documents did not come back in order.");
        }

        _log($"SPLADE vectors through Anserini JsonVectorCollection: {path} ({new FileInfo(path).Length / 1048576.0:F1} MiB)");
        return read.Select(d => d.Vector).ToArray();
    }

    /// <summary>Queries with fewer word pieces than this (special tokens not counted) are "short" in the report.</summary>
    internal const int ShortQueryPieces = 16;
}

/// <summary>An experiment's BM25 and SPLADE runs on the evaluated split and its judgments.</summary>
internal sealed record ComponentRuns(Run? Bm25, Run? Splade, Qrels Qrels);
