using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Corpora;
using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;
using Lucene.Splade.Vectors;
using Lucene.Splade.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace Lucene.Splade.Benchmarks;

/// <summary>
/// Each stage of document encoding and indexing on the same real passages: tokenization, the ONNX Runtime run alone on
/// the same graph and input tensors (the "raw" figure, baseline), the library's whole encoding call, pruning and
/// quantization, and token emission into an <see cref="IndexWriter"/>. Documents per second of a stage are
/// <see cref="Passages"/> over its mean time; the Ratio column of <see cref="Encode"/> is the pipeline's time over raw.
/// </summary>
/// <remarks>
/// Passages: the first <see cref="Passages"/> documents of SciFact (<c>$LUCENE_SPLADE_DATASETS</c>, else
/// <c>../shared/datasets</c> beside the repository) when present, else the sample corpus. The model: the embedded
/// default, or each folder in <c>$LUCENE_SPLADE_BENCH_MODELS</c> (comma list, e.g. an int8 folder written by
/// <c>splade-prepare int8</c>). Batches are the encoder's: sorted by length, <see cref="BatchSize"/> texts each.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)] // calls of seconds: no pilot stage
public class StageBenchmarks
{
    /// <summary>Passages encoded per benchmark call.</summary>
    public const int Passages = 128;

    private string[] _texts = [];
    private SpladeEncoder _encoder = null!;
    private InferenceSession _raw = null!;
    private List<Dictionary<string, OrtValue>> _rawInputs = [];
    private SparseVector[] _vectors = [];
    private QuantizedVector[] _frequencies = [];
    private readonly SpladeIndexingOptions _indexing = SpladeIndexingOptions.Default;

    /// <summary>Texts per model call, the same for the raw and the library benchmarks.</summary>
    [Params(2)]
    public int BatchSize { get; set; }

    /// <summary>The model folder: "embedded" or a path.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "embedded";

    /// <summary>The models measured.</summary>
    public static IEnumerable<string> Models() =>
        Environment.GetEnvironmentVariable("LUCENE_SPLADE_BENCH_MODELS") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : ["embedded"];

    [GlobalSetup]
    public void Setup()
    {
        _texts = BenchmarkData.Passages(Passages);
        var folder = Model == "embedded" ? EmbeddedSpladeModel.FolderPath : Model;
        // No logits bound: every call holds exactly BatchSize texts, the batches the raw benchmark runs.
        _encoder = SpladeEncoder.Load(folder, new SpladeEncoderOptions { BatchSize = BatchSize, MaxLogitsBytes = long.MaxValue });
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _raw = new InferenceSession(_encoder.Files.ModelPath, options);

        // The encoder's batches: token ids sorted by length, padded to the longest of each batch.
        var ids = _texts.Select(t => _encoder.Tokenizer.Encode(t, _encoder.MaxLength)).OrderBy(i => i.Length).ToArray();
        foreach (var batch in ids.Chunk(BatchSize))
        {
            var width = batch.Max(b => b.Length);
            var idValues = new long[batch.Length * width];
            var maskValues = new long[batch.Length * width];
            for (var r = 0; r < batch.Length; r++)
            {
                for (var t = 0; t < batch[r].Length; t++)
                {
                    idValues[(r * width) + t] = batch[r][t];
                    maskValues[(r * width) + t] = 1;
                }
            }

            long[] shape = [batch.Length, width];
            var inputs = new Dictionary<string, OrtValue>
            {
                ["input_ids"] = OrtValue.CreateTensorValueFromMemory(idValues, shape),
                ["attention_mask"] = OrtValue.CreateTensorValueFromMemory(maskValues, shape),
            };
            if (_raw.InputMetadata.ContainsKey("token_type_ids"))
            {
                inputs["token_type_ids"] = OrtValue.CreateTensorValueFromMemory(new long[batch.Length * width], shape);
            }

            _rawInputs.Add(inputs);
        }

        _vectors = _encoder.EncodeDocuments(_texts).ToArray();
        _frequencies = _vectors.Select(_indexing.ToTermFrequencies).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var value in _rawInputs.SelectMany(i => i.Values))
        {
            value.Dispose();
        }

        _raw.Dispose();
        _encoder.Dispose();
    }

    /// <summary>Word-piece tokenization of every passage.</summary>
    [Benchmark]
    public int Tokenize() => _texts.Sum(t => _encoder.Tokenizer.Encode(t, _encoder.MaxLength).Length);

    /// <summary>ONNX Runtime alone: the same graph and batches, inputs built in advance, outputs not read.</summary>
    [Benchmark(Baseline = true)]
    public int RawOnnxRuntime()
    {
        var outputs = 0;
        using var runOptions = new RunOptions();
        foreach (var inputs in _rawInputs)
        {
            using var result = _raw.Run(runOptions, inputs, _raw.OutputNames);
            outputs += result.Count;
        }

        return outputs;
    }

    /// <summary>The library's encoding call: tokenization, batching, the model, and sparse vectors out.</summary>
    [Benchmark]
    public int Encode() => _encoder.EncodeDocuments(_texts).Sum(v => v.Count);

    /// <summary>Pruning and quantization of the vectors to term frequencies (default indexing options).</summary>
    [Benchmark]
    public long PruneAndQuantize() => _vectors.Sum(v => _indexing.ToTermFrequencies(v).TotalFrequency);

    /// <summary>Token emission: the quantized vectors indexed as repeated tokens into an in-memory index, committed.</summary>
    [Benchmark]
    public int IndexTokens()
    {
        using var directory = new RAMDirectory();
        using var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new KeywordAnalyzer()));
        foreach (var frequencies in _frequencies)
        {
            writer.AddDocument(new Document { SpladeField.CreateEncodedField("splade", frequencies, _encoder.Vocabulary) });
        }

        writer.Commit();
        return writer.NumDocs;
    }
}

/// <summary>Real passages for the benchmarks.</summary>
internal static class BenchmarkData
{
    /// <summary>The first <paramref name="count"/> SciFact documents when the shared collections are present, else the sample corpus's.</summary>
    public static string[] Passages(int count)
    {
        var scifact = RepositoryLocator.SharedDatasets() is { } shared ? Path.Combine(shared, "scifact") : null;
        var folder = scifact is not null && File.Exists(Path.Combine(scifact, "corpus.jsonl"))
            ? scifact
            : Path.Combine(RepositoryLocator.RepositoryRoot(), "samples", "Lucene.Splade.Sample", "Data");
        var texts = BeirCollection.ReadCorpus(folder).Select(d => d.Contents).ToArray();
        return Enumerable.Range(0, count).Select(i => texts[i % texts.Length]).ToArray();
    }
}
