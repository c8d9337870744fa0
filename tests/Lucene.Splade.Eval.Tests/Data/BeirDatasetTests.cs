using Lucene.Splade.Corpora;
using Lucene.Splade.Eval.Tests.Support;

namespace Lucene.Splade.Eval.Tests.Data;

public sealed class BeirDatasetTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestData.TempFolder();
        Directory.CreateDirectory(Path.Combine(_folder, "qrels"));
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void ReadsTheTinyFixture()
    {
        var corpus = BeirCollection.ReadCorpus(TestData.TinyCollection);
        var queries = BeirCollection.ReadJudgedQueries(TestData.TinyCollection, "test");
        var qrels = BeirCollection.ReadQrels(TestData.TinyCollection, "test");

        Assert.That(corpus, Has.Count.EqualTo(7));
        Assert.That(corpus[0].Contents, Is.EqualTo("Solar power Solar panels convert sunlight into electricity for homes."));
        Assert.That(corpus[6].Contents, Is.EqualTo("Volcanoes erupt molten rock called lava."), "no title: the text alone");
        Assert.That(queries.Select(q => q.Id), Is.EqualTo(new[] { "q1", "q2", "q3" }), "judged test queries only");
        Assert.That(qrels.For("q1")["d1"], Is.EqualTo(2));
        Assert.That(qrels.PairCount, Is.EqualTo(5));
        Assert.That(BeirCollection.Splits(TestData.TinyCollection), Is.EqualTo(new[] { "test", "train" }));
    }

    [Test]
    public void MissingCorpusNamesTheFile()
    {
        var e = Assert.Throws<FileNotFoundException>(() => BeirCollection.ReadCorpus(_folder));
        Assert.That(e!.Message, Does.Contain("corpus.jsonl"));
    }

    [Test]
    public void MissingQrelsSplitNamesTheFile()
    {
        var e = Assert.Throws<FileNotFoundException>(() => BeirCollection.ReadQrels(_folder, "dev"));
        Assert.That(e!.Message, Does.Contain(Path.Combine("qrels", "dev.tsv")));
    }

    [Test]
    public void MalformedJsonLineGivesItsLineNumber()
    {
        File.WriteAllLines(Path.Combine(_folder, "corpus.jsonl"),
        [
            """{"_id": "1", "title": "", "text": "fine"}""",
            "",
            """{"_id": "2", "text": "missing brace" """,
        ]);

        var e = Assert.Throws<InvalidDataException>(() => BeirCollection.ReadCorpus(_folder));
        Assert.That(e!.Message, Does.Contain("corpus.jsonl:3:"));
    }

    [Test]
    public void JsonLineWithoutIdGivesItsLineNumber()
    {
        File.WriteAllLines(Path.Combine(_folder, "queries.jsonl"), ["""{"_id": "1", "text": "a"}""", """{"text": "no id"}"""]);

        var e = Assert.Throws<InvalidDataException>(() => BeirCollection.ReadQueries(_folder));
        Assert.That(e!.Message, Does.Contain("queries.jsonl:2:").And.Contain("_id"));
    }

    [Test]
    public void QrelsLineWithTooFewFieldsGivesItsLineNumber()
    {
        File.WriteAllText(Path.Combine(_folder, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1 d2 1\n");

        var e = Assert.Throws<InvalidDataException>(() => BeirCollection.ReadQrels(_folder, "test"));
        Assert.That(e!.Message, Does.Contain("test.tsv:3:").And.Contain("3 tab-separated fields"));
    }

    [Test]
    public void QrelsScoreThatIsNotAnIntegerGivesItsLineNumber()
    {
        File.WriteAllText(Path.Combine(_folder, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n\nq1\td2\thigh\n");

        var e = Assert.Throws<InvalidDataException>(() => BeirCollection.ReadQrels(_folder, "test"));
        Assert.That(e!.Message, Does.Contain("test.tsv:4:").And.Contain("'high'"));
    }

    [Test]
    public void QrelsWithoutHeaderAreRead()
    {
        File.WriteAllText(Path.Combine(_folder, "qrels", "test.tsv"), "q1\td1\t1\nq2\td2\t0\n");

        var qrels = BeirCollection.ReadQrels(_folder, "test");
        Assert.That(qrels.QueryIds, Is.EqualTo(new[] { "q1", "q2" }));
        Assert.That(qrels.For("q2")["d2"], Is.EqualTo(0));
    }

    [Test]
    public void JudgedQueryWithoutTextIsAnError()
    {
        File.WriteAllLines(Path.Combine(_folder, "queries.jsonl"), ["""{"_id": "q1", "text": "a"}"""]);
        File.WriteAllText(Path.Combine(_folder, "qrels", "test.tsv"), "q1\td1\t1\nq7\td1\t1\n");

        var e = Assert.Throws<InvalidDataException>(() => BeirCollection.ReadJudgedQueries(_folder, "test"));
        Assert.That(e!.Message, Does.Contain("'q7'"));
    }
}
