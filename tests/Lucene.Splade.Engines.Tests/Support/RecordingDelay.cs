namespace Lucene.Splade.Engines.Tests;

/// <summary>A <see cref="BulkIndexingOptions.Delay"/> that records each wait and returns at once: no test sleeps.</summary>
internal sealed class RecordingDelay
{
    private readonly List<TimeSpan> _waits = [];

    public IReadOnlyList<TimeSpan> Waits => _waits;

    public Task Wait(TimeSpan wait, CancellationToken cancellationToken)
    {
        _waits.Add(wait);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }
}
