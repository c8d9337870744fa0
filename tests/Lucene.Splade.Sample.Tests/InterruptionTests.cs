using Lucene.Splade.Sample.Indexing;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class InterruptionTests
{
    [Test]
    public void Cancelling_midway_commits_exactly_the_documents_added_and_a_rerun_adds_the_rest()
    {
        var index = Path.Combine(SampleTestContext.NewFolder("interrupt"), "index");
        var options = new IndexBuildOptions(index, Rebuild: false, Threads: 1, BatchSize: 2);
        using var cancellation = new CancellationTokenSource();

        // Cancel as soon as the first batch is encoded, as Ctrl+C would.
        var progress = new CallbackProgress(p =>
        {
            if (p.Added >= 2)
            {
                cancellation.Cancel();
            }
        });
        var interrupted = new IndexBuilder(SampleTestContext.Encoder, SharedIndex.Metadata(), options).Build(TestCorpus.Documents, progress, cancellation.Token);
        var committed = IndexProbe.Read(index);

        var resumed = new IndexBuilder(SampleTestContext.Encoder, SharedIndex.Metadata(), options).Build(TestCorpus.Documents, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(interrupted.Interrupted, Is.True);
            Assert.That(interrupted.Added, Is.InRange(2, TestCorpus.Documents.Length - 1));
            Assert.That(interrupted.DocumentsInIndex, Is.EqualTo(interrupted.Added));
            Assert.That(committed.Ids, Has.Length.EqualTo(interrupted.Added), "the index opens and holds what was committed");
            Assert.That(committed.Ids, Is.SubsetOf(TestCorpus.Documents.Select(d => d.Id)));
            Assert.That(resumed.Interrupted, Is.False);
            Assert.That(resumed.SkippedExisting, Is.EqualTo(interrupted.Added));
            Assert.That(IndexProbe.Read(index).Ids, Is.EquivalentTo(TestCorpus.Documents.Select(d => d.Id)));
        });
    }

    [Test]
    public void The_index_command_says_it_was_interrupted_and_exits_with_130()
    {
        var folder = SampleTestContext.NewFolder("interrupt-cli");
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var run = ConsoleRun.Of(cancellation.Token, "index", TestCorpus.WriteJsonLines(folder), "--index", Path.Combine(folder, "index"));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Output);
            Assert.That(run.Output, Does.Contain("Interrupted").And.Contain("holds 0 documents").And.Contain("Run the same command again"));
            Assert.That(IndexProbe.Read(Path.Combine(folder, "index")).Ids, Is.Empty, "an empty but valid index");
        });
    }

    private sealed class CallbackProgress(Action<IndexProgress> report) : IProgress<IndexProgress>
    {
        public void Report(IndexProgress value) => report(value);
    }
}
