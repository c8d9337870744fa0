using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;

namespace Lucene.Splade.Embedded;

/// <summary>
/// The embedded default SPLADE model: all-MiniLM-L6-v2 with a SPLADE head, as a ready model folder that this package
/// copies next to the application when it is built or published. It needs no download, no cache and no write access.
/// </summary>
/// <remarks>
/// The package's build targets place the folder at <c>lucene-splade/minilm-l6-splade/</c> under the application's
/// output (and its publish folder), so it travels with <c>dotnet publish</c> output and container images like any
/// other content file. <see cref="FolderPath"/> finds it there; the <see cref="FolderEnvironmentVariable"/> variable
/// points elsewhere (for example at a copy on a shared volume).
/// </remarks>
public static class EmbeddedSpladeModel
{
    /// <summary>The folder under the application's base directory that holds the embedded model folders.</summary>
    public const string ModelsDirectoryName = "lucene-splade";

    /// <summary>The embedded model's folder name under <see cref="ModelsDirectoryName"/>.</summary>
    public const string FolderName = "minilm-l6-splade";

    /// <summary>
    /// Environment variable that, when set, names the embedded model's folder; then no other place is tried.
    /// </summary>
    public const string FolderEnvironmentVariable = "LUCENE_SPLADE_EMBEDDED_MODEL";

    private static readonly string[] RequiredFiles = ["model.onnx", "vocab.txt", SpladeModelConfig.FileName];

    /// <summary>
    /// The full path of the embedded model's folder: <see cref="FolderEnvironmentVariable"/> when set, else
    /// <c>lucene-splade/minilm-l6-splade</c> under the application's base directory, else beside this assembly. The
    /// first complete folder is taken whose files have the sizes its manifest (<see cref="ModelFolderManifest"/>) lists.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">
    /// No complete folder (<c>model.onnx</c>, <c>vocab.txt</c>, <c>splade_config.json</c>) was found; the message lists
    /// where it looked.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// The only complete folders found are damaged (a file cut short or missing); the message names the file and how to
    /// restore the folder.
    /// </exception>
    public static string FolderPath
    {
        get
        {
            var candidates = CandidateFolders();
            string? firstDamage = null;
            foreach (var candidate in candidates.Where(IsComplete))
            {
                var damage = FindDamage(candidate);
                if (damage is null)
                {
                    return candidate;
                }

                firstDamage ??= $"'{candidate}': {damage}";
            }

            if (firstDamage is not null)
            {
                throw new InvalidDataException(
                    $"The embedded SPLADE model folder is damaged: {firstDamage}. It is the Lucene.Splade.Embedded package's model, copied"
                    + " into the application's output when it was built or published; a build, publish or copy that was cut short"
                    + " leaves it so. Rebuild or republish the application (or copy the folder again) to restore it.");
            }

            throw new DirectoryNotFoundException(
                $"The embedded SPLADE model folder was not found (a folder with {string.Join(", ", RequiredFiles)}). Looked in: " + string.Join("; ", candidates.Select(c => $"'{c}'"))
                + ". The Lucene.Splade.Embedded package copies it to lucene-splade/minilm-l6-splade/ in the output of the project that"
                + " references the package (build and publish); an application started from elsewhere, or one whose build did not"
                + $" import the package's targets, can point ${FolderEnvironmentVariable} at a copy of that folder.");
        }
    }

    /// <summary>
    /// Checks every byte of the embedded model's folder against its manifest (SHA-256 of each file); use it after
    /// copying the folder, or to diagnose a model that loads but misbehaves. <see cref="FolderPath"/> checks sizes only.
    /// </summary>
    /// <returns>The folder that was verified.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder was not found (see <see cref="FolderPath"/>).</exception>
    /// <exception cref="InvalidDataException">The folder has no manifest, or a file differs from it; the message names it.</exception>
    public static string Verify()
    {
        var folder = FolderPath;
        var manifest = ModelFolderManifest.TryLoad(folder)
            ?? throw new InvalidDataException($"The embedded SPLADE model folder '{folder}' has no {ModelFolderManifest.FileName}, so it cannot be verified; rebuild or republish the application to restore it.");
        manifest.Verify(folder);
        return folder;
    }

    /// <summary>Loads the embedded model (see <see cref="SpladeEncoder.Load"/>).</summary>
    /// <param name="options">Run-time settings; the defaults when null.</param>
    /// <exception cref="DirectoryNotFoundException">The folder was not found (see <see cref="FolderPath"/>).</exception>
    public static SpladeEncoder LoadEncoder(SpladeEncoderOptions? options = null) => SpladeEncoder.Load(FolderPath, options);

    /// <summary>The places <see cref="FolderPath"/> tries, in order.</summary>
    internal static IReadOnlyList<string> CandidateFolders()
    {
        // An explicit choice is authoritative: falling back to another copy would hide a typo.
        var variable = Environment.GetEnvironmentVariable(FolderEnvironmentVariable);
        if (!string.IsNullOrEmpty(variable))
        {
            return [Path.GetFullPath(variable)];
        }

        var candidates = new List<string> { Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ModelsDirectoryName, FolderName)) };

        // A plug-in loaded from its own folder has its content there, not under the host's base directory. (Location is
        // empty in a single-file application, whose content files sit beside the executable, under the base directory.)
        var assemblyFolder = Path.GetDirectoryName(typeof(EmbeddedSpladeModel).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyFolder))
        {
            candidates.Add(Path.GetFullPath(Path.Combine(assemblyFolder, ModelsDirectoryName, FolderName)));
        }

        return candidates.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool IsComplete(string folder) => RequiredFiles.All(file => File.Exists(Path.Combine(folder, file)));

    private static string? FindDamage(string folder)
    {
        try
        {
            return ModelFolderManifest.TryLoad(folder)?.FindDamage(folder, checkHashes: false);
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
    }
}
