using Lucene.Splade.Encoders;
using Lucene.Splade.Tests.Support.TinyModels;

namespace Lucene.Splade.Tests.Encoders;

/// <summary>Missing, corrupt and mismatched model files fail at load time with messages that name the files.</summary>
public sealed class ModelLoadingTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("splade-load-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Missing_folder()
    {
        var missing = Path.Combine(_folder, "nope");

        var e = Assert.Throws<DirectoryNotFoundException>(() => SpladeEncoder.Load(missing));
        Assert.That(e!.Message, Does.Contain(missing));
    }

    [Test]
    public void Missing_model_file()
    {
        File.WriteAllText(Path.Combine(_folder, "vocab.txt"), "[PAD]\n[UNK]\n");

        var e = Assert.Throws<FileNotFoundException>(() => SpladeEncoder.Load(_folder));
        Assert.That(e!.Message, Does.Contain("model.onnx"));
    }

    [Test]
    public void Missing_vocabulary()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        File.Delete(Path.Combine(_folder, "vocab.txt"));

        var e = Assert.Throws<FileNotFoundException>(() => SpladeEncoder.Load(_folder));
        Assert.That(e!.Message, Does.Contain("vocab.txt"));
    }

    [Test]
    public void Corrupt_model_file()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        var model = Path.Combine(_folder, "model.onnx");
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes.AsSpan(0, bytes.Length / 3).ToArray());

        var e = Assert.Throws<InvalidDataException>(() => SpladeEncoder.Load(_folder));
        Assert.That(e!.Message, Does.Contain(model));
    }

    [Test]
    public void Garbage_model_file()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        var model = Path.Combine(_folder, "model.onnx");
        File.WriteAllText(model, "this is not an ONNX file");

        var e = Assert.Throws<InvalidDataException>(() => SpladeEncoder.Load(_folder));
        Assert.That(e!.Message, Does.Contain(model));
    }

    [TestCase(TinyModelKind.MlmLogits)]
    [TestCase(TinyModelKind.PooledWeights)]
    public void Vocabulary_that_does_not_match_the_model(TinyModelKind kind)
    {
        TinyBertModels.WriteModelFolder(_folder, kind, vocabularySizeOverride: 20);

        var e = Assert.Throws<InvalidDataException>(() => SpladeEncoder.Load(_folder));
        Assert.That(e!.Message, Does.Contain("vocab.txt").And.Contain("model.onnx").And.Contain("does not match"));
    }

    [Test]
    public void Invalid_config()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        var config = Path.Combine(_folder, "splade_config.json");
        File.WriteAllText(config, "{ \"max_length\": \"long\" }");

        var e = Assert.Throws<InvalidDataException>(() => SpladeEncoder.Load(_folder));
        Assert.That(e!.Message, Does.Contain(config));
    }

    [Test]
    public void Disposed_encoder_refuses_work()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        var encoder = SpladeEncoder.Load(_folder);
        encoder.Dispose();

        Assert.Throws<ObjectDisposedException>(() => encoder.EncodeDocument("fish"));
    }
}
