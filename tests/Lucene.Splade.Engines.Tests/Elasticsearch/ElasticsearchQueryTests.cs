using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Lucene.Splade.Elasticsearch;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class ElasticsearchQueryTests
{
    private static readonly EngineIndexLayout Layout = new("docs");

    private static readonly SparseVector Query = EngineDocumentTests.Vector(("u.s.", 2f), ("dog", 1.5f), ("[CLS]", 9f), ("%", 0.25f), ("walk", 0.125f));

    [Test]
    public void The_query_is_sparse_vector_with_the_query_vector_and_no_pruning_by_default()
    {
        var body = Body(Index());

        var query = body["query"]!["sparse_vector"]!.AsObject();
        Assert.That(body["size"]!.GetValue<int>(), Is.EqualTo(10));
        Assert.That(body["_source"]!.GetValue<bool>(), Is.False);
        Assert.That(query["field"]!.GetValue<string>(), Is.EqualTo("splade"));
        Assert.That(query["prune"]!.GetValue<bool>(), Is.False, "exact dot product even where the mapping prunes by default (8.19, 9.1+)");
        Assert.That(query.ContainsKey("pruning_config"), Is.False);
        Assert.That(Weights(query["query_vector"]!), Is.EqualTo(new Dictionary<string, float> { ["u%2Es%2E"] = 2f, ["dog"] = 1.5f, ["%25"] = 0.25f, ["walk"] = 0.125f }));
    }

    [Test]
    public void Elasticsearch_pruning_is_sent_as_its_pruning_config()
    {
        var index = new SpladeElasticsearchIndex(Client(), Layout, TestVocabulary.Instance) { TokenPruning = ElasticsearchTokenPruning.Default };

        var query = Body(index)["query"]!["sparse_vector"]!;

        Assert.That(query["prune"]!.GetValue<bool>(), Is.True);
        Assert.That(query["pruning_config"]!.ToJsonString(), Is.EqualTo("""{"tokens_freq_ratio_threshold":5,"tokens_weight_threshold":0.4,"only_score_pruned_tokens":false}"""));
    }

    [Test]
    public void The_query_terms_are_those_of_the_library_query_builder_with_the_same_pruning()
    {
        var pruning = new PruningOptions { TopK = 3, MinWeight = 0.2f };
        var index = new SpladeElasticsearchIndex(Client(), Layout, TestVocabulary.Instance) { QueryPruning = pruning, MaxQueryTerms = 2 };
        var builder = new SpladeQueryBuilder(TestVocabulary.Instance, "splade") { QueryPruning = pruning, MaxClauses = 2 };
        var expected = builder.SelectTerms(Query);

        var query = Body(index)["query"]!["sparse_vector"]!;

        Assert.That(Weights(query["query_vector"]!).Keys.Select(EngineTermKeys.FromKey),
            Is.EquivalentTo(expected.TermIds.ToArray().Select(id => TestVocabulary.Instance[id])));
        Assert.That(Weights(query["query_vector"]!).Keys, Is.EquivalentTo(new[] { "u%2Es%2E", "dog" }));
    }

    [Test]
    public void A_query_with_no_term_left_matches_nothing()
    {
        var body = Body(Index(), EngineDocumentTests.Vector(("[CLS]", 1f)));
        Assert.That(body["query"]!.ToJsonString(), Is.EqualTo("""{"match_none":{}}"""));
    }

    [Test]
    public void The_mapping_has_a_sparse_vector_field_and_the_text_fields()
    {
        var index = new SpladeElasticsearchIndex(Client(), new EngineIndexLayout("docs") { VectorField = "ml.tokens", TextFields = ["title", "text"], KeywordFields = ["lang"] }, TestVocabulary.Instance);
        Assert.That(index.CreateIndexBody(), Is.EqualTo("""{"mappings":{"properties":{"ml.tokens":{"type":"sparse_vector"},"title":{"type":"text"},"text":{"type":"text"},"lang":{"type":"keyword"}}}}"""));
    }

    [Test]
    public async Task Requests_through_the_official_client_use_plain_json_media_types()
    {
        using var engine = new EngineUnderTest(EngineFlavor.Elasticsearch);
        await engine.Index.CreateIndexAsync();
        await engine.Index.IndexAsync(TestDocuments.Create(2));
        await engine.Index.SearchAsync(Query);

        Assert.That(engine.Fake.Violations, Is.Empty);
        Assert.That(engine.Fake.Requests.Select(r => (r.Method, r.Path, r.ContentType?.Split(';')[0])), Is.EqualTo(new[]
        {
            ("PUT", "/docs", "application/json"),
            ("POST", "/_bulk", "application/x-ndjson"),
            ("POST", "/docs/_search", "application/json"),
        }));
    }

    [Test]
    public void A_refused_search_is_an_engine_request_exception()
    {
        using var engine = new EngineUnderTest(EngineFlavor.Elasticsearch);
        var e = Assert.ThrowsAsync<EngineRequestException>(() => engine.Index.SearchAsync(Query));
        Assert.That(e!.StatusCode, Is.EqualTo(404));
        Assert.That(e.Message, Does.Contain("never created"));
    }

    private static SpladeElasticsearchIndex Index() => new(Client(), Layout, TestVocabulary.Instance);

    private static ElasticsearchClient Client() => new(new Uri("http://127.0.0.1:9200"));

    private static JsonNode Body(SearchEngineIndex index, SparseVector? query = null) => JsonNode.Parse(index.CreateSearchBody(query ?? Query))!;

    internal static Dictionary<string, float> Weights(JsonNode vector) =>
        vector.AsObject().ToDictionary(t => t.Key, t => t.Value!.GetValue<float>());
}
