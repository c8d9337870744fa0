using System.Buffers.Binary;
using System.Text.Json;

namespace Lucene.Splade.Modeling;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <remarks>A class, not a record: the shape is an array, so a record's generated equality would compare references.</remarks>
internal sealed class SafetensorsTensor(string name, string dataType, long[] shape, long begin, long end)
{
    /// <summary>The tensor's name.</summary>
    public string Name { get; } = name;

    /// <summary>The dtype string (<c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, ...).</summary>
    public string DataType { get; } = dataType;

    /// <summary>The dimensions; empty for a scalar.</summary>
    public long[] Shape { get; } = shape;

    /// <summary>Start of the data, relative to the end of the header.</summary>
    public long Begin { get; } = begin;

    /// <summary>End (exclusive) of the data, relative to the end of the header.</summary>
    public long End { get; } = end;

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape as <c>[a, b]</c>, for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// A safetensors file read into memory: its header (tensor names, dtypes, shapes, offsets) checked against the file,
/// and its tensors decoded to floats on request. Immutable after <see cref="Read"/>.
/// </summary>
/// <remarks>
/// Layout: a little-endian u64 header size N, N bytes of JSON mapping each tensor name to its <c>dtype</c>,
/// <c>shape</c> and <c>data_offsets</c> (begin and end, relative to the end of the header; an optional
/// <c>__metadata__</c> entry maps strings to strings), then the data. Every malformation (header longer than the
/// file or than <see cref="MaxHeaderBytes"/>, invalid JSON, a missing or mistyped field, offsets outside the data,
/// a byte count that disagrees with the shape and dtype) is an <see cref="InvalidDataException"/> naming the file.
/// </remarks>
internal sealed class SafetensorsFile
{
    /// <summary>The largest header accepted (the reference implementation's limit, 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private readonly byte[] _bytes;
    private readonly int _dataStart;
    private readonly Dictionary<string, SafetensorsTensor> _tensors;

    private SafetensorsFile(string path, byte[] bytes, int dataStart, Dictionary<string, SafetensorsTensor> tensors)
    {
        Path = path;
        _bytes = bytes;
        _dataStart = dataStart;
        _tensors = tensors;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The tensors, in header order.</summary>
    public IReadOnlyCollection<SafetensorsTensor> Tensors => _tensors.Values;

    /// <summary>The tensor names, in header order.</summary>
    public IReadOnlyCollection<string> Names => _tensors.Keys;

    /// <summary>Reads and checks a safetensors file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Safetensors file not found: '{path}'.", path);
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file (shorter than 8 bytes).");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file (header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes).");
        }

        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file (header length {headerLength} exceeds the file's {bytes.Length - 8} bytes after the length).");
        }

        var dataStart = 8 + (int)headerLength;
        var dataLength = bytes.Length - dataStart;
        var tensors = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        try
        {
            using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"the header is a JSON {header.RootElement.ValueKind}, not an object");
            }

            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }

                var tensor = ParseEntry(path, entry, dataLength);
                if (!tensors.TryAdd(tensor.Name, tensor))
                {
                    throw Invalid(path, $"tensor '{tensor.Name}' appears more than once");
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' has an invalid safetensors header: {e.Message}", e);
        }

        return new SafetensorsFile(path, bytes, dataStart, tensors);
    }

    /// <summary>Looks up a tensor by its exact name.</summary>
    public bool TryGetTensor(string name, out SafetensorsTensor tensor) => _tensors.TryGetValue(name, out tensor!);

    /// <summary>A tensor's values as floats (F32, F16 and BF16 are decoded; other dtypes are refused).</summary>
    /// <exception cref="KeyNotFoundException">The file has no tensor <paramref name="name"/>.</exception>
    /// <exception cref="InvalidDataException">The tensor's dtype is not a supported floating-point type.</exception>
    public float[] ReadFloats(string name)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new KeyNotFoundException($"'{Path}' has no tensor named '{name}'; it has: {string.Join(", ", _tensors.Keys)}.");
        }

        var data = _bytes.AsSpan(_dataStart + (int)tensor.Begin, (int)(tensor.End - tensor.Begin));
        return tensor.DataType switch
        {
            "F32" => Convert(data, 4, static s => BinaryPrimitives.ReadSingleLittleEndian(s)),
            "F16" => Convert(data, 2, static s => (float)BinaryPrimitives.ReadHalfLittleEndian(s)),
            "BF16" => Convert(data, 2, static s => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(s) << 16)),
            _ => throw new InvalidDataException($"Tensor '{name}' of '{Path}' has dtype {tensor.DataType}; only F32, F16 and BF16 are supported."),
        };
    }

    /// <summary>Every tensor of the file as floats.</summary>
    /// <exception cref="InvalidDataException">A tensor's dtype is not F32, F16 or BF16.</exception>
    public Dictionary<string, float[]> ReadAllFloats()
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var name in _tensors.Keys)
        {
            result[name] = ReadFloats(name);
        }

        return result;
    }

    /// <summary>Writes one F32 tensor as a safetensors file (to a temporary name, then renamed over <paramref name="path"/>).</summary>
    public static void WriteSingleF32(string path, string name, ReadOnlySpan<float> values)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            [name] = new Dictionary<string, object>
            {
                ["dtype"] = "F32",
                ["shape"] = new long[] { values.Length },
                ["data_offsets"] = new long[] { 0, (long)values.Length * sizeof(float) },
            },
        });

        // The format pads the header with spaces so the data starts at a multiple of 8 bytes.
        var padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + (values.Length * sizeof(float))];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + padded + (i * sizeof(float))), values[i]);
        }

        var full = System.IO.Path.GetFullPath(path);
        var temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static SafetensorsTensor ParseEntry(string path, JsonProperty entry, long dataLength)
    {
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"the entry of tensor '{entry.Name}' is not an object");
        }

        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
        {
            throw Invalid(path, $"tensor '{entry.Name}' has no dtype string");
        }

        var shape = ReadIntegers(path, entry.Name, value, "shape", count: null);
        var offsets = ReadIntegers(path, entry.Name, value, "data_offsets", count: 2);
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
        {
            throw Invalid(path, $"tensor '{entry.Name}' has data_offsets [{begin}, {end}] that end before they begin");
        }

        if (end > dataLength)
        {
            throw Invalid(path, $"tensor '{entry.Name}' ends at byte {end} of a {dataLength}-byte data section");
        }

        var tensor = new SafetensorsTensor(entry.Name, dtype.GetString()!, shape, begin, end);
        if (ElementSize(tensor.DataType) is { } size)
        {
            // The shape's product can overflow for absurd headers; compare in floating point first.
            var elements = shape.Aggregate(1.0, (a, b) => a * b);
            if (elements * size != end - begin)
            {
                throw Invalid(path, $"tensor '{entry.Name}' ({tensor.DataType}, shape {tensor.ShapeText}) needs {elements * size} bytes but its data_offsets span {end - begin}");
            }
        }

        return tensor;
    }

    private static long[] ReadIntegers(string path, string tensor, JsonElement entry, string property, int? count)
    {
        if (!entry.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array || (count is { } n && array.GetArrayLength() != n))
        {
            throw Invalid(path, $"tensor '{tensor}' has no {property} array{(count is { } c ? $" of {c} integers" : "")}");
        }

        var values = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v) || v < 0)
            {
                throw Invalid(path, $"tensor '{tensor}' has a {property} entry that is not a non-negative integer ({item.GetRawText()})");
            }

            values[i++] = v;
        }

        return values;
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => null,
    };

    private static InvalidDataException Invalid(string path, string what) =>
        new($"'{path}' has an invalid safetensors header: {what}.");

    private delegate float ElementReader(ReadOnlySpan<byte> bytes);

    private static float[] Convert(ReadOnlySpan<byte> data, int size, ElementReader read)
    {
        var values = new float[data.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read(data.Slice(i * size, size));
        }

        return values;
    }
}
