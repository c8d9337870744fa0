namespace Lucene.Splade.Engines;

/// <summary>
/// Sends documents in bulk batches and accounts for every one of them: retries throttled documents (HTTP 429 for the
/// request or for an item) with bounded exponential backoff, reports every other failure per document, and stops
/// (with the offset to resume from) when a whole request fails, retries run out, or the token is cancelled. One run
/// per call; safe to call from several threads when the transport is.
/// </summary>
internal sealed class BulkIndexer(IEngineTransport transport, EngineIndexLayout layout)
{
    private const int Throttled = 429;

    public async Task<BulkIndexResult> IndexAsync(IEnumerable<EngineDocument> documents, BulkIndexingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(options);
        using var input = documents.GetEnumerator();
        long skipped = 0;
        while (skipped < options.StartOffset && input.MoveNext())
        {
            skipped++;
        }

        // An input shorter than the start offset ends at its own length.
        var run = new Run(skipped);

        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return run.Stop(BulkStopReason.Cancelled, "cancelled before the next batch");
            }

            var batch = new List<(long Offset, EngineDocument Document)>(options.BatchSize);
            while (batch.Count < options.BatchSize && input.MoveNext())
            {
                batch.Add((run.NextOffset + batch.Count, input.Current ?? throw new ArgumentException($"The document at offset {run.NextOffset + batch.Count} is null.", nameof(documents))));
            }

            if (batch.Count == 0)
            {
                return run.Stop(BulkStopReason.None, null);
            }

            var stop = await SendBatchAsync(batch, options, run, cancellationToken).ConfigureAwait(false);
            run.NextOffset += batch.Count;
            if (stop is { } reason)
            {
                return run.Stop(reason.Reason, reason.Detail);
            }
        }
    }

    /// <summary>Sends one batch until every document in it is indexed or failed; a reason when the run must stop.</summary>
    private async Task<(BulkStopReason Reason, string Detail)?> SendBatchAsync(List<(long Offset, EngineDocument Document)> batch, BulkIndexingOptions options, Run run, CancellationToken cancellationToken)
    {
        var pending = batch;
        for (var retry = 0; ; retry++)
        {
            EngineResponse response;
            try
            {
                var body = BulkRequestBody.Create(pending.Select(p => p.Document), layout);
                run.Requests++;
                response = await transport.SendAsync(new EngineRequest(HttpMethod.Post, "/_bulk", body, EngineRequest.NdJson), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return run.FailAll(pending, 0, "cancelled", "cancelled while its bulk request was in flight; it may or may not have landed", BulkStopReason.Cancelled);
            }
            catch (HttpRequestException e)
            {
                return run.FailAll(pending, 0, "no_response", e.Message, BulkStopReason.RequestFailed);
            }

            List<(long Offset, EngineDocument Document)> throttled;
            var retryAfter = response.RetryAfter;
            if (response.StatusCode == Throttled)
            {
                throttled = pending;
            }
            else if (!response.IsSuccess)
            {
                var (type, reason) = EngineJson.Error(response.Body);
                return run.FailAll(pending, response.StatusCode, type ?? "request_failed", reason, BulkStopReason.RequestFailed);
            }
            else
            {
                var (outcomes, problem) = BulkResponseReader.Read(response.Body, pending.Select(p => p.Document.Id).ToArray());
                if (outcomes is null)
                {
                    return run.FailAll(pending, response.StatusCode, "invalid_response", problem!, BulkStopReason.RequestFailed);
                }

                throttled = [];
                for (var i = 0; i < pending.Count; i++)
                {
                    if (outcomes[i].IsSuccess)
                    {
                        run.Indexed++;
                    }
                    else if (outcomes[i].Status == Throttled)
                    {
                        throttled.Add(pending[i]);
                    }
                    else
                    {
                        run.Fail(pending[i], outcomes[i].Status, outcomes[i].ErrorType ?? "unknown", outcomes[i].Reason ?? "(no reason given)");
                    }
                }
            }

            if (throttled.Count == 0)
            {
                return null;
            }

            if (retry >= options.MaxRetries)
            {
                return run.FailAll(throttled, Throttled, "throttled", $"still throttled (HTTP 429) after {options.MaxRetries} retries", BulkStopReason.Throttled);
            }

            try
            {
                await options.Delay(options.Backoff(retry, retryAfter), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return run.FailAll(throttled, Throttled, "cancelled", "throttled (HTTP 429), and cancelled while waiting to retry", BulkStopReason.Cancelled);
            }

            run.Retries++;
            pending = throttled;
        }
    }

    /// <summary>The counters of one run.</summary>
    private sealed class Run(long startOffset)
    {
        private readonly List<BulkDocumentFailure> _failures = [];
        private readonly long _startOffset = startOffset;

        public long NextOffset { get; set; } = startOffset;

        public long Indexed { get; set; }

        public int Requests { get; set; }

        public int Retries { get; set; }

        public void Fail((long Offset, EngineDocument Document) item, int status, string type, string reason) =>
            _failures.Add(new BulkDocumentFailure(item.Offset, item.Document.Id, status, type, reason));

        public (BulkStopReason, string) FailAll(List<(long Offset, EngineDocument Document)> items, int status, string type, string reason, BulkStopReason stop)
        {
            foreach (var item in items)
            {
                Fail(item, status, type, reason);
            }

            return (stop, $"{reason} (HTTP {status}, {type})");
        }

        public BulkIndexResult Stop(BulkStopReason reason, string? detail) =>
            new(_startOffset, NextOffset, Indexed, _failures.ToArray(), Requests, Retries, reason, detail);
    }
}
