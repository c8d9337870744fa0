using System.Text;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tests.Support;

namespace Lucene.Splade.Tests.Modeling;

/// <summary>The safetensors reader shared by the MLM head and the inference-free query weights.</summary>
[TestFixture]
public sealed class SafetensorsFileTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("splade-safetensors-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string File(string name = "t.safetensors") => Path.Combine(_folder, name);

    [Test]
    public void Reads_names_dtypes_shapes_and_values_and_skips_the_metadata()
    {
        var path = File();
        SafetensorsTestFile.Write(
            path,
            new() { ["m"] = ([1f, 2f, 3f, 4f, 5f, 6f], "F32"), ["h"] = ([0.5f, -1.25f], "F16"), ["b"] = ([-0.5f, 8f], "BF16") },
            new() { ["m"] = [2, 3] });

        var file = SafetensorsFile.Read(path);

        Assert.That(file.Names, Is.EqualTo(new[] { "m", "h", "b" }), "header order, __metadata__ left out");
        Assert.That(file.TryGetTensor("m", out var m), Is.True);
        Assert.That(m.DataType, Is.EqualTo("F32"));
        Assert.That(m.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(m.ElementCount, Is.EqualTo(6));
        Assert.That(file.ReadFloats("m"), Is.EqualTo(new[] { 1f, 2f, 3f, 4f, 5f, 6f }));
        Assert.That(file.ReadFloats("h"), Is.EqualTo(new[] { 0.5f, -1.25f }));
        Assert.That(file.ReadFloats("b"), Is.EqualTo(new[] { -0.5f, 8f }));
        Assert.That(file.TryGetTensor("missing", out _), Is.False);
        Assert.That(() => file.ReadFloats("missing"), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("missing").And.Message.Contains("m, h, b"));
    }

    [Test]
    public void Written_files_have_an_eight_byte_aligned_data_section_and_read_back()
    {
        var path = File();
        float[] values = [0f, 1.5f, -3f, float.Epsilon];

        SafetensorsFile.WriteSingleF32(path, "x", values);

        var headerLength = BitConverter.ToUInt64(System.IO.File.ReadAllBytes(path), 0);
        Assert.That(headerLength % 8, Is.Zero);
        Assert.That(SafetensorsFile.Read(path).ReadFloats("x"), Is.EqualTo(values));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file left behind");
    }

    [Test]
    public void Missing_file()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Read(File("nope.safetensors")));
        Assert.That(e!.Message, Does.Contain("nope.safetensors"));
    }

    [Test]
    public void Unsupported_dtype_is_refused_when_read_as_floats()
    {
        var path = File();
        SafetensorsTestFile.WriteRaw(path, """{"i":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", new byte[16]);

        var file = SafetensorsFile.Read(path);

        Assert.That(file.TryGetTensor("i", out var tensor) && tensor.DataType == "I64", Is.True, "the header itself is valid");
        var e = Assert.Throws<InvalidDataException>(() => file.ReadFloats("i"));
        Assert.That(e!.Message, Does.Contain("I64").And.Contain(path));
    }

    [Test]
    public void Shorter_than_the_length_prefix()
    {
        var path = File();
        System.IO.File.WriteAllBytes(path, [1, 2, 3]);

        AssertInvalid(path, "shorter than 8 bytes");
    }

    [TestCase(ulong.MaxValue, "exceeds the limit")]
    [TestCase(100_000_001UL, "exceeds the limit")]
    [TestCase(1_000UL, "exceeds the file")]
    public void Header_length_beyond_the_file_or_the_limit(ulong length, string expected)
    {
        var path = File();
        SafetensorsTestFile.WriteRaw(path, "{}", new byte[16], headerLength: length);

        AssertInvalid(path, expected);
    }

    [TestCase("{not json", "invalid safetensors header")]
    [TestCase("[1, 2]", "not an object")]
    [TestCase("""{"t": 5}""", "not an object")]
    [TestCase("""{"t":{"shape":[1],"data_offsets":[0,4]}}""", "no dtype")]
    [TestCase("""{"t":{"dtype":"F32","data_offsets":[0,4]}}""", "no shape")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1]}}""", "no data_offsets")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "no data_offsets")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,"4"]}}""", "not a non-negative integer")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", "not a non-negative integer")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", "not a non-negative integer")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", "end before they begin")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4000]}}""", "data section")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,9223372036854775807]}}""", "data section")]
    [TestCase("""{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "needs 12 bytes")]
    [TestCase("""{"t":{"dtype":"F32","shape":[4000000000,4000000000,4000000000],"data_offsets":[0,8]}}""", "needs")]
    [TestCase("""{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "more than once")]
    public void Corrupt_headers_are_invalid_data(string header, string expected)
    {
        var path = File();
        SafetensorsTestFile.WriteRaw(path, header, new byte[16]);

        AssertInvalid(path, expected);
    }

    [Test]
    public void A_header_that_is_not_utf8_is_invalid_data()
    {
        var path = File();
        System.IO.File.WriteAllBytes(path, [4, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFE, 0xFD, 0xFC, .. Encoding.ASCII.GetBytes("data")]);

        AssertInvalid(path, "invalid safetensors header");
    }

    private static void AssertInvalid(string path, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(path));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain(path));
    }
}
