using Lucene.Splade.Corpora;

namespace Lucene.Splade.Sample.Tests;

[TestFixture]
public sealed class DocumentReaderTests
{
    [Test]
    public void Json_lines_accept_common_key_names_and_skip_bad_lines_with_their_numbers()
    {
        var path = Path.Combine(SampleTestContext.NewFolder("reader"), "mixed.jsonl");
        File.WriteAllLines(path,
        [
            """{"_id": "a", "title": "A", "text": "alpha"}""",
            "",
            """{"id": 7, "contents": "seven"}""",
            "[1, 2]",
            """{"docid": "c", "body": "gamma", "extra": {"ignored": true}}""",
            """{"id": "d"}""",
            "not json",
        ]);
        var reader = new DocumentReader(path);

        var documents = reader.Read().ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(documents.Select(d => d.Id), Is.EqualTo(new[] { "a", "7", "c" }));
            Assert.That(documents[0].Contents, Is.EqualTo("A alpha"), "title and text joined by a space, as BM25 \"flat\" runs index them");
            Assert.That(documents[1].Contents, Is.EqualTo("seven"));
            Assert.That(reader.Problems.Select(p => p.Line), Is.EqualTo(new int?[] { 4, 6, 7 }));
            Assert.That(reader.CountCandidates(), Is.EqualTo(6));
        });
    }
}
