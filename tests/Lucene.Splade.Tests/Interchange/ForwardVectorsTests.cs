using System.Globalization;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Splade.Analysis;
using Lucene.Splade.Interchange;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Interchange;

public sealed class ForwardVectorsTests
{
    private const string Field = "splade";
    private const string ForwardField = "splade_vector";
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    [Test]
    public void VectorsSurviveEncodingBitForBit()
    {
        var random = new Random(7);
        var vectors = Enumerable.Range(0, 30).Select(_ => RandomVectors.Create(random, 60, 30_000, RandomVectors.ContinuousWeight)).ToList();
        vectors.Add(SparseVector.Empty);
        vectors.Add(new SparseVector([0, 127, 128, 16_383, 16_384, int.MaxValue], [1e-30f, 0.5f, 1f, 2f, 3.4e38f, float.Epsilon]));

        foreach (var vector in vectors)
        {
            var decoded = ForwardVectors.Decode(ForwardVectors.Encode(vector));
            Assert.That(decoded.TermIds.ToArray(), Is.EqualTo(vector.TermIds.ToArray()));
            Assert.That(decoded.Weights.ToArray(), Is.EqualTo(vector.Weights.ToArray()), "floats, not quantized");
        }
    }

    [Test]
    public void AnIndexGivesBackEachLiveDocumentsFloatVector_AcrossSegments()
    {
        var random = new Random(21);
        var vectors = Enumerable.Range(0, 40).Select(_ => RandomVectors.Create(random, 40, 2000, RandomVectors.ContinuousWeight)).ToArray();
        using var directory = SpladeTestIndex.NewDirectory();
        var config = new IndexWriterConfig(SpladeTestIndex.Version, new KeywordAnalyzer()) { Similarity = SpladeSimilarity.ForFields([Field]), MaxBufferedDocs = 15, MergePolicy = NoMergePolicy.NO_COMPOUND_FILES };
        using (var writer = new IndexWriter(directory, config))
        {
            for (var i = 0; i < vectors.Length; i++)
            {
                writer.AddDocument(new Document
                {
                    new StringField("id", i.ToString(CultureInfo.InvariantCulture), Lucene.Net.Documents.Field.Store.YES),
                    SpladeField.CreateEncodedField(Field, vectors[i], Vocabulary),
                    ForwardVectors.CreateField(ForwardField, vectors[i]),
                });
            }

            writer.AddDocument(new Document { new StringField("id", "none", Lucene.Net.Documents.Field.Store.YES) });
            writer.DeleteDocuments(new Term("id", "3"));
        }

        using var reader = DirectoryReader.Open(directory);
        Assert.That(reader.Leaves, Has.Count.GreaterThan(1));
        Assert.That(ForwardVectors.Exists(reader, ForwardField), Is.True);
        Assert.That(ForwardVectors.Exists(reader, Field), Is.False, "the postings field has no doc values");

        var read = ForwardVectors.Read(reader, ForwardField).ToList();

        Assert.That(read, Has.Count.EqualTo(vectors.Length), "40 documents, one deleted, one without a vector");
        foreach (var (doc, vector) in read)
        {
            var id = reader.Document(doc).Get("id");
            var expected = id == "none" ? SparseVector.Empty : vectors[int.Parse(id, CultureInfo.InvariantCulture)];
            Assert.That(vector, Is.EqualTo(expected), $"document {id}");
        }

        Assert.That(read.Select(r => reader.Document(r.Doc).Get("id")), Does.Not.Contain("3"));
    }

    [Test]
    public void TheDotProductReadInPlaceIsTheVectorsDotProduct()
    {
        var random = new Random(9);
        var quantizer = new TermFrequencyQuantizer(10f);
        for (var i = 0; i < 50; i++)
        {
            var document = RandomVectors.Create(random, random.Next(1, 200), 3000, RandomVectors.ContinuousWeight);
            var query = RandomVectors.Create(random, random.Next(1, 60), 3000, RandomVectors.ContinuousWeight);
            var bytes = ForwardVectors.Encode(document);

            Assert.That(ForwardVectors.Dot(bytes, query, null), Is.EqualTo((float)query.Dot(document)).Within(1e-4));
            var quantized = quantizer.Quantize(document);
            var expected = Enumerable.Range(0, quantized.Count).Sum(k => (double)query[quantized.TermIds[k]] * quantized.Frequencies[k]);
            Assert.That(ForwardVectors.Dot(bytes, query, quantizer), Is.EqualTo(expected).Within(1e-3));
        }

        Assert.That(ForwardVectors.Dot([], RandomVectors.Create(random, 3, 10, RandomVectors.ContinuousWeight), null), Is.Zero);
    }

    [TestCase(new byte[] { 9, 0 }, "format 9")]
    [TestCase(new byte[] { 1, 5, 1, 2 }, "truncated")]
    [TestCase(new byte[] { 1, 0x80 }, "inside a number")]
    [TestCase(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0 }, "longer than 5 bytes")]
    [TestCase(new byte[] { 1, 2, 0, 0, 128, 63, 0, 0, 128, 63, 4, 0 }, "not strictly ascending")]
    [TestCase(new byte[] { 1, 1, 0, 0, 128, 63, 4, 0 }, "bytes left over")]
    [TestCase(new byte[] { 1, 1, 0, 0, 128, 191, 4 }, "weight of term 4 is -1")]
    [TestCase(new byte[] { 1, 1, 0, 0, 192, 127, 4 }, "weight of term 4 is NaN")]
    public void ADamagedValueIsAClearError(byte[] bytes, string message)
    {
        Assert.That(() => ForwardVectors.Decode(bytes), Throws.InstanceOf<InvalidDataException>().With.Message.Contains(message));
    }

    [Test]
    public void NullArgumentsAreRefused()
    {
        Assert.That(() => ForwardVectors.CreateField(null!, SparseVector.Empty), Throws.ArgumentNullException);
        Assert.That(() => ForwardVectors.CreateField(ForwardField, null!), Throws.ArgumentNullException);
        Assert.That(() => ForwardVectors.Read(null!, ForwardField), Throws.ArgumentNullException);
    }
}
