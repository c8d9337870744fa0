namespace Lucene.Splade.Engines.Tests;

/// <summary>Bulk indexing against a loopback Elasticsearch and OpenSearch that check every request and answer as the engines do.</summary>
[TestFixture(EngineFlavor.Elasticsearch)]
[TestFixture(EngineFlavor.OpenSearch)]
public sealed class BulkIndexingTests(EngineFlavor flavor)
{
    private EngineUnderTest _engine = null!;
    private RecordingDelay _delay = null!;

    private FakeSearchEngine Fake => _engine.Fake;

    private SearchEngineIndex Index => _engine.Index;

    [SetUp]
    public async Task StartEngine()
    {
        _engine = new EngineUnderTest(flavor);
        _delay = new RecordingDelay();
        Assert.That(await Index.CreateIndexAsync(), Is.True);
    }

    [TearDown]
    public void StopEngine()
    {
        var violations = _engine.Fake.Violations;
        _engine.Dispose();
        Assert.That(violations, Is.Empty, "every request had the documented shape");
    }

    [Test]
    public async Task Creating_the_index_twice_says_it_exists()
    {
        Assert.That(await Index.CreateIndexAsync(), Is.False);
        var create = Fake.Requests.First(r => r.Method == "PUT");
        Assert.That(create.Body, Does.Contain($$"""{"type":"{{Fake.VectorType}}"}"""));
    }

    [Test]
    public async Task Every_document_lands_with_its_keys_and_float_weights()
    {
        var documents = TestDocuments.Create(7);

        var result = await Index.IndexAsync(documents, Options(batchSize: 3));

        Assert.That(result.AllIndexed, Is.True);
        Assert.That(result.Indexed, Is.EqualTo(7));
        Assert.That(result.Requests, Is.EqualTo(3), "batches of 3, 3 and 1");
        Assert.That(result.NextOffset, Is.EqualTo(7));
        foreach (var document in documents)
        {
            var stored = Fake.Documents[document.Id];
            var vector = stored.Vector("splade").ToDictionary(t => EngineTermKeys.FromKey(t.Key), t => (float)t.Value);
            Assert.That(vector, Is.EquivalentTo(document.Terms.ToDictionary(t => t.Term, t => t.Weight)), "the '.' and '%' keys map back to the terms, the weights are the floats");
            Assert.That(stored.Vector("splade").Keys, Has.None.Contains("."));
            Assert.That(stored.Text("text"), Is.EqualTo(document.Fields["text"]));
        }
    }

    [Test]
    public async Task A_throttled_request_is_retried_with_exponential_backoff()
    {
        Fake.ThrottleRequests(2);

        var result = await Index.IndexAsync(TestDocuments.Create(4), Options(batchSize: 10));

        Assert.That(result.AllIndexed, Is.True);
        Assert.That(result.Retries, Is.EqualTo(2));
        Assert.That(Fake.BulkRequests, Has.Count.EqualTo(3));
        Assert.That(_delay.Waits, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200) }));
        Assert.That(Fake.Documents.Keys, Is.EquivalentTo(new[] { "d0", "d1", "d2", "d3" }));
    }

    [Test]
    public async Task A_throttled_request_waits_as_long_as_Retry_After_asks_but_no_longer_than_the_maximum()
    {
        Fake.ThrottleRequests(2, retryAfterSeconds: 3);

        var result = await Index.IndexAsync(TestDocuments.Create(4), Options(batchSize: 10) with { MaxBackoff = TimeSpan.FromSeconds(2) });

        Assert.That(result.AllIndexed, Is.True);
        Assert.That(_delay.Waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2) }), "Retry-After 3 s, capped at MaxBackoff 2 s");

        Fake.ThrottleRequests(1, retryAfterSeconds: 1);
        _ = await Index.IndexAsync(TestDocuments.Create(4), Options(batchSize: 10));

        Assert.That(_delay.Waits[^1], Is.EqualTo(TimeSpan.FromSeconds(1)), "Retry-After 1 s is longer than the first backoff of 100 ms");
    }

    [Test]
    public async Task Rejected_documents_are_reported_and_only_throttled_ones_are_sent_again()
    {
        Fake.RejectDocument("d1");
        Fake.ThrottleDocument("d2", times: 2);

        var result = await Index.IndexAsync(TestDocuments.Create(4), Options(batchSize: 10));

        Assert.That(result.Completed, Is.True);
        Assert.That(result.Indexed, Is.EqualTo(3));
        var failure = result.Failures.Single();
        Assert.That((failure.Id, failure.Offset, failure.Status), Is.EqualTo(("d1", 1L, 400)));
        Assert.That(failure.ErrorType, Does.EndWith("parsing_exception"));
        Assert.That(failure.Reason, Does.Contain("failed to parse"));
        Assert.That(result.Retries, Is.EqualTo(2));
        Assert.That(Fake.BulkRequests.Skip(1).Select(r => r.Body.Split('\n').Length - 1), Is.All.EqualTo(2), "a retry holds only the throttled document (action + source)");
        Assert.That(Fake.BulkRequests[1].Body, Does.Contain("\"_id\":\"d2\""));
        Assert.That(Fake.Documents.Keys, Is.EquivalentTo(new[] { "d0", "d2", "d3" }));
    }

    [Test]
    public async Task Throttling_that_outlasts_the_retries_stops_the_run_and_it_resumes_from_the_offset()
    {
        var documents = TestDocuments.Create(6);
        Fake.ThrottleDocument("d3", int.MaxValue);

        var first = await Index.IndexAsync(documents, Options(batchSize: 2, maxRetries: 3));

        Assert.That(first.StopReason, Is.EqualTo(BulkStopReason.Throttled));
        Assert.That(first.Failures.Select(f => (f.Id, f.Status, f.ErrorType)), Is.EqualTo(new[] { ("d3", 429, "throttled") }));
        Assert.That(first.NextOffset, Is.EqualTo(4), "the throttled batch is accounted for, the rest was not read");
        Assert.That(first.Indexed + first.Failures.Count, Is.EqualTo(first.NextOffset - first.StartOffset));
        Assert.That(_delay.Waits, Has.Count.EqualTo(3), "bounded: MaxRetries waits");
        Assert.That(Fake.Documents.Keys, Is.EquivalentTo(new[] { "d0", "d1", "d2" }));

        Fake.ThrottleDocument("d3", 0);
        var resent = await Index.IndexAsync(first.Failures.Select(f => documents[f.Offset]), Options(batchSize: 2));
        var rest = await Index.IndexAsync(documents, Options(batchSize: 2) with { StartOffset = first.NextOffset });

        Assert.That(resent.AllIndexed && rest.AllIndexed, Is.True);
        Assert.That(rest.Indexed, Is.EqualTo(2));
        Assert.That(Fake.Documents.Keys, Is.EquivalentTo(documents.Select(d => d.Id)), "nothing lost");
    }

    [Test]
    public async Task A_failed_request_stops_the_run_with_its_batch_reported()
    {
        Fake.FailRequests(500, 1);

        var result = await Index.IndexAsync(TestDocuments.Create(5), Options(batchSize: 2));

        Assert.That(result.StopReason, Is.EqualTo(BulkStopReason.RequestFailed));
        Assert.That(result.Failures.Select(f => (f.Id, f.Status)), Is.EqualTo(new[] { ("d0", 500), ("d1", 500) }));
        Assert.That(result.Failures[0].ErrorType, Is.EqualTo("fake_failure"));
        Assert.That(result.NextOffset, Is.EqualTo(2));
        Assert.That(result.Requests, Is.EqualTo(1), "no retry on a status other than 429");
        Assert.That(result.StopDetail, Does.Contain("HTTP 500"));
    }

    [Test]
    public async Task Cancelling_while_waiting_to_retry_returns_what_was_done_without_throwing()
    {
        using var cancellation = new CancellationTokenSource();
        Fake.ThrottleDocument("d1", 1);
        var options = Options(batchSize: 10) with
        {
            Delay = (wait, token) =>
            {
                cancellation.Cancel();
                return Task.FromCanceled(token);
            },
        };

        var result = await Index.IndexAsync(TestDocuments.Create(3), options, cancellation.Token);

        Assert.That(result.StopReason, Is.EqualTo(BulkStopReason.Cancelled));
        Assert.That(result.Indexed, Is.EqualTo(2));
        Assert.That(result.Failures.Select(f => (f.Id, f.ErrorType)), Is.EqualTo(new[] { ("d1", "cancelled") }));
        Assert.That(result.NextOffset, Is.EqualTo(3));
    }

    [Test]
    public async Task No_document_is_lost_whatever_the_cluster_answers()
    {
        var documents = TestDocuments.Create(20);
        Fake.ThrottleRequests(1);
        Fake.RejectDocument("d4");
        Fake.RejectDocument("d13");
        Fake.ThrottleDocument("d7", 2);
        Fake.ThrottleDocument("d15", int.MaxValue);

        var accounted = new Dictionary<string, string>();
        long offset = 0;
        for (var run = 0; run < 5 && offset < documents.Length; run++)
        {
            var result = await Index.IndexAsync(documents, Options(batchSize: 4, maxRetries: 2) with { StartOffset = offset });
            Assert.That(result.Indexed + result.Failures.Count, Is.EqualTo(result.NextOffset - result.StartOffset), "each document read is indexed or reported");
            foreach (var failure in result.Failures)
            {
                accounted[failure.Id] = failure.ErrorType;
            }

            offset = result.NextOffset;
        }

        Assert.That(offset, Is.EqualTo(documents.Length));
        var landed = Fake.Documents.Keys.ToHashSet();
        Assert.That(documents.Where(d => !landed.Contains(d.Id)).Select(d => d.Id), Is.EquivalentTo(accounted.Keys));
        Assert.That(accounted.Keys, Is.EquivalentTo(new[] { "d4", "d13", "d15" }));
    }

    [Test]
    public async Task No_answer_stops_the_run_and_reports_the_batch()
    {
        var (index, http) = EngineUnderTest.Connect(flavor, "http://127.0.0.1:1", _engine.Layout);
        using (http)
        {
            var result = await index.IndexAsync(TestDocuments.Create(3), Options(batchSize: 2));

            Assert.That(result.StopReason, Is.EqualTo(BulkStopReason.RequestFailed));
            Assert.That(result.Failures.Select(f => (f.Id, f.Status, f.ErrorType)), Is.EqualTo(new[] { ("d0", 0, "no_response"), ("d1", 0, "no_response") }));
            Assert.That(result.NextOffset, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task Search_returns_the_documents_by_dot_product()
    {
        await Index.IndexAsync(TestDocuments.Create(4), Options(batchSize: 10));
        await Index.RefreshAsync();

        var hits = await Index.SearchAsync(EngineDocumentTests.Vector(("bike", 1f), ("u.s.", 0.5f)), size: 3);

        // d2 is about bike (weight 3.25); every document holds u.s. at 0.3.
        Assert.That(hits.Select(h => h.Id).First(), Is.EqualTo("d2"));
        Assert.That(hits[0].Score, Is.EqualTo(3.25 + 0.15).Within(1e-6));
        Assert.That(hits, Has.Count.EqualTo(3));
    }

    private BulkIndexingOptions Options(int batchSize, int maxRetries = 5) => new()
    {
        BatchSize = batchSize,
        MaxRetries = maxRetries,
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        Delay = _delay.Wait,
    };
}
