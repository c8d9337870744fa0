using Lucene.Splade.Encoders;
using Lucene.Splade.Tests.Support.TinyModels;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Encoders;

[TestFixture]
public sealed class DocumentWindowsTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("splade-windows-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Windows_cover_the_sequence_with_the_given_overlap()
    {
        // [CLS]=100, pieces 1..20, [SEP]=101; windows of 8 (6 pieces), stride 4.
        int[] ids = [100, .. Enumerable.Range(1, 20), 101];

        var windows = new DocumentWindows { Stride = 4 }.Split(ids, 8);

        Assert.That(windows.Select(w => w[1..^1]), Is.EqualTo(new[]
        {
            new[] { 1, 2, 3, 4, 5, 6 },
            new[] { 5, 6, 7, 8, 9, 10 },
            new[] { 9, 10, 11, 12, 13, 14 },
            new[] { 13, 14, 15, 16, 17, 18 },
            new[] { 17, 18, 19, 20 },
        }));
        Assert.That(windows.Select(w => (w[0], w[^1])), Is.All.EqualTo((100, 101)));
    }

    [Test]
    public void A_short_sequence_is_one_window_and_max_windows_caps_a_long_one()
    {
        int[] shortIds = [100, 1, 2, 3, 101];
        int[] longIds = [100, .. Enumerable.Range(1, 100), 101];

        Assert.That(new DocumentWindows().Split(shortIds, 8), Is.EqualTo(new[] { shortIds }));
        var capped = new DocumentWindows { MaxWindows = 3 }.Split(longIds, 8);
        Assert.That(capped, Has.Count.EqualTo(3));
        Assert.That(capped.Select(w => w[1]), Is.EqualTo(new[] { 1, 4, 7 }), "default stride: half a window (3 of 6 pieces)");
        Assert.That(new DocumentWindows { MaxWindows = 3 }.MaxPieces(8), Is.EqualTo((2 * 3) + 6 + 2), "only the pieces the windows can hold are tokenized");
    }

    [Test]
    public void Bad_settings_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new DocumentWindows { WindowLength = 2 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new DocumentWindows { Stride = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new DocumentWindows { MaxWindows = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void A_long_document_is_the_elementwise_max_of_its_windows_and_queries_stay_truncated()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        var words = TinyBertModels.Vocabulary.Where(t => !t.StartsWith('[') && !t.StartsWith('#')).ToArray();
        var text = string.Join(' ', Enumerable.Range(0, 40).Select(i => words[i % words.Length]));
        using var truncating = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { MaxLength = 10 });
        using var windowed = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { MaxLength = 10, DocumentWindows = new DocumentWindows { Stride = 4 } });

        var ids = truncating.Tokenizer.Encode(text, int.MaxValue);
        Assume.That(ids.Length, Is.GreaterThan(20), "the text must need several windows");
        var expected = SparseVector.ElementwiseMax(new DocumentWindows { Stride = 4 }.Split(windowed.Tokenizer.Encode(text, new DocumentWindows { Stride = 4 }.MaxPieces(10)), 10)
            .Select(w => truncating.EncodeDocument(string.Join(' ', w[1..^1].Select(id => truncating.Vocabulary[id]))))
            .ToArray());

        var actual = windowed.EncodeDocument(text);

        Assert.That(windowed.WindowLength, Is.EqualTo(10));
        Assert.That(actual.TermIds.ToArray(), Is.EqualTo(expected.TermIds.ToArray()));
        Assert.That(actual.Weights.ToArray(), Is.EqualTo(expected.Weights.ToArray()).Within(1e-5));
        Assert.That(actual.Count, Is.GreaterThan(truncating.EncodeDocument(text).Count), "the tail adds terms");
        Assert.That(windowed.EncodeQuery(text), Is.EqualTo(truncating.EncodeQuery(text)), "queries are never split");
        Assert.That(windowed.EncodeDocument("river"), Is.EqualTo(truncating.EncodeDocument("river")), "a short document is one window");
    }

    [Test]
    public void Elementwise_max_keeps_every_term_at_its_largest_weight()
    {
        var a = new SparseVector([1, 5, 9], [0.5f, 2f, 1f]);
        var b = new SparseVector([5, 7], [3f, 0.25f]);

        var max = SparseVector.ElementwiseMax([a, b]);

        Assert.That(max.TermIds.ToArray(), Is.EqualTo(new[] { 1, 5, 7, 9 }));
        Assert.That(max.Weights.ToArray(), Is.EqualTo(new[] { 0.5f, 3f, 0.25f, 1f }));
        Assert.That(SparseVector.ElementwiseMax([a]), Is.SameAs(a));
        Assert.That(SparseVector.ElementwiseMax([]), Is.EqualTo(SparseVector.Empty));
    }
}
