using System.Security.Cryptography;
using System.Text;
using Lucene.Splade.Embedded;
using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Eval.Caching;

/// <summary>
/// A SPLADE model resolved without loading it: its files, config, vocabulary and a cache key. The ONNX session is only
/// created when <see cref="Encoder"/> is first used, so a run whose vectors are all cached never loads the model.
/// </summary>
internal sealed class ModelSource : IDisposable
{
    private readonly SpladeEncoderOptions _options;
    private readonly Lazy<SpladeEncoder> _encoder;
    private readonly Lazy<Vocabulary> _vocabulary;

    private ModelSource(SpladeModelFolder files, SpladeModelConfig config, bool embedded, SpladeEncoderOptions options)
    {
        Files = files;
        Config = config;
        IsEmbeddedDefault = embedded;
        _options = options;
        MaxLength = Math.Min(options.MaxLength ?? config.MaxLength, config.MaxLength);
        _encoder = new Lazy<SpladeEncoder>(() => SpladeEncoder.Load(files.Folder, _options));
        _vocabulary = new Lazy<Vocabulary>(() => _encoder.IsValueCreated ? _encoder.Value.Vocabulary : Vocabulary.Load(files.VocabularyPath));
        CacheKey = ComputeKey();
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

    public bool IsLoaded => _encoder.IsValueCreated;

    public SpladeEncoder Encoder => _encoder.Value;

    /// <summary>Resolves <paramref name="modelFolder"/>, or the embedded default model when it is null.</summary>
    public static ModelSource Resolve(string? modelFolder, SpladeEncoderOptions options)
    {
        var folder = modelFolder ?? EmbeddedSpladeModel.EnsureFolder();
        var files = SpladeModelFolder.Resolve(folder);
        var config = files.LoadConfig();
        return new ModelSource(files, config, modelFolder is null, options);
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
    }

    private string ComputeKey()
    {
        var text = $"{Description}|{Fingerprint(Files.ModelPath)}|{Fingerprint(Files.VocabularyPath)}|{MaxLength}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

        static string Fingerprint(string path)
        {
            using var stream = File.OpenRead(path);
            return $"{stream.Length}:{Convert.ToHexStringLower(SHA256.HashData(stream))}";
        }
    }
}
