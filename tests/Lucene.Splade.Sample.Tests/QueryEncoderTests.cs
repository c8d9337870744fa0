using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;
using Lucene.Splade.Sample.Searching;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Sample.Tests;

/// <summary><c>--query-encoder inference-free</c> on <c>search</c> and <c>encode --query</c>.</summary>
[TestFixture]
public sealed class QueryEncoderTests
{
    /// <summary>
    /// The embedded model's tokenizer files with query weights (1 for every ordinary word piece) or without; no
    /// model.onnx, which inference-free queries do not need.
    /// </summary>
    private static string WeightsFolder(bool withWeights = true)
    {
        var source = EmbeddedSpladeModel.FolderPath;
        var folder = SampleTestContext.NewFolder("query-weights");
        foreach (var file in new[] { SpladeModelFolder.VocabularyFileName, SpladeModelConfig.FileName })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(folder, file));
        }

        if (withWeights)
        {
            var vocabulary = Vocabulary.Load(Path.Combine(folder, SpladeModelFolder.VocabularyFileName));
            var weights = Enumerable.Range(0, vocabulary.Count).Select(i => vocabulary.IsExcludedTerm(i) ? 0f : 1f).ToArray();
            InferenceFreeQueryEncoder.SaveWeights(Path.Combine(folder, SpladeModelFolder.QueryWeightsFileName), weights);
        }

        return folder;
    }

    [Test]
    public void Encode_query_lists_the_query_pieces_with_their_weights_and_no_expansion()
    {
        var folder = WeightsFolder();

        var run = ConsoleRun.Of("encode", "--query", "cheap flights to rome, cheap!", "--query-encoder", "inference-free", "-m", folder);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
            Assert.That(run.Output, Does.Contain("Query encoder: inference-free").And.Contain(SpladeModelFolder.QueryWeightsFileName));
            Assert.That(run.Output, Does.Contain("rome").And.Contain("1.000").And.Not.Contain("expansion"));
            Assert.That(run.Output, Does.Contain("As a query (inference-free): 6 nonzero terms"), "cheap, flights, to, rome and two punctuation marks, cheap once");
        });
    }

    [Test]
    public void Embedded_trained_names_the_shipped_trained_head_for_both_encoders()
    {
        var model = ConsoleRun.Of("encode", "--query", "What is the capital of France?", "-m", "embedded-trained");
        var free = ConsoleRun.Of("encode", "--query", "What is the capital of France?", "-m", "embedded-trained", "--query-encoder", "inference-free");

        Assert.Multiple(() =>
        {
            Assert.That(model.ExitCode, Is.EqualTo(ExitCodes.Ok), model.Output);
            Assert.That(model.Output, Does.Contain("france").And.Match("trained-[0-9a-f]{16}"));
            Assert.That(free.ExitCode, Is.EqualTo(ExitCodes.Ok), free.Output);
            Assert.That(free.Output, Does.Contain("Query encoder: inference-free").And.Contain("france"));
        });
    }

    [Test]
    public void Search_encodes_the_query_with_the_weights()
    {
        var folder = WeightsFolder();

        var run = ConsoleRun.Of("search", "how to bake a loaf of bread", "--index", SharedIndex.Path, "--query-encoder", "inference-free", "-m", folder, "-k", "1");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Output);
            Assert.That(run.Output, Does.Contain("Query encoder: inference-free"));
            Assert.That(run.Output, Does.Contain("Baking bread at home"));
            Assert.That(run.Output, Does.Contain("warning:").And.Contain("the index was built with embedded"), "the weights come from another folder than the index's model");
        });
    }

    [Test]
    public void The_searcher_takes_the_inference_free_encoder()
    {
        var encoder = InferenceFreeQueryEncoder.Load(WeightsFolder());
        using var searcher = new Searcher(SharedIndex.Path, encoder);

        var hits = searcher.Search("caring for young dogs", Engine.Splade, 3);

        Assert.That(hits.Select(h => h.Id), Does.Contain("puppy"));
        Assert.That(hits.Select(h => h.Score), Is.Ordered.Descending);
    }

    [Test]
    public void A_folder_without_query_weights_is_a_one_line_error()
    {
        var folder = WeightsFolder(withWeights: false);

        ConsoleRun.Of("search", "bread", "--index", SharedIndex.Path, "--query-encoder", "inference-free", "-m", folder)
            .AssertOneLineError("no inference-free query weights");
        ConsoleRun.Of("encode", "--query", "bread", "--query-encoder", "inference-free", "-m", folder)
            .AssertOneLineError("no inference-free query weights");
    }

    [Test]
    public void Inference_free_encodes_queries_only()
    {
        ConsoleRun.Of("encode", "--document", "bread", "--query-encoder", "inference-free").AssertOneLineError("queries only");
        ConsoleRun.Of("encode", "bread", "--query-encoder", "inference-free").AssertOneLineError("queries only");
    }

    [Test]
    public void An_unknown_query_encoder_is_a_one_line_error()
    {
        ConsoleRun.Of("encode", "--query", "bread", "--query-encoder", "idf").AssertOneLineError("--query-encoder must be model or inference-free");
        ConsoleRun.Of("search", "bread", "--index", SharedIndex.Path, "--query-encoder", "idf").AssertOneLineError("--query-encoder must be model or inference-free");
    }
}
