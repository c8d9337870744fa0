using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Lucene.Splade.Tests.Support;

/// <summary>Writes small safetensors files for tests, independently of the library's reader and writer.</summary>
internal static class SafetensorsTestFile
{
    /// <summary>Writes tensors of F32, F16 or BF16 values (BF16 by truncation); the shape defaults to <c>[n]</c>.</summary>
    public static void Write(string path, Dictionary<string, (float[] Values, string Dtype)> tensors, Dictionary<string, long[]>? shapes = null)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        var data = new MemoryStream();
        Span<byte> buffer = stackalloc byte[4];
        foreach (var (name, (values, dtype)) in tensors)
        {
            var begin = data.Length;
            foreach (var v in values)
            {
                switch (dtype)
                {
                    case "F32":
                        BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
                        data.Write(buffer[..4]);
                        break;
                    case "F16":
                        BinaryPrimitives.WriteHalfLittleEndian(buffer, (Half)v);
                        data.Write(buffer[..2]);
                        break;
                    case "BF16":
                        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)(BitConverter.SingleToInt32Bits(v) >> 16));
                        data.Write(buffer[..2]);
                        break;
                    default:
                        throw new ArgumentException($"Unsupported test dtype {dtype}.", nameof(tensors));
                }
            }

            var shape = shapes is not null && shapes.TryGetValue(name, out var s) ? s : [values.Length];
            header[name] = new { dtype, shape, data_offsets = new[] { begin, data.Length } };
        }

        WriteRaw(path, JsonSerializer.Serialize(header), data.ToArray());
    }

    /// <summary>Writes a header (any text) and data as they are; <paramref name="headerLength"/> overrides the length prefix.</summary>
    public static void WriteRaw(string path, string header, byte[] data, ulong? headerLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, headerLength ?? (ulong)json.Length);
        file.Write(length);
        file.Write(json);
        file.Write(data);
    }
}
