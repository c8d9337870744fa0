using Lucene.Splade.Modeling;

namespace Lucene.Splade.Tests.Modeling;

/// <summary>The manifest of a model folder: what it records, what it catches, and how a bad manifest is reported.</summary>
[TestFixture]
public sealed class ModelFolderManifestTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("splade-manifest-").FullName;
        File.WriteAllText(Path.Combine(_folder, "a.bin"), "hello");
        Directory.CreateDirectory(Path.Combine(_folder, "onnx"));
        File.WriteAllBytes(Path.Combine(_folder, "onnx", "b.bin"), [1, 2, 3]);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void RecordsSizesAndSha256OfEachFileSortedByName()
    {
        var manifest = ModelFolderManifest.Create(_folder, ["onnx/b.bin", "a.bin", "a.bin"], "built from x");
        manifest.Save(_folder);
        var read = ModelFolderManifest.TryLoad(_folder)!;

        Assert.That(read.Files, Is.EqualTo(new[]
        {
            // sha256("hello") and sha256(01 02 03), as sha256sum prints them.
            new ModelFolderFile("a.bin", 5, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
            new ModelFolderFile("onnx/b.bin", 3, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81"),
        }));
        Assert.That(read.Source, Is.EqualTo("built from x"));
        Assert.That(read.FindDamage(_folder, checkHashes: true), Is.Null);
        Assert.That(Directory.GetFiles(_folder, "*.tmp"), Is.Empty);
    }

    [Test]
    public void FindsAMissingFileAFileOfAnotherSizeAndOneWithOtherBytes()
    {
        var manifest = ModelFolderManifest.Create(_folder, ["a.bin", "onnx/b.bin"]);

        File.WriteAllText(Path.Combine(_folder, "a.bin"), "jello");
        Assert.Multiple(() =>
        {
            Assert.That(manifest.FindDamage(_folder, checkHashes: false), Is.Null, "sizes only: same size passes");
            Assert.That(manifest.FindDamage(_folder, checkHashes: true), Is.EqualTo("'a.bin' does not have the SHA-256 its manifest lists"));
        });

        File.WriteAllText(Path.Combine(_folder, "a.bin"), "hello, world");
        Assert.That(manifest.FindDamage(_folder, checkHashes: false), Is.EqualTo("'a.bin' is 12 bytes, not the 5 its manifest lists"));

        File.Delete(Path.Combine(_folder, "onnx", "b.bin"));
        File.WriteAllText(Path.Combine(_folder, "a.bin"), "hello");
        Assert.That(manifest.FindDamage(_folder, checkHashes: false), Is.EqualTo("'onnx/b.bin' is missing"));
        Assert.That(() => manifest.Verify(_folder), Throws.TypeOf<InvalidDataException>().With.Message.Contain(_folder).And.Message.Contain("'onnx/b.bin' is missing"));
    }

    [TestCase("not json {")]
    [TestCase("{}")]
    [TestCase("""{"files":[{"name":"../outside","length":1,"sha256":"00"}]}""")]
    [TestCase("""{"files":[{"name":"/etc/passwd","length":1,"sha256":"00"}]}""")]
    [TestCase("""{"files":[{"name":"a.bin","length":-1,"sha256":"00"}]}""")]
    [TestCase("""{"files":[null]}""")]
    public void ABadManifestIsAClearError(string json)
    {
        File.WriteAllText(Path.Combine(_folder, ModelFolderManifest.FileName), json);

        Assert.That(() => ModelFolderManifest.TryLoad(_folder), Throws.TypeOf<InvalidDataException>().With.Message.Contain(ModelFolderManifest.FileName));
    }

    [Test]
    public void AFolderWithoutAManifestHasNone() => Assert.That(ModelFolderManifest.TryLoad(_folder), Is.Null);

    [Test]
    public void ResolvingAModelFolderChecksTheSizesItsManifestLists()
    {
        File.WriteAllText(Path.Combine(_folder, "model.onnx"), "not really a model");
        File.WriteAllText(Path.Combine(_folder, "vocab.txt"), "[PAD]\n[UNK]\n");
        ModelFolderManifest.Create(_folder, ["model.onnx", "vocab.txt"]).Save(_folder);
        Assert.That(SpladeModelFolder.Resolve(_folder).ModelPath, Is.EqualTo(Path.Combine(_folder, "model.onnx")));

        File.WriteAllText(Path.Combine(_folder, "model.onnx"), "cut");

        Assert.That(() => SpladeModelFolder.Resolve(_folder), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contain("is damaged: 'model.onnx' is 3 bytes, not the 18 its manifest lists"));
    }
}
