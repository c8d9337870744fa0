using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Sample.Models;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Tests;

/// <summary>The test corpus indexed once, in-process, for the tests that only read an index.</summary>
internal static class SharedIndex
{
    private static readonly Lazy<string> Built = new(Build);

    public static string Path => Built.Value;

    public static IndexMetadata Metadata(float scale = 100f, PruningOptions? pruning = null)
    {
        var encoder = SampleTestContext.Encoder;
        return new IndexMetadata(EncoderSettings.EmbeddedModelName, encoder.Config.Description ?? "", encoder.MaxLength,
            encoder.Vocabulary.Count, scale, TermFrequencyQuantizer.DefaultMaxFrequency, pruning ?? PruningOptions.None);
    }

    private static string Build()
    {
        var index = System.IO.Path.Combine(SampleTestContext.NewFolder("shared"), "index");
        var builder = new IndexBuilder(SampleTestContext.Encoder, Metadata(), new IndexBuildOptions(index, Rebuild: true, Threads: 2, BatchSize: 4));
        builder.Build(TestCorpus.Documents, null, CancellationToken.None);
        return index;
    }
}
