using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lucene.Splade.Search;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Engines;

/// <summary>
/// A SPLADE index in a search engine cluster: creating it with its mapping, bulk indexing documents, and searching it
/// with query vectors encoded by this library. The engine packages (<c>Lucene.Splade.Elasticsearch</c>,
/// <c>Lucene.Splade.OpenSearch</c>) supply the vector field type and the query; the rest is the same REST API.
/// </summary>
/// <remarks>
/// <para>
/// Query vectors go through the same term selection as <see cref="SpladeQueryBuilder.SelectTerms"/>:
/// <see cref="QueryPruning"/>, then special tokens dropped, then the heaviest terms up to <see cref="MaxQueryTerms"/>
/// (and Lucene's <c>BooleanQuery.MaxClauseCount</c>). To match a <see cref="SpladeQueryBuilder"/> you use with Lucene,
/// set <c>QueryPruning = builder.QueryPruning</c> and <c>MaxQueryTerms = builder.MaxClauses</c>.
/// </para>
/// <para>Immutable once created; thread-safe when the transport is (both transports of the engine packages are).</para>
/// </remarks>
public abstract class SearchEngineIndex
{
    private readonly IEngineTransport _transport;
    private readonly BulkIndexer _bulk;

    /// <summary>Creates the index object (no request is sent).</summary>
    /// <param name="transport">Sends requests to the cluster.</param>
    /// <param name="layout">The index name and fields.</param>
    /// <param name="vocabulary">The vocabulary of the model that encodes the query vectors.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    protected SearchEngineIndex(IEngineTransport transport, EngineIndexLayout layout, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(vocabulary);
        _transport = transport;
        Layout = layout;
        Vocabulary = vocabulary;
        _bulk = new BulkIndexer(transport, layout);
    }

    /// <summary>The index name and fields.</summary>
    public EngineIndexLayout Layout { get; }

    /// <summary>The vocabulary that names the query vectors' terms.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Pruning applied to every query vector (as <see cref="SpladeQueryBuilder.QueryPruning"/>). Default none.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public PruningOptions QueryPruning
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(QueryPruning));
    } = PruningOptions.None;

    /// <summary>The most query terms kept, the heaviest (as <see cref="SpladeQueryBuilder.MaxClauses"/>); null for Lucene's clause limit only.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int? MaxQueryTerms
    {
        get;
        init
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxQueryTerms), value, "MaxQueryTerms must be positive.");
            }

            field = value;
        }
    }

    /// <summary>The mapping type of the vector field (<c>sparse_vector</c>, <c>rank_features</c>).</summary>
    protected abstract string VectorFieldType { get; }

    /// <summary>The engine's query for the selected query terms (never empty).</summary>
    /// <param name="terms">The terms and weights, keys not yet mapped (see <see cref="QueryVectorObject"/>).</param>
    protected abstract JsonObject CreateQuery(IReadOnlyList<TermWeight> terms);

    /// <summary>The body of <c>PUT /{index}</c> (<see cref="EngineIndexLayout.CreateIndexBody(string)"/> with this engine's vector field type).</summary>
    /// <exception cref="ArgumentException">The layout maps a field twice.</exception>
    public string CreateIndexBody() => Layout.CreateIndexBody(VectorFieldType);

    /// <summary>The terms and weights a query of <paramref name="queryVector"/> holds (see the remarks).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="queryVector"/> is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public IReadOnlyList<TermWeight> SelectQueryTerms(SparseVector queryVector)
    {
        var selector = new SpladeQueryBuilder(Vocabulary, Layout.VectorField) { QueryPruning = QueryPruning, MaxClauses = MaxQueryTerms };
        var selected = selector.SelectTerms(queryVector);
        return EngineDocument.NamedTerms(selected.TermIds, selected.Weights, Vocabulary);
    }

    /// <summary>
    /// The body of <c>POST /{index}/_search</c> for <paramref name="queryVector"/>: the top <paramref name="size"/>
    /// hits, ids and scores only (<c>_source</c> off). A vector with no term left gives <c>match_none</c>, as an empty
    /// Lucene query matches nothing.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="queryVector"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public string CreateSearchBody(SparseVector queryVector, int size = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var terms = SelectQueryTerms(queryVector);
        var query = terms.Count == 0 ? new JsonObject { ["match_none"] = new JsonObject() } : CreateQuery(terms);
        return new JsonObject { ["size"] = size, ["_source"] = false, ["query"] = query }.ToJsonString(EngineJson.SerializerOptions);
    }

    /// <summary>Creates the index with its mapping (<see cref="CreateIndexBody"/>).</summary>
    /// <returns>True when it was created; false when an index of that name already exists (its mapping is not checked).</returns>
    /// <exception cref="EngineRequestException">The cluster refused for another reason.</exception>
    /// <exception cref="HttpRequestException">The cluster did not answer.</exception>
    public async Task<bool> CreateIndexAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendJsonAsync(HttpMethod.Put, IndexPath(""), CreateIndexBody(), cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return true;
        }

        var (type, reason) = EngineJson.Error(response.Body);
        return type == "resource_already_exists_exception"
            ? false
            : throw new EngineRequestException($"PUT /{Layout.IndexName}", response.StatusCode, type, reason);
    }

    /// <summary>
    /// Sends <paramref name="documents"/> in bulk (see <see cref="BulkIndexingOptions"/>) and accounts for each one:
    /// the result counts the indexed ones and lists every failure; cancelling does not throw but stops with
    /// <see cref="BulkStopReason.Cancelled"/>, so the result still says where to resume.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="documents"/> is null.</exception>
    /// <exception cref="ArgumentException">A document is null or has a source field named like the vector field.</exception>
    public Task<BulkIndexResult> IndexAsync(IEnumerable<EngineDocument> documents, BulkIndexingOptions? options = null, CancellationToken cancellationToken = default) =>
        _bulk.IndexAsync(documents, options ?? BulkIndexingOptions.Default, cancellationToken);

    /// <summary>Makes what was indexed visible to search (<c>POST /{index}/_refresh</c>).</summary>
    /// <exception cref="EngineRequestException">The cluster refused.</exception>
    /// <exception cref="HttpRequestException">The cluster did not answer.</exception>
    public async Task RefreshAsync(CancellationToken cancellationToken = default) =>
        await SendCheckedAsync(HttpMethod.Post, IndexPath("/_refresh"), null, cancellationToken).ConfigureAwait(false);

    /// <summary>Searches with <paramref name="queryVector"/> (<see cref="CreateSearchBody"/>): the top hits, best first.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="queryVector"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    /// <exception cref="EngineRequestException">The cluster refused, or its answer has no hits.</exception>
    /// <exception cref="HttpRequestException">The cluster did not answer.</exception>
    public async Task<IReadOnlyList<EngineSearchHit>> SearchAsync(SparseVector queryVector, int size = 10, CancellationToken cancellationToken = default)
    {
        var body = CreateSearchBody(queryVector, size);
        var response = await SendCheckedAsync(HttpMethod.Post, IndexPath("/_search"), body, cancellationToken).ConfigureAwait(false);
        return ReadHits(response, $"POST /{Layout.IndexName}/_search");
    }

    /// <summary>
    /// The query vector as a JSON object of engine keys (<see cref="EngineTermKeys"/>) and float weights, as both
    /// engines take it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="terms"/> is null.</exception>
    protected static JsonObject QueryVectorObject(IReadOnlyList<TermWeight> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var vector = new JsonObject();
        foreach (var (term, weight) in terms)
        {
            vector[EngineTermKeys.ToKey(term)] = weight;
        }

        return vector;
    }

    private string IndexPath(string suffix) => "/" + Uri.EscapeDataString(Layout.IndexName) + suffix;

    private Task<EngineResponse> SendJsonAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken) =>
        _transport.SendAsync(new EngineRequest(method, path, body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body), EngineRequest.Json), cancellationToken);

    private async Task<EngineResponse> SendCheckedAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        var response = await SendJsonAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            var (type, reason) = EngineJson.Error(response.Body);
            throw new EngineRequestException($"{method} {path}", response.StatusCode, type, reason);
        }

        return response;
    }

    private static List<EngineSearchHit> ReadHits(EngineResponse response, string what)
    {
        try
        {
            using var json = JsonDocument.Parse(response.Body);
            var hits = new List<EngineSearchHit>();
            foreach (var hit in json.RootElement.GetProperty("hits").GetProperty("hits").EnumerateArray())
            {
                var score = hit.TryGetProperty("_score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : double.NaN;
                hits.Add(new EngineSearchHit(hit.GetProperty("_id").GetString()!, score));
            }

            return hits;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new EngineRequestException(what, response.StatusCode, null, string.Create(CultureInfo.InvariantCulture, $"the answer is not a search response ({e.Message})"));
        }
    }
}
