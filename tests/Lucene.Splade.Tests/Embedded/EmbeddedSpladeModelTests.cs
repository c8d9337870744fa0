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
}
