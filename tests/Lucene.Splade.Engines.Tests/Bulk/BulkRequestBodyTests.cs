using System.Text;
using System.Text.Json;

namespace Lucene.Splade.Engines.Tests;

[TestFixture]
public sealed class BulkRequestBodyTests
{
    private static readonly EngineIndexLayout Layout = new("docs") { TextFields = ["text"] };

    [Test]
    public void Each_document_is_an_action_line_and_a_source_line_each_ending_in_a_newline()
    {
        var body = Encoding.UTF8.GetString(BulkRequestBody.Create(TestDocuments.Create(3), Layout));

        Assert.That(body, Does.EndWith("\n"));
        var lines = body[..^1].Split('\n');
        Assert.That(lines, Has.Length.EqualTo(6));
        for (var i = 0; i < 3; i++)
        {
            using var action = JsonDocument.Parse(lines[2 * i]);
            var index = action.RootElement.GetProperty("index");
            Assert.That(index.GetProperty("_index").GetString(), Is.EqualTo("docs"));
            Assert.That(index.GetProperty("_id").GetString(), Is.EqualTo($"d{i}"));
            using var source = JsonDocument.Parse(lines[2 * i + 1]);
            Assert.That(source.RootElement.GetProperty("text").GetString(), Does.StartWith($"document {i}"));
        }
    }

    [Test]
    public void Weights_are_floats_and_keys_are_mapped()
    {
        var document = new EngineDocument("d", [new("u.s.", 0.25f), new("dog", 1.2f), new("%", 3f)]);

        var line = Encoding.UTF8.GetString(BulkRequestBody.Create([document], Layout)).Split('\n')[1];

        Assert.That(line, Is.EqualTo("""{"splade":{"u%2Es%2E":0.25,"dog":1.2,"%25":3}}"""));
    }

    [Test]
    public void A_source_field_named_like_the_vector_field_is_refused()
    {
        var document = new EngineDocument("d", [new("dog", 1f)], new Dictionary<string, string> { ["splade"] = "x" });
        Assert.That(() => BulkRequestBody.Create([document], Layout), Throws.ArgumentException.With.Message.Contains("vector field"));
    }
}
