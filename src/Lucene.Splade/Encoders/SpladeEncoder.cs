using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lucene.Splade.Encoders;

/// <summary>
/// Encodes text into SPLADE sparse vectors with an ONNX model: text -> word pieces -> model -> pooled weights. The
/// model encodes documents (<see cref="IDocumentEncoder"/>) and, for symmetric SPLADE models, queries
/// (<see cref="IQueryEncoder"/>). Thread-safe: one instance serves any number of threads. Its settings are fixed when
/// it is loaded. Dispose it to release the ONNX Runtime session: calls already inside the model finish first (a
/// multi-batch call stops with <see cref="ObjectDisposedException"/> before its next model call), and calls made
/// after <see cref="Dispose"/> throw <see cref="ObjectDisposedException"/>.
/// </summary>
/// <remarks>
/// Special tokens (<c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c>, <c>[MASK]</c>, <c>[UNK]</c>, <c>[unusedN]</c>) never
/// become terms; padding never contributes. Empty, whitespace-only or otherwise piece-less text encodes to
/// <see cref="SparseVector.Empty"/> without running the model. Texts longer than <see cref="MaxLength"/> pieces are
/// truncated (the closing <c>[SEP]</c> is kept). The vectors are not pruned: pruning is set separately for documents
/// (<c>SpladeIndexingOptions</c>) and queries (<c>SpladeQueryBuilder</c>).
/// </remarks>
public sealed class SpladeEncoder : IDocumentEncoder, IQueryEncoder, IDisposable
{
    private readonly InferenceSession _session;

    // Dispose may come while other threads are inside a model call: the session is freed by whoever leaves last
    // (Dispose itself when no call is running), never under a running call. Guarded by _gate.
    private readonly object _gate = new();
    private int _callsInFlight;
    private long _modelCalls;
    private bool _disposed;

    private SpladeEncoder(SpladeModelFolder files, SpladeModelConfig config, WordPieceTokenizer tokenizer, InferenceSession session, ModelSignature signature, SpladeEncoderOptions options)
    {
        Files = files;
        Config = config;
        Tokenizer = tokenizer;
        Vocabulary = tokenizer.Vocabulary;
        _session = session;
        Signature = signature;
        Options = options;
        MaxLength = Math.Min(options.MaxLength ?? config.MaxLength, config.MaxLength);
    }

    /// <inheritdoc />
    public Vocabulary Vocabulary { get; }

    /// <summary>The model's files.</summary>
    public SpladeModelFolder Files { get; }

    /// <summary>The model's config (defaults when the folder has no <c>splade_config.json</c>); immutable.</summary>
    public SpladeModelConfig Config { get; }

    /// <summary>The run-time settings the encoder was loaded with; immutable.</summary>
    public SpladeEncoderOptions Options { get; }

    /// <summary>What the graph takes and gives.</summary>
    public ModelSignature Signature { get; }

    /// <summary>The tokenizer the encoder uses.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>Longest input in word pieces, special tokens included.</summary>
    public int MaxLength { get; }

    /// <summary>Loads a model folder (see <see cref="SpladeModelFolder"/>).</summary>
    /// <param name="modelFolder">The folder: an ONNX graph, <c>vocab.txt</c> or <c>tokenizer.json</c>, optionally <c>splade_config.json</c>.</param>
    /// <param name="options">Run-time settings; the defaults when null.</param>
    /// <returns>The encoder; dispose it when done.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The ONNX file or the tokenizer (<c>tokenizer.json</c> or <c>vocab.txt</c>) is missing.</exception>
    /// <exception cref="InvalidDataException">
    /// The ONNX file cannot be loaded, its inputs or outputs are not those of a SPLADE or masked-LM export, the config
    /// is invalid, or the vocabulary size does not match the model's output.
    /// </exception>
    public static SpladeEncoder Load(string modelFolder, SpladeEncoderOptions? options = null)
    {
        options ??= new SpladeEncoderOptions();
        var files = SpladeModelFolder.Resolve(modelFolder);
        var config = files.LoadConfig();
        config.Validate(files.ConfigPath ?? files.Folder);
        var tokenizer = files.LoadTokenizer(config);
        var session = CreateSession(files.ModelPath, options);
        try
        {
            var signature = ModelSignature.Detect(session, config, files.ModelPath);
            var encoder = new SpladeEncoder(files, config, tokenizer, session, signature, options);
            encoder.CheckVocabularyMatchesModel();
            return encoder;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public SparseVector EncodeDocument(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeDocuments([text])[0];
    }

    /// <summary>The window length documents are split with (<see cref="SpladeEncoderOptions.DocumentWindows"/>); null when they are truncated.</summary>
    public int? WindowLength => Options.DocumentWindows is { } windows ? Math.Min(windows.WindowLength ?? MaxLength, MaxLength) : null;

    /// <summary>
    /// Encodes one query. A SPLADE model encodes queries as it encodes documents, except that a query is never split
    /// into windows: it is truncated to <see cref="MaxLength"/> word pieces.
    /// </summary>
    /// <inheritdoc />
    public SparseVector EncodeQuery(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeQueries([text])[0];
    }

    /// <summary>Encodes several queries (see <see cref="EncodeQuery"/>), batched as <see cref="EncodeDocuments"/> batches.</summary>
    /// <inheritdoc />
    public IReadOnlyList<SparseVector> EncodeQueries(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Encode(texts, windows: null, cancellationToken);

    /// <summary>
    /// Encodes several texts with one model call per batch of up to <see cref="SpladeEncoderOptions.BatchSize"/> texts
    /// of similar length, checking <paramref name="cancellationToken"/> before each call, so a long list stops within
    /// one call. With <see cref="SpladeEncoderOptions.DocumentWindows"/>, a long document's windows are encoded as
    /// separate texts of the batch and merged.
    /// </summary>
    /// <inheritdoc />
    public IReadOnlyList<SparseVector> EncodeDocuments(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Encode(texts, Options.DocumentWindows, cancellationToken);

    private SparseVector[] Encode(IReadOnlyList<string> texts, DocumentWindows? windows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ThrowIfDisposed();
        var windowLength = WindowLength ?? MaxLength;
        var results = new SparseVector[texts.Count];
        var pending = new List<(int Index, int[] Ids)>(texts.Count);
        var windowsOf = new int[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i} of the batch is null.");
            var ids = windows is null ? Tokenizer.Encode(text, MaxLength) : Tokenizer.Encode(text, windows.MaxPieces(windowLength));
            foreach (var window in windows is null ? [ids] : windows.Split(ids, windowLength))
            {
                // Text the vocabulary cannot spell at all (emoji, a run of symbols) has nothing for the model to say.
                if (HasKnownPiece(window))
                {
                    pending.Add((i, window));
                    windowsOf[i]++;
                }
            }

            if (windowsOf[i] == 0)
            {
                results[i] = SparseVector.Empty;
            }
        }

        // Similar lengths share a batch, so little of each call is padding.
        pending.Sort((a, b) => a.Ids.Length.CompareTo(b.Ids.Length));
        var start = 0;
        var parts = new Dictionary<int, List<SparseVector>>();
        while (start < pending.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = BatchCount(pending, start);
            var batch = pending.GetRange(start, count);
            var vectors = RunModel(batch.Select(p => p.Ids).ToArray());
            for (var k = 0; k < count; k++)
            {
                var index = batch[k].Index;
                if (windowsOf[index] == 1)
                {
                    results[index] = vectors[k];
                }
                else
                {
                    // A long document's windows: merged once all of them are encoded.
                    if (!parts.TryGetValue(index, out var list))
                    {
                        parts[index] = list = new List<SparseVector>(windowsOf[index]);
                    }

                    list.Add(vectors[k]);
                    if (list.Count == windowsOf[index])
                    {
                        results[index] = SparseVector.ElementwiseMax(list);
                        parts.Remove(index);
                    }
                }
            }

            start += count;
        }

        return results;
    }

    /// <summary>Whether an encoding (<c>[CLS] ... [SEP]</c>) holds a word piece other than <c>[UNK]</c>.</summary>
    private bool HasKnownPiece(int[] ids)
    {
        for (var t = 1; t < ids.Length - 1; t++)
        {
            if (ids[t] != Tokenizer.UnknownId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Model calls made so far (the vocabulary check at load included); for tests of batching.</summary>
    internal long ModelCalls => Interlocked.Read(ref _modelCalls);

    private void ThrowIfDisposed()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    /// <summary>
    /// Releases the ONNX Runtime session once no model call is running: at once when none is, else when the last
    /// running call returns. Returns without waiting. Later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_callsInFlight > 0)
            {
                return; // the last call to leave frees the session
            }
        }

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
        var count = Math.Min(Options.BatchSize, pending.Count - start);
        while (count > 1 && (long)count * pending[start + count - 1].Ids.Length * Vocabulary.Count * sizeof(float) > Options.MaxLogitsBytes)
        {
            count--;
        }

        return count;
    }

    /// <summary>
    /// One model call: the batch as input tensors, the run, and the outputs read into vectors. The whole of it counts
    /// as in flight (the outputs live in the session's memory), so a concurrent <see cref="Dispose"/> never frees the
    /// session under it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The encoder was disposed before this call began.</exception>
    private SparseVector[] RunModel(int[][] batch)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _callsInFlight++;
        }

        Interlocked.Increment(ref _modelCalls);

        try
        {
            return RunModelUnguarded(batch);
        }
        finally
        {
            bool release;
            lock (_gate)
            {
                release = --_callsInFlight == 0 && _disposed;
            }

            if (release)
            {
                _session.Dispose();
            }
        }
    }

    private SparseVector[] RunModelUnguarded(int[][] batch)
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
            LogitPooling.Pool(logits.Slice(r * seq * vocab, seq * vocab), batch[r], Tokenizer.UnknownId, Config.Pooling, weights);
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
                    $"The vocabulary does not match the model: '{Files.ModelPath}' returned term id {ids[i]}, outside the {Vocabulary.Count} tokens of '{Files.TokenizerPath}'.");
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
                $"The vocabulary does not match the model: '{Files.TokenizerPath}' has {Vocabulary.Count} tokens but '{Files.ModelPath}' outputs {dimension} term weights.");
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
