namespace Lucene.Splade.Engines;

/// <summary>
/// Sends one HTTP request to an Elasticsearch or OpenSearch cluster and returns its answer. The engine packages
/// provide one over the official Elasticsearch client and one over <see cref="HttpClient"/>; implement it to add
/// request signing or another client. Implementations must be safe to call from several threads at once.
/// </summary>
public interface IEngineTransport
{
    /// <summary>Sends <paramref name="request"/>; any HTTP status is an answer, not an error.</summary>
    /// <returns>The status code and body of the cluster's answer.</returns>
    /// <exception cref="HttpRequestException">No answer came (connection refused, DNS failure, timeout).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<EngineResponse> SendAsync(EngineRequest request, CancellationToken cancellationToken);
}

/// <summary>An HTTP request to a cluster.</summary>
/// <param name="Method">GET, PUT or POST.</param>
/// <param name="Path">The path and query, relative to the cluster's address (for example <c>/_bulk</c>).</param>
/// <param name="Body">The body (UTF-8); empty for none.</param>
/// <param name="ContentType">The body's media type: <c>application/json</c>, or <c>application/x-ndjson</c> for bulk.</param>
public sealed record EngineRequest(HttpMethod Method, string Path, ReadOnlyMemory<byte> Body, string ContentType)
{
    /// <summary>The media type of JSON bodies.</summary>
    public const string Json = "application/json";

    /// <summary>The media type of bulk bodies (newline-delimited JSON).</summary>
    public const string NdJson = "application/x-ndjson";
}

/// <summary>A cluster's answer.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Body">The body as text (JSON from the engines); empty for none.</param>
public sealed record EngineResponse(int StatusCode, string Body)
{
    /// <summary>True for a 2xx status.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// The wait the cluster, or a proxy in front of it, asked for with a <c>Retry-After</c> header (seconds or an HTTP
    /// date); null when the answer has none. Bulk indexing waits at least this long (up to
    /// <see cref="BulkIndexingOptions.MaxBackoff"/>) before it retries a throttled request.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A <c>Retry-After</c> value as a wait from <paramref name="now"/>: delta seconds or an HTTP date; null when absent or unreadable.</summary>
    internal static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds - 1));
        }

        return DateTimeOffset.TryParseExact(value.Trim(), "r", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }
}
