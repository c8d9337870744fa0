namespace Lucene.Splade.Engines;

/// <summary>
/// How documents are sent in bulk: batch size, retries on throttling (HTTP 429, for a whole request or for single
/// documents) with bounded exponential backoff, and where to resume. Immutable; each value is checked when set.
/// </summary>
public sealed record BulkIndexingOptions
{
    /// <summary>The defaults: batches of 500, 5 retries, backoff from 0.5 s doubling up to 30 s.</summary>
    public static BulkIndexingOptions Default { get; } = new();

    /// <summary>Documents per bulk request. Default 500; keep a request well under the cluster's limit (100 MB by default).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int BatchSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(BatchSize));
            field = value;
        }
    } = 500;

    /// <summary>
    /// How many times the throttled documents of one batch are sent again before they are reported as failed and
    /// indexing stops (<see cref="BulkStopReason.Throttled"/>). Default 5; 0 never retries.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxRetries
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(MaxRetries));
            field = value;
        }
    } = 5;

    /// <summary>The wait before the first retry; each further retry waits twice as long, up to <see cref="MaxBackoff"/>. Default 0.5 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan InitialBackoff
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(InitialBackoff));
            field = value;
        }
    } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two retries. Default 30 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxBackoff
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(MaxBackoff));
            field = value;
        }
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Skip this many documents of the input before sending: pass <see cref="BulkIndexResult.NextOffset"/> of a run
    /// that stopped to resume it. Offsets in the result count from the start of the input, skipped ones included.
    /// Default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long StartOffset
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(StartOffset));
            field = value;
        }
    }

    /// <summary>
    /// Waits between retries: given the backoff and the cancellation token. Default <see cref="Task.Delay(TimeSpan, CancellationToken)"/>;
    /// tests pass one that records the waits and returns at once.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public Func<TimeSpan, CancellationToken, Task> Delay
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Delay));
    } = Task.Delay;

    /// <summary>The wait before retry number <paramref name="retry"/> (0 for the first): <c>min(MaxBackoff, InitialBackoff x 2^retry)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is negative.</exception>
    public TimeSpan Backoff(int retry) => Backoff(retry, null);

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> when the throttled answer asked for
    /// <paramref name="retryAfter"/> (<see cref="EngineResponse.RetryAfter"/>): the longer of the two, never more than
    /// <see cref="MaxBackoff"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is negative.</exception>
    public TimeSpan Backoff(int retry, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retry);
        var ticks = InitialBackoff.Ticks * Math.Pow(2, Math.Min(retry, 62));
        var backoff = ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
        return retryAfter is { } asked && asked > backoff ? (asked < MaxBackoff ? asked : MaxBackoff) : backoff;
    }
}
