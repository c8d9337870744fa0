using System.Collections.Concurrent;
using Lucene.Splade.Encoders;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Encoders;

[TestFixture]
public sealed class ParallelEncodingTests
{
    [Test]
    public void Results_come_back_in_input_order_and_equal_sequential_encoding()
    {
        var encoder = new FakeSparseEncoder(FakeVocabulary.Create());
        var texts = Enumerable.Range(0, 203).Select(i => $"text number {i} with word{i % 17} and more{i % 5}").ToArray();

        var parallel = encoder.EncodeDocumentsInParallel(texts, new ParallelEncodingOptions { DegreeOfParallelism = 4, ChunkSize = 7 });
        var queries = encoder.EncodeQueriesInParallel(texts, new ParallelEncodingOptions { DegreeOfParallelism = 3, ChunkSize = 1 });

        var sequential = texts.Select(encoder.EncodeDocument).ToArray();
        Assert.That(parallel, Is.EqualTo(sequential));
        Assert.That(queries, Is.EqualTo(sequential));
    }

    [Test]
    public void Progress_counts_every_text_once_and_ends_at_the_total()
    {
        var encoder = new FakeSparseEncoder(FakeVocabulary.Create());
        var texts = Enumerable.Range(0, 50).Select(i => $"t{i}").ToArray();
        var reports = new ConcurrentBag<int>();

        _ = encoder.EncodeDocumentsInParallel(texts, new ParallelEncodingOptions { ChunkSize = 8, Progress = new SynchronousProgress(reports.Add) });

        Assert.That(reports.Max(), Is.EqualTo(50));
        Assert.That(reports, Has.Count.EqualTo(7), "one report per chunk of 8 (the last holds 2)");
        Assert.That(reports, Is.Unique);
    }

    [Test]
    public void Cancellation_stops_new_chunks_and_throws()
    {
        using var cancellation = new CancellationTokenSource();
        var started = 0;
        var encoder = new FakeSparseEncoder(FakeVocabulary.Create(), text =>
        {
            if (Interlocked.Increment(ref started) == 3)
            {
                cancellation.Cancel();
            }

            return SparseVector.Empty;
        });

        Assert.That(() => encoder.EncodeDocumentsInParallel(Enumerable.Range(0, 1000).Select(i => $"t{i}").ToArray(), new ParallelEncodingOptions { DegreeOfParallelism = 2, ChunkSize = 1 }, cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(started, Is.LessThan(20), "chunks stop starting soon after the cancellation");
    }

    [Test]
    public void The_encoders_own_exception_comes_through_unwrapped()
    {
        var encoder = new FakeSparseEncoder(FakeVocabulary.Create(), _ => throw new InvalidDataException("broken model"));

        Assert.That(() => encoder.EncodeDocumentsInParallel(["a", "b", "c"]), Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo("broken model"));
        Assert.That(() => encoder.EncodeDocumentsInParallel(["a", null!]), Throws.ArgumentNullException);
        Assert.That(() => new ParallelEncodingOptions { DegreeOfParallelism = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ParallelEncodingOptions { ChunkSize = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(encoder.EncodeDocumentsInParallel([]), Is.Empty);
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
