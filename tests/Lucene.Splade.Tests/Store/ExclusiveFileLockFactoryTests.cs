using Lucene.Net.Analysis.Core;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Store;

namespace Lucene.Splade.Tests.Store;

/// <summary>The lock factory in one process (the two-process case is tested with the sample console's processes).</summary>
[TestFixture]
public sealed class ExclusiveFileLockFactoryTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = System.IO.Directory.CreateTempSubdirectory("splade-lock-").FullName;

    [TearDown]
    public void DeleteFolder() => System.IO.Directory.Delete(_folder, recursive: true);

    [Test]
    public void A_second_writer_on_the_folder_is_refused_until_the_first_is_closed()
    {
        using var directory = FSDirectory.Open(_folder, new ExclusiveFileLockFactory());
        using var other = FSDirectory.Open(_folder, new ExclusiveFileLockFactory());
        IndexWriterConfig Config() => new(LuceneVersion.LUCENE_48, new KeywordAnalyzer()) { WriteLockTimeout = 0 };

        using (var first = new IndexWriter(directory, Config()))
        {
            Assert.That(() => new IndexWriter(other, Config()), Throws.InstanceOf<LockObtainFailedException>());
            Assert.That(IndexWriter.IsLocked(other), Is.True);
        }

        Assert.That(IndexWriter.IsLocked(other), Is.False);
        using var second = new IndexWriter(other, Config());
        Assert.That(second.NumDocs, Is.Zero);
    }

    [Test]
    public void A_lock_is_held_once_and_released_on_dispose()
    {
        var factory = new ExclusiveFileLockFactory(_folder);
        using var a = factory.MakeLock("write.lock");
        using var b = factory.MakeLock("write.lock");

        Assert.That(a.Obtain(), Is.True);
        Assert.That(a.Obtain(), Is.False, "already held");
        Assert.That(b.Obtain(), Is.False, "held by another lock object");
        Assert.That(b.IsLocked(), Is.True);
        a.Dispose();
        Assert.That(b.IsLocked(), Is.False);
        Assert.That(b.Obtain(), Is.True);
        Assert.That(File.Exists(Path.Combine(_folder, "write.lock")), Is.True, "the file stays; only the lock goes");
    }
}
