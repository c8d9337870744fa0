using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lucene.Splade.Modeling;

/// <summary>One file of a <see cref="ModelFolderManifest"/>.</summary>
/// <param name="Name">The file's name, relative to the folder, with <c>/</c> between folders.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">The SHA-256 of its bytes, lower-case hexadecimal.</param>
public sealed record ModelFolderFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("length")] long Length,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>
/// The optional <c>splade_manifest.json</c> of a model folder: each file's size and SHA-256, written after the files
/// by whatever built the folder, so a reader can tell a complete folder from a damaged or half-written one.
/// <see cref="SpladeModelFolder.Resolve"/> checks the sizes of a folder that has one (cheap: no file is read);
/// <see cref="Verify"/> checks the hashes too.
/// </summary>
public sealed class ModelFolderManifest
{
    /// <summary>Creates a manifest.</summary>
    /// <param name="files">The files it vouches for.</param>
    /// <param name="source">See <see cref="Source"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="files"/> is null.</exception>
    [JsonConstructor]
    public ModelFolderManifest(IReadOnlyList<ModelFolderFile> files, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        Files = files;
        Source = source;
    }

    /// <summary>The files it vouches for.</summary>
    [JsonPropertyName("files")]
    public IReadOnlyList<ModelFolderFile> Files { get; }

    /// <summary>
    /// What the folder was built from, in the builder's own terms (for example a hash of its inputs), so that a builder
    /// can tell an intact folder built from other inputs; null when not recorded. Never a path of the machine.
    /// </summary>
    [JsonPropertyName("source")]
    public string? Source { get; }

    /// <summary>The file name looked for in a model folder.</summary>
    public const string FileName = "splade_manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Measures and hashes files of a folder.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="fileNames">The files, relative to <paramref name="folder"/>.</param>
    /// <param name="source">See <see cref="Source"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> or <paramref name="fileNames"/> is null.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static ModelFolderManifest Create(string folder, IEnumerable<string> fileNames, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(fileNames);
        var files = fileNames
            .Select(name => name.Replace('\\', '/'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var path = Path.Combine(folder, name);
                return new ModelFolderFile(name, new FileInfo(path).Length, HashFile(path));
            })
            .ToArray();
        return new ModelFolderManifest(files, source);
    }

    /// <summary>Reads the manifest of a folder.</summary>
    /// <returns>The manifest, or null when the folder has none.</returns>
    /// <exception cref="InvalidDataException">The manifest file is not a valid manifest.</exception>
    public static ModelFolderManifest? TryLoad(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        ModelFolderManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelFolderManifest>(File.ReadAllText(path), JsonOptions);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The model folder's manifest '{path}' is not a valid manifest: {e.Message} The folder may be damaged; rebuild or restore it.", e);
        }

        if (manifest?.Files is null || manifest.Files.Any(f => f is null || string.IsNullOrEmpty(f.Name) || f.Length < 0 || f.Sha256 is null
            || Path.IsPathRooted(f.Name) || f.Name.Split('/').Contains("..")))
        {
            throw new InvalidDataException($"The model folder's manifest '{path}' does not list files as expected (name, length, sha256 each). The folder may be damaged; rebuild or restore it.");
        }

        return manifest;
    }

    /// <summary>Writes the manifest into a folder, under a temporary name first, so a reader never sees half of it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is null.</exception>
    public void Save(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder, FileName);
        var temp = Path.Combine(folder, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, JsonSerializer.Serialize(this, JsonOptions));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Checks that each listed file is in <paramref name="folder"/> with its size, and with <paramref name="checkHashes"/>
    /// also its SHA-256 (which reads every byte).
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="checkHashes">Whether to hash the files too.</param>
    /// <returns>Null when every file matches, else what is wrong, naming the first file that does not match.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is null.</exception>
    public string? FindDamage(string folder, bool checkHashes)
    {
        ArgumentNullException.ThrowIfNull(folder);
        foreach (var file in Files)
        {
            var info = new FileInfo(Path.Combine(folder, file.Name));
            if (!info.Exists)
            {
                return $"'{file.Name}' is missing";
            }

            if (info.Length != file.Length)
            {
                return string.Create(CultureInfo.InvariantCulture, $"'{file.Name}' is {info.Length:N0} bytes, not the {file.Length:N0} its manifest lists");
            }

            if (checkHashes && !string.Equals(HashFile(info.FullName), file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                return $"'{file.Name}' does not have the SHA-256 its manifest lists";
            }
        }

        return null;
    }

    /// <summary>Checks every listed file's size and SHA-256 (see <see cref="FindDamage"/>).</summary>
    /// <exception cref="InvalidDataException">A file is missing or differs from the manifest; the message names it.</exception>
    public void Verify(string folder)
    {
        if (FindDamage(folder, checkHashes: true) is { } damage)
        {
            throw DamagedFolder(folder, damage);
        }
    }

    /// <summary>The error for a folder whose files do not match its manifest.</summary>
    internal static InvalidDataException DamagedFolder(string folder, string damage) =>
        new($"The SPLADE model folder '{folder}' is damaged: {damage} ({FileName}). It was probably cut short by an interrupted build, copy or download; rebuild, re-copy or re-download the folder.");

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
