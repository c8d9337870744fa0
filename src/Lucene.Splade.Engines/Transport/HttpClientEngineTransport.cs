using System.Net.Http.Headers;

namespace Lucene.Splade.Engines;

/// <summary>
/// <see cref="IEngineTransport"/> over an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the
/// cluster (authentication, TLS and timeouts are the client's). Thread-safe, as <see cref="HttpClient"/> is; the
/// caller owns and disposes the client.
/// </summary>
public sealed class HttpClientEngineTransport : IEngineTransport
{
    private readonly HttpClient _client;

    /// <summary>Creates a transport that sends through <paramref name="client"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException">The client has no absolute <see cref="HttpClient.BaseAddress"/>.</exception>
    public HttpClientEngineTransport(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.BaseAddress is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("The HttpClient needs the cluster's address as its BaseAddress (for example http://localhost:9200/).", nameof(client));
        }

        _client = client;
    }

    /// <inheritdoc />
    public async Task<EngineResponse> SendAsync(EngineRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(request.Method, request.Path.TrimStart('/'));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EngineRequest.Json));
        if (!request.Body.IsEmpty)
        {
            message.Content = new ReadOnlyMemoryContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
        }

        using var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        return new EngineResponse((int)response.StatusCode, body) { RetryAfter = retryAfter };
    }
}
