using System.Text.Json.Nodes;
using Lucene.Splade.Engines;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.OpenSearch;

/// <summary>
/// A SPLADE index in OpenSearch 2.19+ or 3.x: a <c>rank_features</c> field (plus the layout's text and keyword
/// fields), bulk indexing (see <see cref="SearchEngineIndex.IndexAsync"/>) and the <c>neural_sparse</c> query with
/// <c>query_tokens</c>, a query vector encoded by this library, so the cluster needs no model (the neural-search plugin,
/// part of the standard distribution, runs the query).
/// </summary>
/// <remarks>
/// <para>
/// Keys: <c>rank_features</c> rejects feature names with a <c>.</c>, so a term with a <c>.</c> or <c>%</c> is stored
/// under <see cref="EngineTermKeys.ToKey"/> (<c>.</c> as <c>%2E</c>, <c>%</c> as <c>%25</c>); queries built here use
/// the same keys. Weights: OpenSearch keeps 9 significant bits and accepts positive values only, which
/// <see cref="EngineDocument"/> checks.
/// </para>
/// <para>Immutable once created and thread-safe, as <see cref="HttpClient"/> is.</para>
/// </remarks>
public sealed class SpladeOpenSearchIndex : SearchEngineIndex
{
    /// <summary>The mapping type of the vector field, <c>rank_features</c> (for <see cref="EngineIndexLayout.CreateIndexBody(string)"/>).</summary>
    public const string FieldType = "rank_features";

    /// <summary>Creates the index object over an <see cref="HttpClient"/> (no request is sent).</summary>
    /// <param name="client">A client whose <see cref="HttpClient.BaseAddress"/> is the cluster; its handler does authentication and TLS. The caller owns it.</param>
    /// <param name="layout">The index name and fields.</param>
    /// <param name="vocabulary">The vocabulary of the model that encodes the query vectors.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The client has no absolute base address.</exception>
    public SpladeOpenSearchIndex(HttpClient client, EngineIndexLayout layout, Vocabulary vocabulary)
        : this(new HttpClientEngineTransport(client), layout, vocabulary)
    {
    }

    /// <summary>Creates the index object over any transport (for example one that signs requests).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SpladeOpenSearchIndex(IEngineTransport transport, EngineIndexLayout layout, Vocabulary vocabulary)
        : base(transport, layout, vocabulary)
    {
    }

    /// <inheritdoc />
    protected override string VectorFieldType => FieldType;

    /// <inheritdoc />
    protected override JsonObject CreateQuery(IReadOnlyList<TermWeight> terms) => new()
    {
        ["neural_sparse"] = new JsonObject
        {
            [Layout.VectorField] = new JsonObject { ["query_tokens"] = QueryVectorObject(terms) },
        },
    };
}
