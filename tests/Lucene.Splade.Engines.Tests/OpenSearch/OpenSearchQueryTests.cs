using System.Text.Json.Nodes;
using Lucene.Splade.OpenSearch;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class OpenSearchQueryTests
{
    private static readonly SparseVector Query = EngineDocumentTests.Vector(("u.s.", 2f), ("dog", 1.5f), ("[SEP]", 9f));

    [Test]
    public void The_query_is_neural_sparse_with_precomputed_query_tokens()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9200") };
        var index = new SpladeOpenSearchIndex(http, new EngineIndexLayout("docs") { VectorField = "passage_embedding" }, TestVocabulary.Instance);

        var body = JsonNode.Parse(index.CreateSearchBody(Query, size: 5))!;

        Assert.That(body["size"]!.GetValue<int>(), Is.EqualTo(5));
        var clause = body["query"]!["neural_sparse"]!["passage_embedding"]!.AsObject();
        Assert.That(clause.Select(p => p.Key), Is.EqualTo(new[] { "query_tokens" }), "no model_id: the cluster runs no model");
        Assert.That(ElasticsearchQueryTests.Weights(clause["query_tokens"]!), Is.EqualTo(new Dictionary<string, float> { ["u%2Es%2E"] = 2f, ["dog"] = 1.5f }));
    }

    [Test]
    public void The_mapping_has_a_rank_features_field()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9200") };
        var index = new SpladeOpenSearchIndex(http, new EngineIndexLayout("docs") { TextFields = ["text"] }, TestVocabulary.Instance);
        Assert.That(index.CreateIndexBody(), Is.EqualTo("""{"mappings":{"properties":{"splade":{"type":"rank_features"},"text":{"type":"text"}}}}"""));
    }

    [Test]
    public void An_http_client_without_the_cluster_address_is_refused()
    {
        using var http = new HttpClient();
        Assert.That(() => new SpladeOpenSearchIndex(http, new EngineIndexLayout("docs"), TestVocabulary.Instance), Throws.ArgumentException.With.Message.Contains("BaseAddress"));
    }

    [Test]
    public async Task Search_answers_with_the_hits_of_the_cluster()
    {
        using var engine = new EngineUnderTest(EngineFlavor.OpenSearch);
        await engine.Index.CreateIndexAsync();
        await engine.Index.IndexAsync(TestDocuments.Create(3));

        var hits = await engine.Index.SearchAsync(EngineDocumentTests.Vector(("dog", 1f)));

        Assert.That(engine.Fake.Violations, Is.Empty);
        Assert.That(hits.Select(h => (h.Id, h.Score)), Is.EqualTo(new[] { ("d0", 1.25) }));
    }
}
