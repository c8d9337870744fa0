using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Lucene.Splade.Engines;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Elasticsearch;

/// <summary>
/// A SPLADE index in Elasticsearch 8.15+ or 9.x: a <c>sparse_vector</c> field (plus the layout's text and keyword
/// fields), bulk indexing (see <see cref="SearchEngineIndex.IndexAsync"/>) and the <c>sparse_vector</c> query with
/// <c>query_vector</c>, built from a query vector encoded by this library. Requests go through the
/// <see cref="ElasticsearchClient"/> you configure (address, authentication, TLS).
/// </summary>
/// <remarks>
/// <para>
/// Keys: a term with a <c>.</c> or <c>%</c> is stored under <see cref="EngineTermKeys.ToKey"/> (<c>.</c> as
/// <c>%2E</c>, <c>%</c> as <c>%25</c>), since Elasticsearch rejects dots in feature names; queries built here use the
/// same keys. Weights: Elasticsearch keeps 9 significant bits of each (a relative error below 0.4%).
/// </para>
/// <para>Immutable once created and thread-safe, as the client is.</para>
/// </remarks>
public sealed class SpladeElasticsearchIndex : SearchEngineIndex
{
    /// <summary>The mapping type of the vector field, <c>sparse_vector</c> (for <see cref="EngineIndexLayout.CreateIndexBody(string)"/>).</summary>
    public const string FieldType = "sparse_vector";

    /// <summary>Creates the index object (no request is sent).</summary>
    /// <param name="client">The Elasticsearch client (its settings decide the address and authentication).</param>
    /// <param name="layout">The index name and fields.</param>
    /// <param name="vocabulary">The vocabulary of the model that encodes the query vectors.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SpladeElasticsearchIndex(ElasticsearchClient client, EngineIndexLayout layout, Vocabulary vocabulary)
        : base(new ElasticsearchClientTransport(client ?? throw new ArgumentNullException(nameof(client))), layout, vocabulary)
    {
    }

    /// <summary>
    /// Elasticsearch's own token pruning (<c>"prune": true</c> with this <c>pruning_config</c>), on top of
    /// <see cref="SearchEngineIndex.QueryPruning"/>; null (the default) sends <c>"prune": false</c> for the exact dot
    /// product. See <see cref="ElasticsearchTokenPruning"/> for how the two differ.
    /// </summary>
    public ElasticsearchTokenPruning? TokenPruning { get; init; }

    /// <inheritdoc />
    protected override string VectorFieldType => FieldType;

    /// <inheritdoc />
    protected override JsonObject CreateQuery(IReadOnlyList<TermWeight> terms)
    {
        var query = new JsonObject
        {
            ["field"] = Layout.VectorField,
            ["query_vector"] = QueryVectorObject(terms),
            ["prune"] = TokenPruning is not null,
        };
        if (TokenPruning is { } pruning)
        {
            query["pruning_config"] = new JsonObject
            {
                ["tokens_freq_ratio_threshold"] = pruning.TokensFreqRatioThreshold,
                ["tokens_weight_threshold"] = pruning.TokensWeightThreshold,
                ["only_score_pruned_tokens"] = pruning.OnlyScorePrunedTokens,
            };
        }

        return new JsonObject { ["sparse_vector"] = query };
    }
}
