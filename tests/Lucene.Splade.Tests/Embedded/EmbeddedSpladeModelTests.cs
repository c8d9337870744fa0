using Lucene.Splade.Embedded;
using Lucene.Splade.Modeling;

namespace Lucene.Splade.Tests.Embedded;

/// <summary>Finding and loading the embedded model's folder, which the build places beside the test assembly.</summary>
[TestFixture]
[NonParallelizable] // one test sets a process-wide environment variable
public sealed class EmbeddedSpladeModelTests
{
    [Test]
    public void The_folder_lies_beside_the_application_and_loads()
    {
        var expected = Path.Combine(AppContext.BaseDirectory, EmbeddedSpladeModel.ModelsDirectoryName, EmbeddedSpladeModel.FolderName);

        Assert.That(EmbeddedSpladeModel.FolderPath, Is.EqualTo(Path.GetFullPath(expected)));
        using var encoder = EmbeddedSpladeModel.LoadEncoder();
        Assert.That(encoder.Files.Folder, Is.EqualTo(EmbeddedSpladeModel.FolderPath));
        Assert.That(encoder.Vocabulary.Count, Is.EqualTo(30522));
        Assert.That(encoder.MaxLength, Is.EqualTo(256));
        var top = encoder.EncodeQuery("What is the capital of France?").ByDescendingWeight().Take(5).Select(t => encoder.Vocabulary[t.TermId]);
        Assert.That(top, Does.Contain("france").And.Contain("capital"));
    }

    [Test]
    public void The_folder_carries_the_model_licence()
    {
        var licence = File.ReadAllText(Path.Combine(EmbeddedSpladeModel.FolderPath, "MODEL-LICENSE.md"));

        Assert.That(licence, Does.Contain("all-MiniLM-L6-v2").And.Contain("Apache License 2.0"));
    }

    [Test]
    public void The_environment_variable_is_the_only_place_tried_when_set()
    {
        var copy = Directory.CreateTempSubdirectory("splade-embedded-copy-").FullName;
        var missing = Path.Combine(copy, "no-such-folder");
        var before = Environment.GetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable);
        try
        {
            foreach (var file in new[] { "model.onnx", SpladeModelFolder.VocabularyFileName, SpladeModelConfig.FileName })
            {
                File.Copy(Path.Combine(EmbeddedSpladeModel.FolderPath, file), Path.Combine(copy, file));
            }

            Environment.SetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable, copy);
            Assert.That(EmbeddedSpladeModel.FolderPath, Is.EqualTo(copy));

            Environment.SetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable, missing);
            var e = Assert.Throws<DirectoryNotFoundException>(() => _ = EmbeddedSpladeModel.FolderPath);
            Assert.That(e!.Message, Does.Contain(missing).And.Contain(EmbeddedSpladeModel.FolderEnvironmentVariable));
            Assert.That(EmbeddedSpladeModel.CandidateFolders(), Is.EqualTo(new[] { missing }), "a set variable is authoritative: no fallback hides a typo");
        }
        finally
        {
            Environment.SetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable, before);
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public void An_incomplete_folder_is_not_taken()
    {
        var folder = Directory.CreateTempSubdirectory("splade-embedded-incomplete-").FullName;
        var before = Environment.GetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable);
        try
        {
            File.Copy(Path.Combine(EmbeddedSpladeModel.FolderPath, SpladeModelFolder.VocabularyFileName), Path.Combine(folder, SpladeModelFolder.VocabularyFileName));
            Environment.SetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable, folder);

            Assert.That(() => EmbeddedSpladeModel.LoadEncoder(), Throws.InstanceOf<DirectoryNotFoundException>().With.Message.Contains("model.onnx"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable, before);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void The_folder_carries_a_manifest_that_verifies()
    {
        var manifest = ModelFolderManifest.TryLoad(EmbeddedSpladeModel.FolderPath);

        Assert.That(manifest, Is.Not.Null);
        Assert.That(manifest!.Files.Select(f => f.Name), Is.EquivalentTo(new[] { "model.onnx", SpladeModelFolder.VocabularyFileName, SpladeModelConfig.FileName }));
        Assert.That(EmbeddedSpladeModel.Verify(), Is.EqualTo(EmbeddedSpladeModel.FolderPath));
    }

    [Test]
    public void A_damaged_copy_is_reported_as_damaged_with_how_to_restore_it()
    {
        var copy = Directory.CreateTempSubdirectory("splade-embedded-damaged-").FullName;
        var before = Environment.GetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable);
        try
        {
            foreach (var file in new[] { "model.onnx", SpladeModelFolder.VocabularyFileName, SpladeModelConfig.FileName, ModelFolderManifest.FileName })
            {
                File.Copy(Path.Combine(EmbeddedSpladeModel.FolderPath, file), Path.Combine(copy, file));
            }

            Environment.SetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable, copy);

            // Same size, one byte changed: only the full check sees it.
            var vocab = Path.Combine(copy, SpladeModelFolder.VocabularyFileName);
            var bytes = File.ReadAllBytes(vocab);
            bytes[10] ^= 1;
            File.WriteAllBytes(vocab, bytes);
            Assert.That(EmbeddedSpladeModel.FolderPath, Is.EqualTo(copy));
            Assert.That(EmbeddedSpladeModel.Verify, Throws.TypeOf<InvalidDataException>().With.Message.Contain("'vocab.txt' does not have the SHA-256"));

            // Cut short, as an interrupted copy leaves it: found without reading the file, and named.
            using (var stream = new FileStream(Path.Combine(copy, "model.onnx"), FileMode.Open))
            {
                stream.SetLength(1000);
            }

            Assert.That(() => EmbeddedSpladeModel.LoadEncoder(), Throws.TypeOf<InvalidDataException>()
                .With.Message.Contain("damaged").And.Message.Contain("'model.onnx' is 1,000 bytes").And.Message.Contain("republish"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(EmbeddedSpladeModel.FolderEnvironmentVariable, before);
            Directory.Delete(copy, recursive: true);
        }
    }

    [TestCase("\U0001F600\U0001F602\U0001F389 \U0001F680")]
    [TestCase("\U0001F9EA\U0001F9EC")]
    public void Text_the_vocabulary_cannot_spell_gets_no_terms(string text)
    {
        using var encoder = EmbeddedSpladeModel.LoadEncoder();
        var word = new string('q', 100_000);

        Assert.Multiple(() =>
        {
            Assert.That(encoder.EncodeDocument(text).IsEmpty, Is.True);
            Assert.That(encoder.EncodeQuery(text).IsEmpty, Is.True);
            Assert.That(encoder.EncodeDocument(word).IsEmpty, Is.True, "one 100,000-character word");
        });

        // Known words next to the emoji still give their terms.
        var mixed = encoder.EncodeQuery("coffee " + text).ByDescendingWeight().Take(3).Select(t => encoder.Vocabulary[t.TermId]);
        Assert.That(mixed, Does.Contain("coffee"));
    }
}
