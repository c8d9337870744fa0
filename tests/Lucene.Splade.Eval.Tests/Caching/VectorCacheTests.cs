using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Eval.Tests.Support;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Tests.Caching;

public sealed class VectorCacheTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestData.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static readonly SparseVector[] Vectors =
    [
        new([3, 7, 42], [0.5f, 1.25f, 3e-5f]),
        SparseVector.Empty,
        new([0], [float.Epsilon]),
    ];

    [Test]
    public void WriteThenReadGivesTheSameVectors()
    {
        var path = Path.Combine(_folder, "x.spv");
        VectorCache.Write(path, ["a", "b", "ü"], Vectors, 1.5);

        var read = VectorCache.Read(path);

        Assert.That(read.Ids, Is.EqualTo(new[] { "a", "b", "ü" }));
        Assert.That(read.Vectors, Is.EqualTo(Vectors));
        Assert.That(read.EncodeSeconds, Is.EqualTo(1.5));
        Assert.That(read.FromCache, Is.True);
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file left");
    }

    [Test]
    public void SecondRequestSkipsTheEncoderAndAnotherModelKeyDoesNot()
    {
        var source = Path.Combine(_folder, "corpus.jsonl");
        File.WriteAllText(source, "{}");
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var calls = 0;
        (IReadOnlyList<SparseVector>, double) Encode()
        {
            calls++;
            return (Vectors, 2.0);
        }

        var first = cache.GetOrEncode(source, "model-1", ["a", "b", "c"], Encode);
        var second = cache.GetOrEncode(source, "model-1", ["a", "b", "c"], Encode);
        var other = cache.GetOrEncode(source, "model-2", ["a", "b", "c"], Encode);

        Assert.That(calls, Is.EqualTo(2));
        Assert.That(first.FromCache, Is.False);
        Assert.That(second.FromCache, Is.True);
        Assert.That(second.Vectors, Is.EqualTo(Vectors));
        Assert.That(other.FromCache, Is.False);
    }

    [Test]
    public void ChangedSourceFileIsEncodedAgain()
    {
        var source = Path.Combine(_folder, "corpus.jsonl");
        File.WriteAllText(source, "{}");
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var before = cache.PathFor(source, "m");
        File.WriteAllText(source, "{ }\n");

        Assert.That(cache.PathFor(source, "m"), Is.Not.EqualTo(before));
    }

    [Test]
    public void NotACacheFileIsRejected()
    {
        var path = Path.Combine(_folder, "bad.spv");
        File.WriteAllBytes(path, new byte[16]);
        Assert.That(() => VectorCache.Read(path), Throws.InstanceOf<InvalidDataException>());
    }

    [Test]
    public void The_test_run_has_its_own_default_cache_not_the_users()
    {
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");

        Assert.That(VectorCache.DefaultFolder(), Does.Not.StartWith(home));
        Assert.That(VectorCache.DefaultFolder(), Does.Contain("splade-eval-tests-cache-"));
    }
}
