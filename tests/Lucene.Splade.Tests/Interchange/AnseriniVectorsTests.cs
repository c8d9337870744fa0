using System.Globalization;
using System.Text.Json;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Splade.Analysis;
using Lucene.Splade.Interchange;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Interchange;

public sealed class AnseriniVectorsTests
{
    private const string Field = "splade";
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    private static SparseVector[] Documents(int seed, int count) =>
        Enumerable.Range(0, count).Select(_ => RandomVectors.Create(new Random(seed++), 40, 2000, RandomVectors.ContinuousWeight)).ToArray();

    [Test]
    public void DocumentsSurviveAWriteAndReadBack()
    {
        var vectors = Documents(1, 50);
        var written = new StringWriter();
        for (var i = 0; i < vectors.Length; i++)
        {
            AnseriniVectors.WriteDocument(written, new AnseriniDocument("doc" + i, "text \"quoted\" é\n" + i, SpladeIndexingOptions.Default.ToTermFrequencies(vectors[i])), Vocabulary);
        }

        var read = AnseriniVectors.ReadDocuments(new StringReader(written.ToString()), Vocabulary).ToList();

        Assert.That(read.Select(d => d.Id), Is.EqualTo(Enumerable.Range(0, 50).Select(i => "doc" + i)));
        Assert.That(read[3].Contents, Is.EqualTo("text \"quoted\" é\n3"));
        for (var i = 0; i < vectors.Length; i++)
        {
            var expected = SpladeIndexingOptions.Default.ToTermFrequencies(vectors[i]);
            Assert.That(read[i].Vector.TermIds.ToArray(), Is.EqualTo(expected.TermIds.ToArray()));
            Assert.That(read[i].Vector.Frequencies.ToArray(), Is.EqualTo(expected.Frequencies.ToArray()));
        }
    }

    [Test]
    public void ALineIsAnseriniJsonVectorCollection_TermsAsKeys_IntegerWeights()
    {
        var vector = SpladeIndexingOptions.Default.ToTermFrequencies(new SparseVector([FakeVocabulary.FirstTermId, FakeVocabulary.FirstTermId + 1], [1.25f, 0.5f]));
        var written = new StringWriter();
        AnseriniVectors.WriteDocument(written, new AnseriniDocument("d1", "hello", vector), Vocabulary);

        var line = written.ToString();
        Assert.That(line, Does.EndWith("\n").And.Not.Contains("\n\n"));
        using var json = JsonDocument.Parse(line);
        Assert.That(json.RootElement.GetProperty("id").GetString(), Is.EqualTo("d1"));
        Assert.That(json.RootElement.GetProperty("contents").GetString(), Is.EqualTo("hello"));
        var weights = json.RootElement.GetProperty("vector").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.That(weights, Is.EqualTo(new Dictionary<string, int>
        {
            [Vocabulary[FakeVocabulary.FirstTermId]] = (int)Math.Round(1.25 * TermFrequencyQuantizer.DefaultScale, MidpointRounding.AwayFromZero),
            [Vocabulary[FakeVocabulary.FirstTermId + 1]] = (int)(0.5 * TermFrequencyQuantizer.DefaultScale),
        }));
    }

    [Test]
    public void ImportedVectorsIndexToTheSamePostingsAsTheAnalyzerPath()
    {
        var vectors = Documents(7, 30);
        var direct = Postings(writer =>
        {
            var encoder = new FakeSparseEncoder(Vocabulary, text => vectors[int.Parse(text, CultureInfo.InvariantCulture)]);
            return (new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Lucene.Net.Analysis.Analyzer> { [Field] = new SpladeAnalyzer(encoder) }),
                Enumerable.Range(0, vectors.Length).Select(i => new Document { SpladeField.CreateTextField(Field, i.ToString(CultureInfo.InvariantCulture)) }));
        });

        var file = new StringWriter();
        for (var i = 0; i < vectors.Length; i++)
        {
            AnseriniVectors.WriteDocument(file, new AnseriniDocument(i.ToString(CultureInfo.InvariantCulture), "", SpladeIndexingOptions.Default.ToTermFrequencies(vectors[i])), Vocabulary);
        }

        var imported = Postings(_ => (new KeywordAnalyzer(),
            AnseriniVectors.ReadDocuments(new StringReader(file.ToString()), Vocabulary).Select(d => new Document { SpladeField.CreateEncodedField(Field, d.Vector, Vocabulary) })));

        Assert.That(imported, Is.Not.Empty);
        Assert.That(imported, Is.EqualTo(direct));
    }

    [Test]
    public void QueriesSurviveTheTsvRoundTrip_ACountIsAWeight()
    {
        var vector = SpladeIndexingOptions.Default.ToTermFrequencies(new SparseVector([FakeVocabulary.FirstTermId + 5, FakeVocabulary.FirstTermId + 9], [0.3f, 0.1f]));
        var written = new StringWriter();
        AnseriniVectors.WriteQuery(written, new AnseriniQuery("q1", vector), Vocabulary);

        var t5 = Vocabulary[FakeVocabulary.FirstTermId + 5];
        var t9 = Vocabulary[FakeVocabulary.FirstTermId + 9];
        Assert.That(written.ToString(), Is.EqualTo($"q1\t{t5} {t5} {t5} {t9}\n"));
        var read = AnseriniVectors.ReadQueries(new StringReader(written.ToString()), Vocabulary).Single();
        Assert.That(read.Id, Is.EqualTo("q1"));
        Assert.That(read.Vector.TermIds.ToArray(), Is.EqualTo(vector.TermIds.ToArray()));
        Assert.That(read.Vector.Frequencies.ToArray(), Is.EqualTo(new[] { 3, 1 }));
        Assert.That(() => AnseriniVectors.WriteQuery(new StringWriter(), new AnseriniQuery("a\tb", vector), Vocabulary), Throws.ArgumentException);
    }

    [Test]
    public void AnIndexGivesBackEachLiveDocumentsVector_AcrossSegments()
    {
        var vectors = Documents(21, 40);
        using var directory = SpladeTestIndex.NewDirectory();
        var config = new IndexWriterConfig(SpladeTestIndex.Version, new KeywordAnalyzer()) { Similarity = SpladeSimilarity.ForFields([Field]), MaxBufferedDocs = 15, MergePolicy = NoMergePolicy.NO_COMPOUND_FILES };
        using (var writer = new IndexWriter(directory, config))
        {
            for (var i = 0; i < vectors.Length; i++)
            {
                writer.AddDocument(new Document { new StringField("id", i.ToString(CultureInfo.InvariantCulture), Lucene.Net.Documents.Field.Store.YES), SpladeField.CreateEncodedField(Field, vectors[i], Vocabulary) });
            }

            writer.AddDocument(new Document { new StringField("id", "empty", Lucene.Net.Documents.Field.Store.YES) });
            writer.DeleteDocuments(new Term("id", "3"));
        }

        using var reader = DirectoryReader.Open(directory);
        Assert.That(reader.Leaves, Has.Count.GreaterThan(1));
        var read = IndexedVectors.Read(reader, Field, Vocabulary).ToList();

        Assert.That(read, Has.Count.EqualTo(vectors.Length), "40 documents, one deleted, one without the field");
        foreach (var (doc, vector) in read)
        {
            var id = reader.Document(doc).Get("id");
            if (id == "empty")
            {
                Assert.That(vector.Count, Is.Zero);
                continue;
            }

            var expected = SpladeIndexingOptions.Default.ToTermFrequencies(vectors[int.Parse(id, CultureInfo.InvariantCulture)]);
            Assert.That(vector.TermIds.ToArray(), Is.EqualTo(expected.TermIds.ToArray()), $"document {id}");
            Assert.That(vector.Frequencies.ToArray(), Is.EqualTo(expected.Frequencies.ToArray()), $"document {id}");
        }

        Assert.That(read.Select(r => reader.Document(r.Doc).Get("id")), Does.Not.Contain("3"));
        Assert.That(() => IndexedVectors.Read(reader, Field, Vocabulary.FromTokens(["[PAD]", "[UNK]"])).ToList(), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("another model"));
    }

    [TestCase("not json", "not a JSON object")]
    [TestCase("[1, 2]", "not a JSON object")]
    [TestCase("{\"contents\": \"x\", \"vector\": {}}", "no string 'id'")]
    [TestCase("{\"id\": \"a\"}", "no 'vector' object")]
    [TestCase("{\"id\": \"a\", \"vector\": {\"zzzunknown\": 3}}", "not in the vocabulary")]
    [TestCase("{\"id\": \"a\", \"vector\": {\"[CLS]\": 3}}", "special token")]
    [TestCase("{\"id\": \"a\", \"vector\": {\"TERM\": 0.5}}", "positive integer")]
    [TestCase("{\"id\": \"a\", \"vector\": {\"TERM\": -2}}", "positive integer")]
    [TestCase("{\"id\": \"a\", \"vector\": {\"TERM\": 2, \"TERM\": 3}}", "appears twice")]
    public void ABadLineIsAClearErrorWithItsPlace(string line, string message)
    {
        line = line.Replace("TERM", Vocabulary[FakeVocabulary.FirstTermId], StringComparison.Ordinal);
        var input = "{\"id\": \"ok\", \"vector\": {}}\n\n" + line + "\n";
        Assert.That(() => AnseriniVectors.ReadDocuments(new StringReader(input), Vocabulary, "docs.jsonl").ToList(),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("docs.jsonl:3: ").And.Message.Contains(message));
    }

    [Test]
    public void ABadQueryLineIsAClearError()
    {
        Assert.That(() => AnseriniVectors.ReadQueries(new StringReader("no tab here\n"), Vocabulary, "q.tsv").ToList(),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("q.tsv:1: "));
        Assert.That(() => AnseriniVectors.ReadQueries(new StringReader("q\tzzzunknown\n"), Vocabulary, "q.tsv").ToList(),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not in the vocabulary"));
    }

    private static List<(string Term, int Doc, int Freq)> Postings(Func<IndexWriter?, (Lucene.Net.Analysis.Analyzer Analyzer, IEnumerable<Document> Documents)> make)
    {
        using var directory = SpladeTestIndex.NewDirectory();
        var (analyzer, documents) = make(null);
        using (analyzer)
        using (var writer = SpladeTestIndex.OpenWriter(directory, analyzer, SpladeSimilarity.ForFields([Field])))
        {
            foreach (var document in documents)
            {
                writer.AddDocument(document);
            }
        }

        using var reader = DirectoryReader.Open(directory);
        return SpladeTestIndex.ReadPostings(reader, Field);
    }
}
