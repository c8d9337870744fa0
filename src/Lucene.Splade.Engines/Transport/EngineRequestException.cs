namespace Lucene.Splade.Engines;

/// <summary>A cluster refused a request (creating an index, searching): its status and its error, in one message.</summary>
public sealed class EngineRequestException : Exception
{
    /// <summary>Creates the exception for a refused request.</summary>
    /// <param name="what">What was asked, for the message (for example "PUT /my-index").</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="errorType">The engine's error type (for example <c>resource_already_exists_exception</c>), or null.</param>
    /// <param name="reason">The engine's reason, or the start of the body.</param>
    public EngineRequestException(string what, int statusCode, string? errorType, string reason)
        : base($"{what} failed with HTTP {statusCode}{(errorType is null ? "" : $" ({errorType})")}: {reason}")
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        Reason = reason;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The engine's error type, or null when the body had none.</summary>
    public string? ErrorType { get; }

    /// <summary>The engine's reason, or the start of the body.</summary>
    public string Reason { get; }
}
