using Lucene.Splade.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace Lucene.Splade.ModelPreparation.Tests;

/// <summary>Shared helpers: one built folder per test run, tokenization, ONNX runs and the host-side reference head.</summary>
internal static class BuildTestSupport
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "lucene-splade-tests", "prepare-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return root;
    });

    private static readonly Lazy<string> FolderLazy = new(() => Build("calibrated", EmbeddedHeadChoice.Calibrated));

    /// <summary>A per-run folder under the temp folder for what the tests build.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The MiniLM package's assembly; marks the test ignored when the package is not in the NuGet cache.</summary>
    public static string MiniLmAssembly
    {
        get
        {
            if (!File.Exists(TestPaths.MiniLmAssembly))
            {
                Assert.Ignore($"MiniLM package assembly not found at '{TestPaths.MiniLmAssembly}'; restore the solution (Lucene.Splade.ModelPreparation downloads the package) to run this test.");
            }

            return TestPaths.MiniLmAssembly;
        }
    }

    /// <summary>Builds a model folder under <see cref="Root"/>.</summary>
    public static string Build(string name, EmbeddedHeadChoice head)
    {
        var folder = Path.Combine(Root, name);
        EmbeddedModelBuilder.Build(MiniLmAssembly, folder, head);
        return folder;
    }

    /// <summary>Removes the per-run folder, if a test created it.</summary>
    public static void DeleteRoot()
    {
        if (RootLazy.IsValueCreated && Directory.Exists(RootLazy.Value))
        {
            Directory.Delete(RootLazy.Value, recursive: true);
        }
    }

    /// <summary>The folder with the calibrated head (the package's default), built once per test run.</summary>
    public static string Folder => FolderLazy.Value;

    /// <summary>Token ids with [CLS]/[SEP], as the library's tokenizer produces them for uncased BERT.</summary>
    public static int[] Tokenize(string text)
    {
        var tokenizer = BertTokenizer.Create(Path.Combine(Folder, EmbeddedModelBuilder.VocabularyFileName), new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        return tokenizer.EncodeToIds(text, addSpecialTokens: true).ToArray();
    }

    /// <summary><paramref name="ids"/> with <paramref name="unknownId"/> inserted before each of <paramref name="positions"/> (ascending).</summary>
    public static int[] WithUnknown(int[] ids, int unknownId, params int[] positions)
    {
        var list = ids.ToList();
        foreach (var position in positions.OrderDescending())
        {
            list.Insert(position, unknownId);
        }

        return [.. list];
    }

    /// <summary>Runs a session on a right-padded batch and returns the named output as a flat array with its shape.</summary>
    public static (float[] Values, int[] Shape) Run(InferenceSession session, string output, params int[][] batch)
    {
        var length = batch.Max(b => b.Length);
        var ids = new long[batch.Length * length];
        var mask = new long[batch.Length * length];
        for (var b = 0; b < batch.Length; b++)
        {
            for (var t = 0; t < batch[b].Length; t++)
            {
                ids[(b * length) + t] = batch[b][t];
                mask[(b * length) + t] = 1;
            }
        }

        int[] dims = [batch.Length, length];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, dims)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, dims)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], dims)),
        };
        using var results = session.Run(inputs, [output]);
        var tensor = results[0].AsTensor<float>();
        return (tensor.ToArray(), tensor.Dimensions.ToArray());
    }

    /// <summary>The package's original encoder written to a temp file (once).</summary>
    public static string OriginalModelPath => OriginalLazy.Value;

    private static readonly Lazy<string> OriginalLazy = new(() =>
    {
        var path = Path.Combine(Root, "original.onnx");
        using var stream = File.Create(path);
        ManagedResourceReader.CopyResource(MiniLmAssembly, EmbeddedModelBuilder.ModelResource, stream);
        return path;
    });

    /// <summary>The tied decoder matrix [vocab, hidden] of the original encoder.</summary>
    public static (float[] Values, int Vocab, int Hidden) WordEmbeddings()
    {
        var model = EmbeddedModelBuilder.ReadModel(MiniLmAssembly);
        var init = model.Graph.Initializer.Single(t => t.Name == "embeddings.word_embeddings.weight");
        return (SpladeHeadGraph.ReadFloats(init, (int)(init.Dims[0] * init.Dims[1])), (int)init.Dims[0], (int)init.Dims[1]);
    }

    /// <summary>
    /// Reference SPLADE pooling, written the literal way: <c>max_t mask_t * log(1 + ReLU(score_tj - threshold))</c>,
    /// special terms zeroed; <paramref name="unknownId"/> positions (<c>[UNK]</c>) count as masked. <paramref name="scores"/>
    /// maps a hidden state to its <c>[vocab]</c> scores.
    /// </summary>
    public static double[][] HostPooling(float[] hidden, int batch, int length, int hiddenSize, int[][] texts, Func<double[], double[]> scores, double threshold, Func<int, bool> excluded, int? unknownId = null)
    {
        var result = new double[batch][];
        for (var b = 0; b < batch; b++)
        {
            double[]? pooled = null;
            for (var t = 0; t < length; t++)
            {
                var mask = t < texts[b].Length && texts[b][t] != unknownId ? 1.0 : 0.0;
                var h = new double[hiddenSize];
                for (var i = 0; i < hiddenSize; i++)
                {
                    h[i] = hidden[(((b * length) + t) * hiddenSize) + i];
                }

                var s = scores(h);
                pooled ??= new double[s.Length];
                for (var j = 0; j < s.Length; j++)
                {
                    var w = mask * Math.Log(1 + Math.Max(0, s[j] - threshold));
                    pooled[j] = Math.Max(pooled[j], excluded(j) ? 0 : w);
                }
            }

            result[b] = pooled!;
        }

        return result;
    }
}
