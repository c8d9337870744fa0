using System.Security.Cryptography;
using System.Text;
using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Caching;

/// <summary>How the queries of a SPLADE run are encoded.</summary>
internal enum QueryEncoderKind
{
    /// <summary>By the SPLADE model, like the documents.</summary>
    Model,

    /// <summary>By <see cref="InferenceFreeQueryEncoder"/>: the model folder's query weights, no model run.</summary>
    InferenceFree,
}

/// <summary>The command-line names of <see cref="QueryEncoderKind"/>.</summary>
internal static class QueryEncoderNames
{
    public const string Model = "model";
    public const string InferenceFree = "inference-free";

    public static string Name(QueryEncoderKind kind) => kind == QueryEncoderKind.InferenceFree ? InferenceFree : Model;

    /// <exception cref="ArgumentException">The name is neither <c>model</c> nor <c>inference-free</c>.</exception>
    public static QueryEncoderKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        Model => QueryEncoderKind.Model,
        InferenceFree => QueryEncoderKind.InferenceFree,
        _ => throw new ArgumentException($"Unknown query encoder '{name}' (use {Model} or {InferenceFree})."),
    };
}

/// <summary>
/// A SPLADE model resolved without loading it: its files, config, vocabulary and a cache key. The ONNX session is only
/// created when <see cref="Encoder"/> is first used, so a run whose vectors are all cached never loads the model.
/// Queries are encoded by the model, or, with <see cref="QueryEncoderKind.InferenceFree"/>, by the folder's
/// inference-free query weights (loaded at once: a small file, and a missing one should fail before any encoding).
/// </summary>
internal sealed class ModelSource : IDisposable
{
    private readonly SpladeEncoderOptions _options;
    private readonly Lazy<SpladeEncoder> _encoder;
    private readonly Lazy<Vocabulary> _vocabulary;
    private readonly Lazy<WordPieceTokenizer> _tokenizer;
    private readonly InferenceFreeQueryEncoder? _inferenceFree;

    private ModelSource(SpladeModelFolder files, SpladeModelConfig config, bool embedded, SpladeEncoderOptions options, QueryEncoderKind queryEncoder)
    {
        Files = files;
        Config = config;
        IsEmbeddedDefault = embedded;
        QueryEncoderKind = queryEncoder;
        _options = options;
        MaxLength = Math.Min(options.MaxLength ?? config.MaxLength, config.MaxLength);
        _encoder = new Lazy<SpladeEncoder>(() => SpladeEncoder.Load(files.Folder, _options));
        _tokenizer = new Lazy<WordPieceTokenizer>(() => files.LoadTokenizer(config));
        _vocabulary = new Lazy<Vocabulary>(() => _encoder.IsValueCreated ? _encoder.Value.Vocabulary : _tokenizer.Value.Vocabulary);
        var modelKey = ComputeKey();

        // Windows change documents only: queries are always truncated, so their key stays the model's.
        CacheKey = WindowsKey.Length == 0 ? modelKey : Hash(modelKey + WindowsKey);
        if (queryEncoder == QueryEncoderKind.InferenceFree)
        {
            _inferenceFree = InferenceFreeQueryEncoder.Load(files.Folder, options.MaxLength);
            QueryCacheKey = ComputeInferenceFreeKey(modelKey, _inferenceFree.WeightsPath!);
        }
        else
        {
            QueryCacheKey = modelKey;
        }
    }

    public SpladeModelFolder Files { get; }

    public SpladeModelConfig Config { get; }

    public bool IsEmbeddedDefault { get; }

    /// <summary>Longest input in word pieces, as the encoder will use it.</summary>
    public int MaxLength { get; }

    /// <summary>The config's description, else the folder.</summary>
    public string Description => Config.Description ?? Files.Folder;

    /// <summary>
    /// Names the encoder's output: hash of the description, the ONNX and vocabulary files' sizes and contents (SHA-256)
    /// and the max length. Any change of model or truncation gives another key; re-extracting the same model (the
    /// embedded one is rebuilt on demand, with new modification times) keeps it.
    /// </summary>
    public string CacheKey { get; }

    public Vocabulary Vocabulary => _vocabulary.Value;

    /// <summary>The model's tokenizer (without loading the model when it is not loaded yet).</summary>
    public WordPieceTokenizer Tokenizer => _encoder.IsValueCreated ? _encoder.Value.Tokenizer : _tokenizer.Value;

    public bool IsLoaded => _encoder.IsValueCreated;

    /// <summary>The document encoder (loaded on first use).</summary>
    public SpladeEncoder Encoder => _encoder.Value;

    /// <summary>How queries are encoded.</summary>
    public QueryEncoderKind QueryEncoderKind { get; }

    /// <summary><see cref="QueryEncoderKind"/> as written on the command line and in reports.</summary>
    public string QueryEncoderName => QueryEncoderNames.Name(QueryEncoderKind);

    /// <summary>The query encoder: <see cref="Encoder"/>, or the inference-free encoder.</summary>
    public IQueryEncoder QueryEncoder => _inferenceFree ?? (IQueryEncoder)Encoder;

    /// <summary>
    /// A second model session for queries, as an application would hold one: ONNX Runtime's default threading (all
    /// cores inside one call) rather than the one thread per call that parallel document batches use. Null for
    /// inference-free queries. Dispose it.
    /// </summary>
    public SpladeEncoder? LoadQuerySession() =>
        _inferenceFree is not null ? null : SpladeEncoder.Load(Files.Folder, new SpladeEncoderOptions { MaxLength = _options.MaxLength });

    /// <summary>Encodes a batch of queries with <see cref="QueryEncoder"/>.</summary>
    public IReadOnlyList<SparseVector> EncodeQueries(IReadOnlyList<string> queries) => QueryEncoder.EncodeQueries(queries);

    /// <summary>The inference-free query weights file; null when queries are encoded by the model.</summary>
    public string? QueryWeightsPath => _inferenceFree?.WeightsPath;

    /// <summary>
    /// Names the query encoder's output: <see cref="CacheKey"/> for the model; for inference-free queries a hash of that
    /// key, the mode, and the weights file's (and config's) sizes and contents, so the two modes never share vectors.
    /// </summary>
    public string QueryCacheKey { get; }

    /// <summary>
    /// Resolves <paramref name="modelFolder"/>, or the embedded default model when it is null; with
    /// <see cref="QueryEncoderKind.InferenceFree"/> also loads that folder's query weights.
    /// </summary>
    /// <exception cref="FileNotFoundException">Inference-free queries, and the folder has no query weights.</exception>
    public static ModelSource Resolve(string? modelFolder, SpladeEncoderOptions options, QueryEncoderKind queryEncoder = QueryEncoderKind.Model)
    {
        var folder = modelFolder ?? EmbeddedSpladeModel.FolderPath;
        var files = SpladeModelFolder.Resolve(folder);
        var config = files.LoadConfig();
        return new ModelSource(files, config, modelFolder is null, options, queryEncoder);
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
    }

    private string ComputeKey() =>
        Hash($"{Description}|{Fingerprint(Files.ModelPath)}|{Fingerprint(Files.TokenizerPath)}|{MaxLength}");

    /// <summary>The long-document setting as part of the documents' key; empty when they are truncated (keys from before windows stay valid).</summary>
    public string WindowsKey => _options.DocumentWindows is { } w
        ? $"|windows {w.MaxWindows} length {w.WindowLength?.ToString() ?? "max"} stride {w.Stride?.ToString() ?? "half"}"
        : "";

    private string ComputeInferenceFreeKey(string modelKey, string weightsPath) =>
        Hash($"{modelKey}|{QueryEncoderNames.InferenceFree}|{Fingerprint(weightsPath)}|{(Files.ConfigPath is { } config ? Fingerprint(config) : "no config")}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static string Fingerprint(string path)
    {
        using var stream = File.OpenRead(path);
        return $"{stream.Length}:{Convert.ToHexStringLower(SHA256.HashData(stream))}";
    }
}
