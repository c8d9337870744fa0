using System.Text;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Tests.Tokenization;

/// <summary><see cref="Vocabulary"/>: reading, writing, lookups at the edges, special-token exclusion and errors.</summary>
[TestFixture]
public sealed class VocabularyTests
{
    private static Vocabulary Read(string text) => Vocabulary.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test");

    [Test]
    public void Trailing_empty_lines_are_dropped_and_inner_ones_kept()
    {
        var vocabulary = Read("[PAD]\r\n\r\nfish\n\n\n");

        Assert.That(vocabulary.Tokens, Is.EqualTo(new[] { "[PAD]", "", "fish" }));
    }

    [Test]
    public void Empty_input_is_refused_with_its_source()
    {
        Assert.That(() => Read("\n\n"), Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo("Vocabulary 'test' is empty."));
        Assert.That(() => Vocabulary.FromTokens([]), Throws.ArgumentException.With.Message.StartsWith("A vocabulary needs at least one token."));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-vocab-" + Guid.NewGuid().ToString("N") + ".txt");
        Assert.That(() => Vocabulary.Load(path), Throws.InstanceOf<FileNotFoundException>().With.Message.EqualTo($"Vocabulary file not found: '{path}'."));
    }

    [Test]
    public void Invalid_UTF8_is_refused_and_a_byte_order_mark_is_read_past()
    {
        Assert.That(() => Vocabulary.Load(new MemoryStream([0x66, 0xFF, 0x0A]), "bad"), Throws.InstanceOf<DecoderFallbackException>());
        var withBom = Vocabulary.Load(new MemoryStream([0xEF, 0xBB, 0xBF, .. "fish\n"u8.ToArray()]), "bom");
        Assert.That(withBom.Tokens, Is.EqualTo(new[] { "fish" }));
    }

    [Test]
    public void Save_writes_UTF8_without_byte_order_mark_with_LF_and_leaves_the_stream_open()
    {
        var vocabulary = Vocabulary.FromTokens(["[PAD]", "café", "fish"]);
        var stream = new MemoryStream();

        vocabulary.Save(stream);

        Assert.That(stream.CanWrite, Is.True, "the caller's stream stays open");
        Assert.That(stream.ToArray(), Is.EqualTo(Encoding.UTF8.GetBytes("[PAD]\ncafé\nfish\n")));
    }

    [Test]
    public void Lookups_at_the_edges()
    {
        var vocabulary = Vocabulary.FromTokens(["[PAD]", "fish", "[unused3]", "[unusedX", "x]", "[CLS]"]);

        Assert.That(vocabulary[vocabulary.Count - 1], Is.EqualTo("[CLS]"));
        Assert.That(() => vocabulary[vocabulary.Count], Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith($"Token id is outside the vocabulary of {vocabulary.Count}"));
        Assert.That(() => vocabulary[-1], Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(vocabulary.IsExcludedTerm(vocabulary.Count), Is.True, "ids past the end are never indexed");
        Assert.That(vocabulary.IsExcludedTerm(-1), Is.True);
        Assert.That(Enumerable.Range(0, vocabulary.Count).Select(vocabulary.IsExcludedTerm), Is.EqualTo(new[] { true, false, true, false, false, true }),
            "[PAD], [unusedN] and [CLS] are special; '[unusedX' and 'x]' are ordinary tokens");
    }

    [Test]
    public void Null_arguments_name_the_parameter()
    {
        Assert.That(() => Vocabulary.Load(null!, "s"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
        Assert.That(() => Vocabulary.Load(new MemoryStream(), null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("source"));
        Assert.That(() => Vocabulary.FromTokens(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("tokens"));
        Assert.That(() => Vocabulary.FromTokens(["a"]).Save(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
    }
}
