using Lucene.Splade.Embedded;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lucene.Splade.Encoders;

/// <summary>
/// Encodes text into SPLADE sparse vectors with an ONNX model: text -> word pieces -> model -> pooled weights.
/// Thread-safe: one instance serves any number of threads. Dispose it to release the ONNX Runtime session.
/// </summary>
/// <remarks>
/// Special tokens (<c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c>, <c>[MASK]</c>, <c>[UNK]</c>, <c>[unusedN]</c>) never
/// become terms; padding never contributes. Empty, whitespace-only or otherwise piece-less text encodes to
/// <see cref="SparseVector.Empty"/> without running the model. Texts longer than <see cref="MaxLength"/> pieces are
/// truncated (the closing <c>[SEP]</c> is kept). The vectors are not pruned: pruning is set separately for documents
/// (<c>SpladeIndexingOptions</c>) and queries (<c>SpladeQueryBuilder</c>).
/// </remarks>
public sealed class SpladeEncoder : ISparseEncoder, IDisposable
{
    private readonly InferenceSession _session;
    private readonly SpladeEncoderOptions _options;
    private volatile bool _disposed;

    private SpladeEncoder(SpladeModelFolder files, SpladeModelConfig config, Vocabulary vocabulary, InferenceSession session, ModelSignature signature, SpladeEncoderOptions options)
    {
        Files = files;
        Config = config;
        Vocabulary = vocabulary;
        _session = session;
        Signature = signature;
        _options = options;
        MaxLength = Math.Min(options.MaxLength ?? config.MaxLength, config.MaxLength);
        Tokenizer = WordPieceTokenizer.Create(vocabulary, config.ToTokenizerOptions());
    }

    /// <inheritdoc />
    public Vocabulary Vocabulary { get; }

    /// <summary>The model's files.</summary>
    public SpladeModelFolder Files { get; }

    /// <summary>The model's config (defaults when the folder has no <c>splade_config.json</c>).</summary>
    public SpladeModelConfig Config { get; }

    /// <summary>What the graph takes and gives.</summary>
    public ModelSignature Signature { get; }

    /// <summary>The tokenizer the encoder uses.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>Longest input in word pieces, special tokens included.</summary>
    public int MaxLength { get; }

    /// <summary>Loads a model folder (see <see cref="SpladeModelFolder"/>).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The ONNX file or <c>vocab.txt</c> is missing.</exception>
    /// <exception cref="InvalidDataException">
    /// The ONNX file cannot be loaded, its inputs or outputs are not those of a SPLADE or masked-LM export, the config
    /// is invalid, or the vocabulary size does not match the model's output.
    /// </exception>
    public static SpladeEncoder Load(string modelFolder, SpladeEncoderOptions? options = null)
    {
        options ??= new SpladeEncoderOptions();
        options.Validate();
        var files = SpladeModelFolder.Resolve(modelFolder);
        var config = files.LoadConfig();
        config.Validate(files.ConfigPath ?? files.Folder);
        var vocabulary = Vocabulary.Load(files.VocabularyPath);
        var session = CreateSession(files.ModelPath, options);
        try
        {
            var signature = ModelSignature.Detect(session, config, files.ModelPath);
            var encoder = new SpladeEncoder(files, config, vocabulary, session, signature, options);
            encoder.CheckVocabularyMatchesModel();
            return encoder;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads the embedded default model (all-MiniLM-L6-v2 with a calibrated tied-embedding head; see README),
    /// extracting it into the local cache on first use. Works offline.
    /// </summary>
    public static SpladeEncoder LoadEmbeddedDefault(SpladeEncoderOptions? options = null) =>
        Load(EmbeddedSpladeModel.EnsureFolder(), options);

    /// <inheritdoc />
    public SparseVector Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeBatch([text])[0];
    }

    /// <inheritdoc />
    public IReadOnlyList<SparseVector> EncodeBatch(IReadOnlyList<string> texts) => EncodeBatch(texts, CancellationToken.None);

    /// <summary>
    /// Encodes several texts (see <see cref="EncodeBatch(IReadOnlyList{string})"/>), checking
    /// <paramref name="cancellationToken"/> before each model call, so a long batch stops within one call.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing is returned.</exception>
    public IReadOnlyList<SparseVector> EncodeBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var results = new SparseVector[texts.Count];
        var pending = new List<(int Index, int[] Ids)>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i} of the batch is null.");
            var ids = Tokenizer.Encode(text, MaxLength);
            if (ids.Length <= 2)
            {
                results[i] = SparseVector.Empty;
            }
            else
            {
                pending.Add((i, ids));
            }
        }

        // Similar lengths share a batch, so little of each call is padding.
        pending.Sort((a, b) => a.Ids.Length.CompareTo(b.Ids.Length));
        var start = 0;
        while (start < pending.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = BatchCount(pending, start);
            var batch = pending.GetRange(start, count);
            var vectors = RunModel(batch.Select(p => p.Ids).ToArray());
            for (var k = 0; k < count; k++)
            {
                results[batch[k].Index] = vectors[k];
            }

            start += count;
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _session.Dispose();
    }

    private int BatchCount(List<(int Index, int[] Ids)> pending, int start)
    {
        if (Signature.Kind == SpladeOutputKind.NonzeroTerms)
        {
            return 1; // Anserini-style graphs flatten the batch away: one text per call.
        }

        // Logits take batch x length x vocabulary floats, on the host for MlmLogits graphs and inside the graph
        // (several such tensors at once) for graphs that pool themselves: bound the batch by that size.
        // Sorted by length, so the last item of a batch is its longest.
        var count = Math.Min(_options.BatchSize, pending.Count - start);
        while (count > 1 && (long)count * pending[start + count - 1].Ids.Length * Vocabulary.Count * sizeof(float) > _options.MaxLogitsBytes)
        {
            count--;
        }

        return count;
    }

    private SparseVector[] RunModel(int[][] batch)
    {
        var rows = batch.Length;
        var width = batch.Max(ids => ids.Length);
        var idValues = new long[rows * width];
        var maskValues = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            for (var t = 0; t < batch[r].Length; t++)
            {
                idValues[(r * width) + t] = batch[r][t];
                maskValues[(r * width) + t] = 1;
            }

            for (var t = batch[r].Length; t < width; t++)
            {
                idValues[(r * width) + t] = Tokenizer.PadId;
            }
        }

        long[] shape = [rows, width];
        var inputs = new Dictionary<string, OrtValue>(3);
        try
        {
            inputs[Signature.InputIds] = CreateInput(idValues, shape);
            if (Signature.AttentionMask is { } mask)
            {
                inputs[mask] = CreateInput(maskValues, shape);
            }

            if (Signature.TokenTypeIds is { } types)
            {
                inputs[types] = CreateInput(new long[rows * width], shape);
            }

            var outputNames = Signature.IndicesOutput is { } idx ? new[] { Signature.WeightsOutput, idx } : new[] { Signature.WeightsOutput };
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, inputs, outputNames);
            return Signature.Kind switch
            {
                SpladeOutputKind.MlmLogits => PoolLogits(outputs[0], batch),
                SpladeOutputKind.PooledWeights => ReadPooled(outputs[0], rows),
                _ => [ReadNonzero(outputs[1], outputs[0])],
            };
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    private OrtValue CreateInput(long[] values, long[] shape) =>
        Signature.UsesInt32Inputs
            ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (int)v), shape)
            : OrtValue.CreateTensorValueFromMemory(values, shape);

    private SparseVector[] PoolLogits(OrtValue output, int[][] batch)
    {
        var shape = output.GetTensorTypeAndShape().Shape;
        var vocab = CheckVocabularyDimension(shape[^1]);
        var seq = (int)shape[1];
        var logits = output.GetTensorDataAsSpan<float>();
        var weights = new float[vocab];
        var result = new SparseVector[batch.Length];
        for (var r = 0; r < batch.Length; r++)
        {
            LogitPooling.Pool(logits.Slice(r * seq * vocab, seq * vocab), batch[r].Length, Config.Pooling, weights);
            result[r] = ToTerms(weights);
        }

        return result;
    }

    private SparseVector[] ReadPooled(OrtValue output, int rows)
    {
        var shape = output.GetTensorTypeAndShape().Shape;
        var vocab = CheckVocabularyDimension(shape[^1]);
        var data = output.GetTensorDataAsSpan<float>();
        var weights = new float[vocab];
        var result = new SparseVector[rows];
        for (var r = 0; r < rows; r++)
        {
            data.Slice(r * vocab, vocab).CopyTo(weights);
            result[r] = ToTerms(weights);
        }

        return result;
    }

    private SparseVector ReadNonzero(OrtValue indices, OrtValue values)
    {
        var weights = values.GetTensorDataAsSpan<float>();
        var ids = indices.GetTensorTypeAndShape().ElementDataType == TensorElementType.Int32
            ? Array.ConvertAll(indices.GetTensorDataAsSpan<int>().ToArray(), v => (long)v)
            : indices.GetTensorDataAsSpan<long>().ToArray();
        if (ids.Length != weights.Length)
        {
            throw new InvalidDataException($"Model '{Files.ModelPath}' returned {ids.Length} term ids but {weights.Length} weights.");
        }

        var dense = new float[Vocabulary.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0 || ids[i] >= Vocabulary.Count)
            {
                throw new InvalidDataException(
                    $"The vocabulary does not match the model: '{Files.ModelPath}' returned term id {ids[i]}, outside the {Vocabulary.Count} tokens of '{Files.VocabularyPath}'.");
            }

            // These graphs already apply log(1 + ReLU) and pooling; keep the larger weight should an id repeat.
            dense[ids[i]] = Math.Max(dense[ids[i]], weights[i]);
        }

        return ToTerms(dense);
    }

    private SparseVector ToTerms(float[] weights)
    {
        for (var j = 0; j < weights.Length; j++)
        {
            if (Vocabulary.IsExcludedTerm(j) || !float.IsFinite(weights[j]))
            {
                weights[j] = 0f;
            }
        }

        return SparseVector.FromDense(weights);
    }

    private int CheckVocabularyDimension(long dimension)
    {
        if (dimension != Vocabulary.Count)
        {
            throw new InvalidDataException(
                $"The vocabulary does not match the model: '{Files.VocabularyPath}' has {Vocabulary.Count} tokens but '{Files.ModelPath}' outputs {dimension} term weights.");
        }

        return (int)dimension;
    }

    private void CheckVocabularyMatchesModel()
    {
        if (Signature.VocabularyDimension is { } declared)
        {
            CheckVocabularyDimension(declared);
            return;
        }

        // The graph's vocabulary dimension is symbolic: run it once on the shortest input and look.
        _ = RunModel([[Tokenizer.ClsId, Tokenizer.SepId]]);
    }

    private static InferenceSession CreateSession(string modelPath, SpladeEncoderOptions options)
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (options.IntraOpThreads is { } threads)
            {
                sessionOptions.IntraOpNumThreads = threads;
            }

            options.ConfigureSession?.Invoke(sessionOptions);
            return new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime could not load the model '{modelPath}': {e.Message}", e);
        }
        finally
        {
            sessionOptions.Dispose();
        }
    }
}
