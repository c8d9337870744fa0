using System.Security.Cryptography;
using System.Text;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Caching;

/// <summary>Encoded texts of one file: ids in file order, their vectors, and how long encoding took.</summary>
internal sealed record EncodedTexts(IReadOnlyList<string> Ids, IReadOnlyList<SparseVector> Vectors, double EncodeSeconds, bool FromCache);

/// <summary>
/// Sparse vectors of a collection's documents or queries on disk, so that trying another pruning or quantization
/// setting does not run the model again. One file per (source file, model key); the name holds a hash of the source
/// file's path, size and modification time, and of the model key (<see cref="ModelSource.CacheKey"/>).
/// </summary>
/// <remarks>
/// Format (little-endian, <see cref="BinaryWriter"/>): magic "SPLV", version 1, the encoding time in seconds (double),
/// the entry count; then per entry the id (length-prefixed UTF-8), the term count n, n term ids (int32) and n weights
/// (float32). The vectors are the encoder's raw output (unpruned, unquantized). Files are written to a temporary name
/// and renamed, so a killed run never leaves a truncated cache entry.
/// </remarks>
internal sealed class VectorCache
{
    private const uint Magic = 0x564C5053; // "SPLV"
    private const int Version = 1;

    public VectorCache(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>The cache folder: <c>$LUCENE_SPLADE_EVAL_CACHE</c>, else <c>~/.cache/lucene-splade/eval</c>.</summary>
    public static string DefaultFolder() =>
        Environment.GetEnvironmentVariable("LUCENE_SPLADE_EVAL_CACHE") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lucene-splade", "eval");

    public string PathFor(string sourceFile, string modelKey)
    {
        var info = new FileInfo(sourceFile);
        var text = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}|{modelKey}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        var collection = info.Directory?.Name ?? "collection";
        return Path.Combine(Folder, $"{collection}.{Path.GetFileNameWithoutExtension(info.Name)}.{hash}.spv");
    }

    /// <summary>
    /// The cached vectors of <paramref name="sourceFile"/>, or those <paramref name="encode"/> makes (then stored).
    /// </summary>
    public EncodedTexts GetOrEncode(string sourceFile, string modelKey, IReadOnlyList<string> ids, Func<(IReadOnlyList<SparseVector> Vectors, double Seconds)> encode)
    {
        var path = PathFor(sourceFile, modelKey);
        if (File.Exists(path))
        {
            var cached = Read(path);
            if (cached.Ids.SequenceEqual(ids, StringComparer.Ordinal))
            {
                return cached;
            }
        }

        var (vectors, seconds) = encode();
        Write(path, ids, vectors, seconds);
        return new EncodedTexts(ids, vectors, seconds, FromCache: false);
    }

    public static void Write(string path, IReadOnlyList<string> ids, IReadOnlyList<SparseVector> vectors, double seconds)
    {
        if (ids.Count != vectors.Count)
        {
            throw new ArgumentException("One vector per id is needed.", nameof(vectors));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + "." + Environment.ProcessId + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(seconds);
            writer.Write(ids.Count);
            for (var i = 0; i < ids.Count; i++)
            {
                writer.Write(ids[i]);
                var v = vectors[i];
                writer.Write(v.Count);
                foreach (var id in v.TermIds)
                {
                    writer.Write(id);
                }

                foreach (var w in v.Weights)
                {
                    writer.Write(w);
                }
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <exception cref="InvalidDataException">The file is not a vector cache of this version.</exception>
    public static EncodedTexts Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        if (reader.ReadUInt32() != Magic || reader.ReadInt32() != Version)
        {
            throw new InvalidDataException($"{path}: not a vector cache file of version {Version}.");
        }

        var seconds = reader.ReadDouble();
        var count = reader.ReadInt32();
        var ids = new string[count];
        var vectors = new SparseVector[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = reader.ReadString();
            var n = reader.ReadInt32();
            var termIds = new int[n];
            var weights = new float[n];
            for (var k = 0; k < n; k++)
            {
                termIds[k] = reader.ReadInt32();
            }

            for (var k = 0; k < n; k++)
            {
                weights[k] = reader.ReadSingle();
            }

            vectors[i] = n == 0 ? SparseVector.Empty : new SparseVector(termIds, weights);
        }

        return new EncodedTexts(ids, vectors, seconds, FromCache: true);
    }
}
