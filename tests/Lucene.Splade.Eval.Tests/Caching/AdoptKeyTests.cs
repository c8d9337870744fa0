using Lucene.Splade.Encoders;
using Lucene.Splade.Eval.Caching;
using Lucene.Splade.Eval.Commands;
using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Tests.Support;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Tests.Caching;

/// <summary><c>encode --adopt-key</c>: vectors cached under an earlier key are taken over only when a re-encoded sample matches.</summary>
[NonParallelizable]
public sealed class AdoptKeyTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestData.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private (VectorCache Cache, string Key, string Corpus, IReadOnlyList<SparseVector> Vectors) CacheUnderOldKey(bool corrupt)
    {
        var cache = new VectorCache(Path.Combine(_folder, "cache"));
        var corpus = Path.Combine(TestData.TinyCollection, "corpus.jsonl");
        var docs = BeirCollection.ReadCorpus(TestData.TinyCollection);
        using var model = ModelSource.Resolve(null, new SpladeEncoderOptions { IntraOpThreads = 1 });
        var vectors = model.Encoder.EncodeDocuments(docs.Select(d => d.Contents).ToArray()).ToArray();
        if (corrupt)
        {
            vectors[0] = new SparseVector([1000], [1f]);
        }

        VectorCache.Write(cache.PathFor(corpus, "old-key"), docs.Select(d => d.Id).ToArray(), vectors, 1.0);
        return (cache, model.CacheKey, corpus, vectors);
    }

    [Test]
    public void MatchingVectorsAreAdopted()
    {
        var (cache, key, corpus, vectors) = CacheUnderOldKey(corrupt: false);

        var exit = CliApp.Create().Run(["encode", TestData.TinyCollection, "--adopt-key", "old-key", "--cache", cache.Folder, "--no-progress"]);

        Assert.That(exit, Is.EqualTo(0));
        Assert.That(VectorCache.Read(cache.PathFor(corpus, key)).Vectors, Is.EqualTo(vectors));
    }

    [Test]
    public void VectorsThatNoLongerMatchAreRefused()
    {
        var (cache, key, corpus, _) = CacheUnderOldKey(corrupt: true);

        var exit = CliApp.Create().Run(["encode", TestData.TinyCollection, "--adopt-key", "old-key", "--cache", cache.Folder, "--no-progress"]);

        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(File.Exists(cache.PathFor(corpus, key)), Is.False);
    }
}
