using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Lucene.Splade.Engines;
using EngineHttpMethod = System.Net.Http.HttpMethod;
using TransportHttpMethod = Elastic.Transport.HttpMethod;

namespace Lucene.Splade.Elasticsearch;

/// <summary>
/// <see cref="IEngineTransport"/> over the official client's own transport (its node pool, authentication, TLS and
/// connection settings).
/// </summary>
/// <remarks>
/// Why the low-level transport and not the typed API: (1) the 9.x client's typed requests send the media type
/// <c>application/vnd.elasticsearch+json; compatible-with=9</c>, which Elasticsearch 8.x refuses (it accepts
/// <c>compatible-with</c> 7 or 8), while plain <c>application/json</c> and <c>application/x-ndjson</c>, set here, work
/// with 8.15+ and 9.x alike; (2) bulk indexing must retry only the throttled items of a batch and account for each
/// document, which needs the raw per-item statuses; (3) the same request path then serves Elasticsearch and
/// OpenSearch, and is tested once. Retries are this library's (bounded backoff on 429), so the transport's own are off.
/// </remarks>
internal sealed class ElasticsearchClientTransport(ElasticsearchClient client) : IEngineTransport
{
    private const string RetryAfterHeader = "Retry-After";

    public async Task<EngineResponse> SendAsync(EngineRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var configuration = new RequestConfiguration
        {
            Accept = EngineRequest.Json,
            ContentType = request.ContentType,
            MaxRetries = 0,
            ResponseHeadersToParse = new HeadersList(RetryAfterHeader),
        };
        var path = new EndpointPath(Method(request.Method), request.Path);
        var body = request.Body.IsEmpty ? null : PostData.ReadOnlyMemory(request.Body);
        var response = await client.Transport.RequestAsync<StringResponse>(path, body, null, configuration, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var details = response.ApiCallDetails;
        return details.HttpStatusCode is { } status
            ? new EngineResponse(status, response.Body ?? "")
            {
                RetryAfter = details.TryGetHeader(RetryAfterHeader, out var values) ? EngineResponse.ParseRetryAfter(values.FirstOrDefault(), DateTimeOffset.UtcNow) : null,
            }
            : throw new HttpRequestException($"No answer from Elasticsearch for {request.Method} {request.Path}: {details.OriginalException?.Message ?? "unknown error"}", details.OriginalException);
    }

    private static TransportHttpMethod Method(EngineHttpMethod method) => method.Method switch
    {
        "GET" => TransportHttpMethod.GET,
        "PUT" => TransportHttpMethod.PUT,
        "POST" => TransportHttpMethod.POST,
        "DELETE" => TransportHttpMethod.DELETE,
        "HEAD" => TransportHttpMethod.HEAD,
        _ => throw new ArgumentException($"HTTP method {method} is not supported by the Elasticsearch transport.", nameof(method)),
    };
}
