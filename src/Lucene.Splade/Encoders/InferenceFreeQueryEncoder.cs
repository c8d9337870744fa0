using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Encoders;

/// <summary>
/// Encodes queries without running a neural model ("inference-free" sparse retrieval, as OpenSearch's
/// inference-free neural sparse models and document-side-only SPLADE variants do): the query is split into word
/// pieces by the model's tokenizer and each distinct piece gets its learned weight <c>w[id]</c>. Documents are still
/// encoded by the full model (<see cref="SpladeEncoder"/>); scores remain the dot product of the two vectors.
/// Thread-safe and immutable; needs no ONNX Runtime session and nothing to dispose.
/// </summary>
/// <remarks>
/// <para>
/// A piece that occurs several times counts once (its weight is not multiplied). Special tokens (<c>[CLS]</c>,
/// <c>[SEP]</c>, <c>[PAD]</c>, <c>[MASK]</c>, the <c>[unusedN]</c> slots and <c>[UNK]</c>, which a word outside the
/// vocabulary becomes) never become terms, whatever their weight, because no document holds them
/// (<see cref="Vocabulary.IsExcludedTerm"/>). Pieces whose weight is zero or negative are dropped. Empty,
/// whitespace-only or otherwise piece-less text encodes to <see cref="SparseVector.Empty"/>. Texts longer than
/// <see cref="MaxLength"/> pieces are truncated exactly as <see cref="SpladeEncoder"/> truncates them.
/// </para>
/// <para>
/// The weights live in the model folder's <see cref="SpladeModelFolder.QueryWeightsFileName"/>: a safetensors file
/// with one tensor named <see cref="WeightsTensorName"/>, shape <c>[vocabulary size]</c>, dtype F32, F16 or BF16.
/// <see cref="SaveWeights"/> writes one (from IDF values, for instance).
/// </para>
/// </remarks>
public sealed class InferenceFreeQueryEncoder : IQueryEncoder
{
    /// <summary>The name of the weight tensor in <see cref="SpladeModelFolder.QueryWeightsFileName"/>.</summary>
    public const string WeightsTensorName = "query_weights";

    /// <summary>The longest input, in word pieces, when neither the caller nor a model config sets one (BERT's limit).</summary>
    public const int DefaultMaxLength = 512;

    private readonly float[] _weights;

    /// <summary>Creates an encoder from a tokenizer and one weight per vocabulary id (copied).</summary>
    /// <param name="tokenizer">The tokenizer of the model that encodes the documents; its vocabulary is the term space.</param>
    /// <param name="weights">The query weight of every vocabulary id, in id order.</param>
    /// <param name="maxLength">Longest input in word pieces, <c>[CLS]</c> and <c>[SEP]</c> included; at least 2.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The number of weights differs from the vocabulary size, or a weight is NaN or infinite.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 2.</exception>
    public InferenceFreeQueryEncoder(WordPieceTokenizer tokenizer, ReadOnlySpan<float> weights, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (weights.Length != tokenizer.Vocabulary.Count)
        {
            throw new ArgumentException(
                $"{weights.Length} query weights for a vocabulary of {tokenizer.Vocabulary.Count} tokens ({tokenizer.Vocabulary.Source}); one weight per vocabulary id is needed.",
                nameof(weights));
        }

        if (FindNonFinite(weights) is { } bad)
        {
            throw new ArgumentException($"The query weight of id {bad} is {weights[bad]}; weights must be finite.", nameof(weights));
        }

        Tokenizer = tokenizer;
        _weights = weights.ToArray();
        MaxLength = maxLength;
    }

    /// <inheritdoc />
    public Vocabulary Vocabulary => Tokenizer.Vocabulary;

    /// <summary>The tokenizer that splits queries into word pieces.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>Longest input in word pieces, special tokens included.</summary>
    public int MaxLength { get; }

    /// <summary>The query weight of every vocabulary id, in id order.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The weights file the encoder was loaded from; null when it was built from weights in memory.</summary>
    public string? WeightsPath { get; private init; }

    /// <summary>
    /// Loads the tokenizer (<c>tokenizer.json</c> or <c>vocab.txt</c>, <c>splade_config.json</c>) and the query weights
    /// (<see cref="SpladeModelFolder.QueryWeightsFileName"/>) of a model folder. The ONNX model is not needed.
    /// </summary>
    /// <param name="modelFolder">The model folder.</param>
    /// <param name="maxLength">
    /// Longest input in word pieces (at least 2); null for the config's <c>max_length</c>, which also caps it.
    /// </param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">
    /// The folder has no tokenizer (<c>tokenizer.json</c> or <c>vocab.txt</c>), or no query weights (the model was not trained with them).
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// The weights file is not valid safetensors, lacks the <see cref="WeightsTensorName"/> tensor, has an unsupported
    /// dtype or shape, a number of weights other than the vocabulary size, or a NaN or infinite weight; or the
    /// config is invalid or names special tokens the vocabulary lacks.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 2.</exception>
    public static InferenceFreeQueryEncoder Load(string modelFolder, int? maxLength = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        if (maxLength is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "maxLength must be at least 2 ([CLS] and [SEP]).");
        }

        var folder = SpladeModelFolder.RequireFolder(modelFolder);
        var tokenizerPath = SpladeModelFolder.RequireTokenizer(folder);
        var weightsPath = Path.Combine(folder, SpladeModelFolder.QueryWeightsFileName);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException(
                $"SPLADE model folder '{folder}' has no inference-free query weights ({SpladeModelFolder.QueryWeightsFileName}): the model was not trained with them, so its queries must be encoded by the model (SpladeEncoder).",
                weightsPath);
        }

        var config = SpladeModelFolder.LoadConfigOf(folder);
        var tokenizer = SpladeModelFolder.LoadTokenizer(tokenizerPath, config);
        var vocabulary = tokenizer.Vocabulary;

        var weights = ReadWeights(weightsPath);
        if (weights.Length != vocabulary.Count)
        {
            throw new InvalidDataException(
                $"The query weights do not match the vocabulary: '{weightsPath}' has {weights.Length} weights but '{tokenizerPath}' has {vocabulary.Count} tokens.");
        }

        if (FindNonFinite(weights) is { } bad)
        {
            throw new InvalidDataException($"'{weightsPath}': the query weight of id {bad} ('{vocabulary[bad]}') is {weights[bad]}; weights must be finite.");
        }

        return new InferenceFreeQueryEncoder(tokenizer, weights, Math.Min(maxLength ?? config.MaxLength, config.MaxLength))
        {
            WeightsPath = weightsPath,
        };
    }

    /// <summary>
    /// Writes query weights as a safetensors file that <see cref="Load"/> reads: one F32 tensor named
    /// <see cref="WeightsTensorName"/> of shape <c>[weights.Length]</c>. Save it as
    /// <see cref="SpladeModelFolder.QueryWeightsFileName"/> in the model folder. The file is written to a temporary
    /// name and renamed, so readers never see a partial file.
    /// </summary>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="weights">One weight per vocabulary id, in id order.</param>
    /// <exception cref="ArgumentException">There are no weights, or one is NaN or infinite.</exception>
    public static void SaveWeights(string path, ReadOnlySpan<float> weights)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (weights.IsEmpty)
        {
            throw new ArgumentException("There are no weights to save.", nameof(weights));
        }

        if (FindNonFinite(weights) is { } bad)
        {
            throw new ArgumentException($"The query weight of id {bad} is {weights[bad]}; weights must be finite.", nameof(weights));
        }

        SafetensorsFile.WriteSingleF32(path, WeightsTensorName, weights);
    }

    /// <inheritdoc />
    public SparseVector EncodeQuery(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = Tokenizer.Encode(text, MaxLength);
        if (ids.Length <= 2)
        {
            return SparseVector.Empty;
        }

        // The pieces between [CLS] and [SEP], sorted so repeats sit together and the vector comes out in id order.
        var pieces = ids.AsSpan(1, ids.Length - 2).ToArray();
        Array.Sort(pieces);
        var termIds = new int[pieces.Length];
        var weights = new float[pieces.Length];
        var count = 0;
        for (var i = 0; i < pieces.Length; i++)
        {
            var id = pieces[i];
            if ((i > 0 && id == pieces[i - 1]) || Vocabulary.IsExcludedTerm(id))
            {
                continue;
            }

            var weight = _weights[id];
            if (weight > 0)
            {
                termIds[count] = id;
                weights[count++] = weight;
            }
        }

        return count == 0 ? SparseVector.Empty : SparseVector.FromSortedUnchecked(termIds[..count], weights[..count]);
    }

    /// <inheritdoc />
    public IReadOnlyList<SparseVector> EncodeQueries(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = new SparseVector[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[i] = EncodeQuery(texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i} of the batch is null."));
        }

        return results;
    }

    private static float[] ReadWeights(string path)
    {
        var file = SafetensorsFile.Read(path);
        if (!file.TryGetTensor(WeightsTensorName, out var tensor))
        {
            throw new InvalidDataException(
                $"'{path}' has no tensor named '{WeightsTensorName}'; it has: {(file.Names.Count == 0 ? "none" : string.Join(", ", file.Names))}.");
        }

        if (tensor.DataType is not ("F32" or "F16" or "BF16"))
        {
            throw new InvalidDataException($"Tensor '{WeightsTensorName}' of '{path}' has dtype {tensor.DataType}; only F32, F16 and BF16 are supported.");
        }

        if (tensor.Shape.Length != 1)
        {
            throw new InvalidDataException($"Tensor '{WeightsTensorName}' of '{path}' has shape {tensor.ShapeText}; it must be one-dimensional, [vocabulary size].");
        }

        return file.ReadFloats(WeightsTensorName);
    }

    private static int? FindNonFinite(ReadOnlySpan<float> weights)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                return i;
            }
        }

        return null;
    }
}
