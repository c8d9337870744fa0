namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class BulkIndexingOptionsTests
{
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
