using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lucene.Splade.Tests.Support.TinyModels;

/// <summary>
/// Proves the tiny models right: each kind and input naming runs through ONNX Runtime directly, on a padded batch, and
/// matches the plain-loop reference. Encoder tests can then trust the reference as the expected output.
/// </summary>
public sealed class TinyBertModelsTests
{
    private const float Tolerance = 1e-4f;
    private const int Seed = 7;

    // Nine and five tokens: the second is padded in a batch, so a mask that is ignored shows up as a mismatch.
    private static readonly int[] Long = Ids("[CLS]", "what", "is", "the", "capital", "of", "france", "?", "[SEP]");
    private static readonly int[] Short = Ids("[CLS]", "fish", "##ing", "river", "[SEP]");
    private static readonly int[] LongTypes = new int[Long.Length];
    private static readonly int[] ShortTypes = [0, 0, 0, 1, 1];

    private static IEnumerable<TinyModelInputNames> AllNames => TinyModelInputNames.All;

    [Test]
    public void MlmLogitsMatchReferenceOnPaddedBatch([ValueSource(nameof(AllNames))] TinyModelInputNames names)
    {
        var hasTypes = names.TokenTypeIds is not null;
        var outputs = Run(TinyModelKind.MlmLogits, names, [Long, Short], hasTypes ? [LongTypes, ShortTypes] : null);

        var (shape, logits) = outputs[TinyBertModels.LogitsOutput];
        var v = TinyBertModels.VocabularySize;
        Assert.That(shape, Is.EqualTo(new long[] { 2, Long.Length, v }));
        int[][] sequences = [Long, Short];
        int[][] types = [LongTypes, ShortTypes];
        for (var b = 0; b < 2; b++)
        {
            var expected = TinyBertModels.ReferenceLogits(sequences[b], hasTypes ? types[b] : null, Seed);
            for (var t = 0; t < sequences[b].Length; t++)
            {
                var actual = logits.AsSpan(((b * Long.Length) + t) * v, v).ToArray();
                Assert.That(actual, Is.EqualTo(Row(expected, t)).Within(Tolerance), $"sequence {b}, token {t}");
            }
        }
    }

    [Test]
    public void PooledWeightsMatchReferenceOnPaddedBatch([ValueSource(nameof(AllNames))] TinyModelInputNames names)
    {
        var outputs = Run(TinyModelKind.PooledWeights, names, [Long, Short], null);

        var (shape, pooled) = outputs[TinyBertModels.PooledOutput];
        var v = TinyBertModels.VocabularySize;
        Assert.That(shape, Is.EqualTo(new long[] { 2, v }));
        Assert.That(pooled.AsSpan(0, v).ToArray(), Is.EqualTo(TinyBertModels.ReferencePooled(Long, Seed)).Within(Tolerance));
        Assert.That(pooled.AsSpan(v, v).ToArray(), Is.EqualTo(TinyBertModels.ReferencePooled(Short, Seed)).Within(Tolerance));
    }

    [Test]
    public void NonzeroTermsMatchReference([ValueSource(nameof(AllNames))] TinyModelInputNames names)
    {
        foreach (var sequence in new[] { Long, Short })
        {
            // Batch of one, padded to the longer length so that padding is exercised here too.
            var outputs = Run(TinyModelKind.NonzeroTerms, names, [sequence], null, paddedLength: Long.Length);

            var idx = outputs[TinyBertModels.NonzeroIdsOutput].Data.Select(id => (int)id).ToArray();
            var weights = outputs[TinyBertModels.NonzeroWeightsOutput].Data;
            Assert.That(idx, Is.Ordered.Ascending.And.Unique);
            Assert.That(weights, Has.Length.EqualTo(idx.Length).And.All.GreaterThan(0f));
            var dense = new float[TinyBertModels.VocabularySize];
            for (var i = 0; i < idx.Length; i++)
            {
                dense[idx[i]] = weights[i];
            }

            Assert.That(dense, Is.EqualTo(TinyBertModels.ReferencePooled(sequence, Seed)).Within(Tolerance));
        }
    }

    [Test]
    public void NonzeroTermsRejectsABatchOfTwo()
    {
        Assert.That(() => Run(TinyModelKind.NonzeroTerms, TinyModelInputNames.Standard, [Long, Short], null), Throws.InstanceOf<OnnxRuntimeException>());
    }

    [Test]
    public void AttentionMaskChangesRealTokens()
    {
        // All ones: the padding of the short sequence now counts as real, which must change its real tokens' logits.
        var outputs = Run(TinyModelKind.MlmLogits, TinyModelInputNames.Standard, [Long, Short], null, maskPadding: true);

        var v = TinyBertModels.VocabularySize;
        var firstShortToken = outputs[TinyBertModels.LogitsOutput].Data.AsSpan(Long.Length * v, v).ToArray();
        var expected = Row(TinyBertModels.ReferenceLogits(Short, null, Seed), 0);
        Assert.That(firstShortToken, Is.Not.EqualTo(expected).Within(Tolerance));
    }

    [Test]
    public void ReferenceWeightsAreSparseAndSumPoolingDominatesMax()
    {
        var max = TinyBertModels.ReferencePooled(Long, Seed);
        var sum = TinyBertModels.ReferencePooled(Long, Seed, sum: true);

        var nonzero = max.Count(w => w > 0);
        Assert.That(nonzero, Is.InRange(3, TinyBertModels.VocabularySize / 2), "some terms weighted, most not");
        Assert.That(sum.Zip(max).All(p => p.First >= p.Second - Tolerance), Is.True);
        Assert.That(sum.Zip(max).Any(p => p.First > p.Second + Tolerance), Is.True, "some term is weighted at two tokens");
        Assert.That(TinyBertModels.ReferencePooled(Long, Seed + 1), Is.Not.EqualTo(max), "the seed changes the weights");
    }

    [Test]
    public void ModelDeclaresSymbolicBatchAndSequence()
    {
        using var session = new InferenceSession(TinyBertModels.BuildModel(TinyModelKind.PooledWeights, TinyModelInputNames.TensorFlowStyle, Seed));

        Assert.That(session.InputNames, Is.EqualTo(new[] { "input_ids", "input_mask", "segment_ids" }));
        Assert.That(session.InputMetadata["input_mask"].SymbolicDimensions, Is.EqualTo(new[] { "batch", "sequence" }));
        Assert.That(session.OutputMetadata[TinyBertModels.PooledOutput].Dimensions, Is.EqualTo(new[] { -1, TinyBertModels.VocabularySize }));
    }

    [TestCase(null)]
    [TestCase(10)]
    [TestCase(70)]
    public void WriteModelFolderWritesModelAndVocabulary(int? vocabularyLines)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tiny-bert-" + Guid.NewGuid().ToString("N"));
        try
        {
            TinyBertModels.WriteModelFolder(folder, TinyModelKind.MlmLogits, seed: Seed, vocabularySizeOverride: vocabularyLines);

            var vocab = File.ReadAllLines(Path.Combine(folder, "vocab.txt"));
            var model = File.ReadAllBytes(Path.Combine(folder, "model.onnx"));
            Assert.That(vocab, Has.Length.EqualTo(vocabularyLines ?? TinyBertModels.VocabularySize));
            Assert.That(vocab.Take(TinyBertModels.VocabularySize), Is.EqualTo(TinyBertModels.Vocabulary.Take(vocab.Length)));
            Assert.That(model, Is.EqualTo(TinyBertModels.BuildModel(TinyModelKind.MlmLogits, seed: Seed)));
            Assert.That(model, Has.Length.LessThan(50_000));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int[] Ids(params string[] tokens) => [.. tokens.Select(TinyBertModels.Id)];

    private static float[] Row(float[,] matrix, int row) =>
        [.. Enumerable.Range(0, matrix.GetLength(1)).Select(column => matrix[row, column])];

    /// <summary>
    /// Runs a batch right-padded with [PAD] to <paramref name="paddedLength"/> (default: the longest sequence) and
    /// returns each output's shape and data, int64 outputs widened to float. <paramref name="maskPadding"/> sets the
    /// attention mask to 1 on padding as well.
    /// </summary>
    private static Dictionary<string, (long[] Shape, float[] Data)> Run(
        TinyModelKind kind,
        TinyModelInputNames names,
        int[][] sequences,
        int[][]? types,
        int? paddedLength = null,
        bool maskPadding = false)
    {
        var length = paddedLength ?? sequences.Max(s => s.Length);
        var ids = new long[sequences.Length * length];
        var mask = new long[ids.Length];
        var typeIds = new long[ids.Length];
        for (var b = 0; b < sequences.Length; b++)
        {
            for (var t = 0; t < length; t++)
            {
                var real = t < sequences[b].Length;
                ids[(b * length) + t] = real ? sequences[b][t] : TinyBertModels.Id("[PAD]");
                mask[(b * length) + t] = real || maskPadding ? 1 : 0;
                typeIds[(b * length) + t] = real && types is not null ? types[b][t] : 0;
            }
        }

        long[] shape = [sequences.Length, length];
        using var session = new InferenceSession(TinyBertModels.BuildModel(kind, names, Seed));
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(typeIds, shape);
        var inputs = new Dictionary<string, OrtValue> { [names.InputIds] = idsValue, [names.AttentionMask] = maskValue };
        if (names.TokenTypeIds is not null)
        {
            inputs[names.TokenTypeIds] = typesValue;
        }

        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, inputs, session.OutputNames);
        var result = new Dictionary<string, (long[] Shape, float[] Data)>();
        for (var i = 0; i < outputs.Count; i++)
        {
            var info = outputs[i].GetTensorTypeAndShape();
            var data = info.ElementDataType == TensorElementType.Int64
                ? [.. outputs[i].GetTensorDataAsSpan<long>().ToArray().Select(x => (float)x)]
                : outputs[i].GetTensorDataAsSpan<float>().ToArray();
            result[session.OutputNames[i]] = (info.Shape, data);
        }

        return result;
    }
}
