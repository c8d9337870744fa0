namespace Lucene.Splade.Engines;

/// <summary>Why a bulk run stopped before the end of its input.</summary>
public enum BulkStopReason
{
    /// <summary>It did not stop: the whole input was processed.</summary>
    None,

    /// <summary>The cancellation token was cancelled.</summary>
    Cancelled,

    /// <summary>Documents were still throttled (HTTP 429) after <see cref="BulkIndexingOptions.MaxRetries"/> retries.</summary>
    Throttled,

    /// <summary>A bulk request failed as a whole (no answer, an error status other than 429, or an answer that is not a bulk response).</summary>
    RequestFailed,
}

/// <summary>A document that did not land, and why.</summary>
/// <param name="Offset">Its position in the input (from 0, skipped documents counted).</param>
/// <param name="Id">Its id.</param>
/// <param name="Status">The HTTP status of its item (or of the whole request); 0 when no answer came for it.</param>
/// <param name="ErrorType">The engine's error type (for example <c>document_parsing_exception</c>), or this library's: <c>throttled</c>, <c>cancelled</c>, <c>no_response</c>, <c>request_failed</c>, <c>invalid_response</c>.</param>
/// <param name="Reason">The engine's reason, or what happened.</param>
public sealed record BulkDocumentFailure(long Offset, string Id, int Status, string ErrorType, string Reason);

/// <summary>
/// What a bulk run did. Nothing is lost: every document of the input from <see cref="StartOffset"/> up to
/// <see cref="NextOffset"/> was either indexed (counted in <see cref="Indexed"/>) or is listed in
/// <see cref="Failures"/>; documents from <see cref="NextOffset"/> on were not read. To finish a run that stopped,
/// resend the failures you want and run again with <see cref="BulkIndexingOptions.StartOffset"/> =
/// <see cref="NextOffset"/>. Immutable.
/// </summary>
public sealed class BulkIndexResult
{
    internal BulkIndexResult(long startOffset, long nextOffset, long indexed, IReadOnlyList<BulkDocumentFailure> failures, int requests, int retries, BulkStopReason stopReason, string? stopDetail)
    {
        StartOffset = startOffset;
        NextOffset = nextOffset;
        Indexed = indexed;
        Failures = failures;
        Requests = requests;
        Retries = retries;
        StopReason = stopReason;
        StopDetail = stopDetail;
    }

    /// <summary>The offset the run started at: <see cref="BulkIndexingOptions.StartOffset"/>, or the input's length when that is shorter.</summary>
    public long StartOffset { get; }

    /// <summary>The offset to resume from: every document before it (from <see cref="StartOffset"/>) is accounted for.</summary>
    public long NextOffset { get; }

    /// <summary>Documents the engine acknowledged (created or updated).</summary>
    public long Indexed { get; }

    /// <summary>Documents that did not land, in input order of their batches.</summary>
    public IReadOnlyList<BulkDocumentFailure> Failures { get; }

    /// <summary>Bulk requests sent, retries included.</summary>
    public int Requests { get; }

    /// <summary>Retries after throttling (HTTP 429).</summary>
    public int Retries { get; }

    /// <summary>Why the run stopped early; <see cref="BulkStopReason.None"/> when it read its whole input.</summary>
    public BulkStopReason StopReason { get; }

    /// <summary>What stopped it, in words; null when it did not stop.</summary>
    public string? StopDetail { get; }

    /// <summary>True when the whole input was read (some documents may still have failed).</summary>
    public bool Completed => StopReason == BulkStopReason.None;

    /// <summary>True when the whole input was read and every document landed.</summary>
    public bool AllIndexed => Completed && Failures.Count == 0;
}
