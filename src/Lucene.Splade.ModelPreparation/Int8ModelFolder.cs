using Lucene.Splade.Modeling;
using Onnx;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// Writes an int8 copy of a SPLADE model folder: the same tokenizer, config and query weights, and the graph with its
/// constant-weight MatMuls quantized (<see cref="Int8MatMulQuantizer"/>). The result is cached: a folder built from the
/// same model and settings whose files match its manifest is left as it is.
/// </summary>
internal static class Int8ModelFolder
{
    /// <summary>Builds <paramref name="target"/> from <paramref name="source"/> unless it is up to date.</summary>
    /// <param name="source">Any SPLADE model folder (Hugging Face layout).</param>
    /// <param name="target">The int8 folder to write; must not be the source.</param>
    /// <param name="keepFloat">MatMul node or weight names to keep in float.</param>
    /// <param name="perChannel">One weight scale per output column (default) or per matrix.</param>
    /// <param name="floatDownProjections">Keep feed-forward output projections in float (see <see cref="Int8MatMulQuantizer.Apply"/>).</param>
    /// <returns>What was quantized, or null when the folder was already up to date.</returns>
    /// <exception cref="ArgumentException">The target is the source folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The source folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The source folder has no ONNX file or tokenizer.</exception>
    /// <exception cref="InvalidDataException">The graph cannot be read or quantized.</exception>
    public static Int8QuantizationResult? BuildIfNeeded(string source, string target, IReadOnlySet<string>? keepFloat = null, bool perChannel = true, bool floatDownProjections = false)
    {
        var files = SpladeModelFolder.Resolve(source);
        if (string.Equals(Path.GetFullPath(source).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new ArgumentException("The int8 folder must not be the source folder.", nameof(target));
        }

        keepFloat ??= new HashSet<string>();
        var key = SourceKey(files, keepFloat, perChannel, floatDownProjections);
        if (EmbeddedModelBuilder.IsIntact(target, key))
        {
            return null;
        }

        Directory.CreateDirectory(target);
        using (EmbeddedModelBuilder.AcquireBuildLock(target))
        {
            if (EmbeddedModelBuilder.IsIntact(target, key))
            {
                return null;
            }

            File.Delete(Path.Combine(target, ModelFolderManifest.FileName));
            EmbeddedModelBuilder.SweepTemporaryFiles(target);
            var written = new List<string>();
            foreach (var file in Directory.GetFiles(files.Folder))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith('.') || name == ModelFolderManifest.FileName || Path.GetFullPath(file) == Path.GetFullPath(files.ModelPath))
                {
                    continue;
                }

                EmbeddedModelBuilder.WriteAtomically(Path.Combine(target, name), temp => File.Copy(file, temp, overwrite: true));
                written.Add(name);
            }

            ModelProto model;
            try
            {
                using var stream = File.OpenRead(files.ModelPath);
                model = ModelProto.Parser.ParseFrom(stream);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException e)
            {
                throw new InvalidDataException($"'{files.ModelPath}' is not a readable ONNX model: {e.Message}", e);
            }

            var result = Int8MatMulQuantizer.Apply(model, keepFloat, perChannel, floatDownProjections);
            EmbeddedModelBuilder.WriteAtomically(Path.Combine(target, EmbeddedModelBuilder.ModelFileName), temp =>
            {
                using var stream = File.Create(temp);
                Google.Protobuf.MessageExtensions.WriteTo(model, stream);
            });
            written.Add(EmbeddedModelBuilder.ModelFileName);
            ModelFolderManifest.Create(target, written, key).Save(target);
            return result;
        }
    }

    /// <summary>What an int8 folder is built from: this tool, the source model's files and the settings (no path).</summary>
    private static string SourceKey(SpladeModelFolder files, IReadOnlySet<string> keepFloat, bool perChannel, bool floatDownProjections)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        EmbeddedModelBuilder.AppendFile(hash, typeof(Int8MatMulQuantizer).Assembly.Location);
        var inFolder = false;
        foreach (var file in Directory.GetFiles(files.Folder).Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != ModelFolderManifest.FileName).Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            EmbeddedModelBuilder.AppendFile(hash, file);
            inFolder |= Path.GetFullPath(file) == Path.GetFullPath(files.ModelPath);
        }

        // A graph in a subfolder (onnx/model.onnx) is not among the folder's files.
        if (!inFolder)
        {
            EmbeddedModelBuilder.AppendFile(hash, files.ModelPath);
        }
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"int8 per-channel={perChannel} float-down-projections={floatDownProjections} keep={string.Join(",", keepFloat.Order(StringComparer.Ordinal))}"));
        return "sha256:" + Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
