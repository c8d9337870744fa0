using Lucene.Splade.Sample.Statistics;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class StatsTests
{
    [Test]
    public void Stats_count_documents_sizes_and_sparsity()
    {
        var report = IndexStatistics.Compute(SharedIndex.Path, null, null);

        Assert.Multiple(() =>
        {
            Assert.That(report.Documents, Is.EqualTo(TestCorpus.Documents.Length));
            Assert.That(report.BytesOnDisk, Is.GreaterThan(0));
            Assert.That(report.BytesByExtension.Keys, Does.Contain("tim").And.Contain("doc").And.Contain("fdt"), "no compound files");
            Assert.That(report.FieldSizes.Select(f => f.Field), Is.EqualTo(new[] { "contents", "splade", "id" }));
            Assert.That(report.FieldSizes, Has.All.Matches<FieldSize>(f => f.Bytes > 0 && f.Bytes < report.BytesOnDisk));
            Assert.That(report.FieldSizes[1].BytesByExtension.Keys, Does.Not.Contain("pos"), "SPLADE fields hold no positions");
            Assert.That(report.Splade.AverageTermsPerDocument, Is.GreaterThan(1));
            Assert.That(report.Splade.AverageTermFrequency, Is.GreaterThan(1), "quantized weights are frequencies");
            Assert.That(report.Flops.QueryCount, Is.Zero);
            Assert.That(report.Flops.Value, Is.GreaterThan(0));
            Assert.That(report.Metadata?.Model, Is.EqualTo("embedded"));
        });
    }

    [Test]
    public void Flops_is_the_sum_over_terms_of_query_share_times_document_share()
    {
        var vocabulary = Tokenization.Vocabulary.FromTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c"]);
        var builder = new SpladeQueryBuilder(vocabulary, "splade");
        var documentFrequencies = new Dictionary<string, int> { ["a"] = 4, ["b"] = 1, ["c"] = 2 };
        SparseVector[] queries = [new([5], [1f]), new([5, 6], [1f, 1f])];

        var flops = IndexStatistics.Flops(documentFrequencies, 4, queries, builder);
        var documentsOnly = IndexStatistics.Flops(documentFrequencies, 4, null, null);

        Assert.Multiple(() =>
        {
            // a: p_q 2/2, p_d 4/4; b: p_q 1/2, p_d 1/4; c: not in any query.
            Assert.That(flops.Value, Is.EqualTo((1.0 * 1.0) + (0.5 * 0.25)).Within(1e-12));
            Assert.That(flops.QueryCount, Is.EqualTo(2));
            Assert.That(documentsOnly.Value, Is.EqualTo(1.0 + (0.25 * 0.25) + (0.5 * 0.5)).Within(1e-12));
        });
    }

    [Test]
    public void The_stats_command_prints_sizes_flops_and_the_model()
    {
        var folder = SampleTestContext.NewFolder("stats");
        var queries = Path.Combine(folder, "queries.txt");
        File.WriteAllLines(queries, ["bread", "guitar chords"]);

        var run = ConsoleRun.Of("stats", "--index", SharedIndex.Path, "--queries", queries);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
        var flops = System.Text.RegularExpressions.Regex.Match(run.Output, @"expected FLOPS\s*│\s*([0-9.]+)");
        Assert.Multiple(() =>
        {
            Assert.That(run.Output, Does.Match($@"│\s*documents\s*│\s*{TestCorpus.Documents.Length}\s*│"), "the documents row holds the corpus size");
            Assert.That(run.Output, Does.Match(@"│\s*field splade\s*│\s*[0-9.]+ nonzero terms per document"));
            Assert.That(run.Output, Does.Match(@"│\s*field contents\s*│\s*[0-9.]+ distinct terms per document"));
            Assert.That(flops.Success, Is.True, run.Output);
            Assert.That(double.Parse(flops.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(run.Output, Does.Contain("p_q from 2 queries"));
            Assert.That(run.Output, Does.Match(@"│\s*model\s*│\s*model embedded \(all-MiniLM-L6-v2"));
        });
    }
}
