namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class BulkIndexingOptionsTests
{
    [Test]
    public void Retry_After_lengthens_the_backoff_up_to_the_cap_and_never_shortens_it()
    {
        var options = new BulkIndexingOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(5) };

        Assert.That(options.Backoff(0, TimeSpan.FromSeconds(2)), Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(options.Backoff(0, TimeSpan.FromMilliseconds(10)), Is.EqualTo(TimeSpan.FromMilliseconds(100)), "the backoff is longer");
        Assert.That(options.Backoff(0, TimeSpan.FromMinutes(10)), Is.EqualTo(TimeSpan.FromSeconds(5)), "capped");
        Assert.That(options.Backoff(2, null), Is.EqualTo(options.Backoff(2)));
    }

    [TestCase("120", 120.0)]
    [TestCase(" 7 ", 7.0)]
    [TestCase("0", 0.0)]
    [TestCase("Wed, 21 Oct 2015 07:28:30 GMT", 30.0)]
    [TestCase("Wed, 21 Oct 2015 07:27:00 GMT", 0.0)]
    [TestCase("soon", null)]
    [TestCase("-5", null)]
    [TestCase("", null)]
    [TestCase(null, null)]
    public void Retry_After_reads_seconds_or_an_HTTP_date(string? value, double? seconds)
    {
        var now = new DateTimeOffset(2015, 10, 21, 7, 28, 0, TimeSpan.Zero);

        Assert.That(EngineResponse.ParseRetryAfter(value, now)?.TotalSeconds, Is.EqualTo(seconds));
    }

    [Test]
    public void Backoff_doubles_from_the_initial_wait_up_to_the_cap()
    {
        var options = new BulkIndexingOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(700) };

        var waits = Enumerable.Range(0, 5).Select(options.Backoff).Select(w => w.TotalMilliseconds);

        Assert.That(waits, Is.EqualTo(new[] { 100, 200, 400, 700, 700 }));
        Assert.That(options.Backoff(int.MaxValue), Is.EqualTo(options.MaxBackoff));
    }

    [Test]
    public void Values_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BulkIndexingOptions { BatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BulkIndexingOptions { MaxRetries = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BulkIndexingOptions { InitialBackoff = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BulkIndexingOptions { StartOffset = -1 });
        Assert.Throws<ArgumentNullException>(() => _ = new BulkIndexingOptions { Delay = null! });
    }
}
