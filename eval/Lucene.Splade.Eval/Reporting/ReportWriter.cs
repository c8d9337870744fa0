using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Eval.Experiments;

namespace Lucene.Splade.Eval.Reporting;

/// <summary>Writes a run's <see cref="Report"/> as JSON and as Markdown.</summary>
internal static class ReportWriter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file for people: "+" not "\u002B"
    };

    public static (string Json, string Markdown) Write(Report report, string folder, string name = "report")
    {
        Directory.CreateDirectory(folder);
        var json = Path.Combine(folder, name + ".json");
        var md = Path.Combine(folder, name + ".md");
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json));
        File.WriteAllText(md, ToMarkdown(report));
        return (json, md);
    }

    public static string ToMarkdown(Report r)
    {
        var s = new StringBuilder();
        var d = r.Dataset;
        s.AppendLine($"# {d.Name}: {d.Split} split");
        s.AppendLine();
        s.AppendLine($"- Collection: `{d.Path}`: {d.Documents:N0} documents, {d.JudgedQueries:N0} judged {d.Split} queries ({d.JudgedPairs:N0} judged pairs)");
        s.AppendLine($"- Model: {(r.Model is null ? "(no SPLADE run)" : $"{r.Model.Description} (max length {r.Model.MaxLength}, cache key {r.Model.CacheKey})")}");
        if (r.Model is not null)
        {
            s.AppendLine($"- SPLADE queries: {r.Model.QueryEncoderText}; documents: encoded by the model, {(r.Model.DocumentWindows is { } w ? $"long ones in overlapping windows ({w})" : $"truncated to {r.Model.MaxLength} word pieces")}");
        }

        var o = r.Options;
        s.AppendLine($"- SPLADE documents: pruning {o.DocumentPruning}, quantization scale {F(o.QuantizationScale, "0.##")}; queries: pruning {o.QueryPruning}");
        if (o.TwoPhaseTerms is { } heavy)
        {
            s.AppendLine($"- SPLADE search in two phases: candidates from each query's {heavy} heaviest terms, the best {o.TwoPhaseCandidates ?? o.Depth} re-scored exactly from the forward index");
        }
        s.AppendLine($"- BM25: {o.Bm25}");
        s.AppendLine($"- Depth {o.Depth}; hybrids: RRF k={o.RrfK}; weighted sums " +
                     (d.TuneSplit is null ? $"at SPLADE weight {F(o.DefaultWeight, "0.00")} (no tuning split)" : $"with the SPLADE weight tuned on `{d.TuneSplit}` ({d.TuneQueries:N0} queries), step {F(o.WeightStep, "0.00")}"));
        s.AppendLine($"- Commit {r.Commit ?? "unknown"}; {r.Machine}; {r.CreatedUtc:u}");
        s.AppendLine();
        s.AppendLine("## Effectiveness");
        s.AppendLine();
        s.AppendLine("Measures as trec_eval computes them (`-c`: every judged query counts; RR@10 = `-M 10 -m recip_rank`).");
        s.AppendLine();
        s.AppendLine("| run | nDCG@10 | RR@10 | R@100 | R@1000 | MAP | tuning | run file |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var run in r.Runs)
        {
            var m = run.Metrics;
            var tuning = run.Tuning is { } t ? $"{t.Split} nDCG@10 {F(t.TuneNdcg10)}{(t.Weight is { } w ? $" at w={F(w, "0.00")}" : "")}" : "";
            var name = run.Name == r.BestHybrid ? $"**{run.Name}** (best hybrid)" : run.Name;
            s.AppendLine($"| {name} | {F(m.Ndcg10)} | {F(m.RecipRank10)} | {F(m.Recall100)} | {F(m.Recall1000)} | {F(m.Map)} | {tuning} | {run.RunFile ?? ""} |");
        }

        var e = r.Efficiency;
        s.AppendLine();
        s.AppendLine("## Efficiency");
        s.AppendLine();
        s.AppendLine($"{e.Cores} cores. Search: one thread, `IndexSearcher.Search(query, {o.Depth})` only, after one untimed warm-up pass, " +
                     "BM25 and SPLADE on the same searcher (the two single-segment indexes side by side as one ParallelAtomicReader).");
        s.AppendLine();
        s.AppendLine("| | value |");
        s.AppendLine("|---|---|");
        if (e.CachedEncodingDocumentsPerSecond is { } cached)
        {
            s.AppendLine($"| document encoding, whole corpus (all cores, one ONNX thread per batch of 16) | {F(cached, "0.0")} docs/s{(e.CorpusFromCache ? " (when the cache was built)" : "")} |");
        }

        if (e.DocumentEncoding is { } de)
        {
            s.AppendLine($"| document encoding, {de.SampleDocuments} docs live, one thread | {F(de.DocumentsPerSecondOneThread, "0.0")} docs/s |");
            s.AppendLine($"| time shares per document (tokenization / model + pooling / indexing) | {P(de.TokenizationShare)} / {P(de.ModelAndPoolingShare)} / {P(de.IndexingShare)} |");
        }

        if (e.QueryEncoding is { } qe)
        {
            s.AppendLine($"| query encoding{(r.Model?.QueryEncoder is QueryEncoderNames.InferenceFree ? " (inference-free: tokenization + weight lookup)" : "")}, one thread ({qe.Queries} queries) | mean {F(qe.MeanMs, "0.00")} ms, p50 {F(qe.P50Ms, "0.00")}, p95 {F(qe.P95Ms, "0.00")}, p99 {F(qe.P99Ms, "0.00")} ms |");
        }

        if (e.ShortQueryEncoding is { } sq)
        {
            s.AppendLine($"| query encoding, short queries (under {Experiment.ShortQueryPieces} word pieces; {sq.Queries} of them) | mean {F(sq.MeanMs, "0.00")} ms, p50 {F(sq.P50Ms, "0.00")}, p95 {F(sq.P95Ms, "0.00")}, p99 {F(sq.P99Ms, "0.00")} ms |");
        }

        if (e.ShortQueryEncodingQuerySession is { } qs)
        {
            s.AppendLine($"| query encoding, short queries, a query session (ONNX Runtime's default threads: all {e.Cores} cores in one call) | mean {F(qs.MeanMs, "0.00")} ms, p50 {F(qs.P50Ms, "0.00")}, p95 {F(qs.P95Ms, "0.00")}, p99 {F(qs.P99Ms, "0.00")} ms |");
        }

        foreach (var index in new[] { e.Bm25Index, e.SpladeIndex }.OfType<IndexInfo>())
        {
            s.AppendLine($"| index `{index.Field}`: size on disk / build time / throughput | {Mib(index.SizeBytes)} / {F(index.Seconds, "0.00")} s / {F(index.DocumentsPerSecond, "0")} docs/s |");
        }

        if (e.SpladeIndex is not null)
        {
            s.AppendLine($"| pruning + quantization of all document vectors | {F(e.QuantizationSeconds, "0.000")} s |");
        }

        foreach (var (label, stats) in new[] { ("BM25", e.Bm25Search), ("SPLADE", e.SpladeSearch) })
        {
            if (stats is not null)
            {
                s.AppendLine($"| {label} search latency p50 / p95 / p99; QPS | {F(stats.P50Ms, "0.00")} / {F(stats.P95Ms, "0.00")} / {F(stats.P99Ms, "0.00")} ms; {F(stats.QueriesPerSecond, "0")} |");
            }
        }

        if (e.Sparsity is { } sp)
        {
            s.AppendLine($"| nonzero terms per document: raw / indexed (after pruning, quantization) | {F(sp.DocumentTermsRaw, "0.0")} / {F(sp.DocumentTermsIndexed, "0.0")} (sum of term frequencies {F(sp.DocumentPostingsPerDoc, "0")}) |");
            s.AppendLine($"| nonzero terms per query: raw / used (after pruning) | {F(sp.QueryTermsRaw, "0.0")} / {F(sp.QueryTermsUsed, "0.0")} |");
            s.AppendLine($"| BM25 terms per query (distinct analyzed) | {F(sp.Bm25QueryTerms, "0.0")} |");
            if (sp.ExpansionPrecision is { } ep)
            {
                s.AppendLine($"| expansion precision: share of a query's expansion weight on terms its relevant documents hold | {F(ep, "0.000")} |");
            }
            s.AppendLine($"| documents longer than the model's {r.Model?.MaxLength} word pieces | {sp.DocumentsOverMaxLength} |");
        }

        if (e.DocumentEncoding is not null)
        {
            s.AppendLine();
            s.AppendLine("Tokenization is timed apart (WordPieceTokenizer.Encode on the same texts), since the encoder does not report its " +
                         "internal timings; model + pooling is the encoder's time minus that, and indexing is the SPLADE index build time per document.");
        }

        return s.ToString();
    }

    public static string F(double value, string format = "0.0000") =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string P(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture) + " MiB";
}
