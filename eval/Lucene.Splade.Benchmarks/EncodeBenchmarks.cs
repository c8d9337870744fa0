using BenchmarkDotNet.Attributes;
using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;

namespace Lucene.Splade.Benchmarks;

/// <summary>
/// Encode time of the embedded default model for a short query and for a passage of exactly 256 word pieces
/// (the model's maximum length), one text per call, as a search or indexing thread sees it.
/// </summary>
[MemoryDiagnoser]
public class EncodeBenchmarks
{
    private SpladeEncoder _encoder = null!;
    private string _passage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _encoder = EmbeddedSpladeModel.LoadEncoder();
        _passage = SamplePassages.OfPieces(_encoder, 256);
    }

    [GlobalCleanup]
    public void Cleanup() => _encoder.Dispose();

    [Benchmark(Baseline = true)]
    public int ShortQuery() => _encoder.EncodeQuery("What is the capital of France?").Count;

    [Benchmark]
    public int Passage256Pieces() => _encoder.EncodeDocument(_passage).Count;
}
