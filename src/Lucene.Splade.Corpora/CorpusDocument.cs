namespace Lucene.Splade.Corpora;

/// <summary>A document of a collection: a unique id, an optional title and the body text.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Title">Its title; empty when it has none.</param>
/// <param name="Text">Its body text.</param>
public sealed record CorpusDocument(string Id, string Title, string Text)
{
    /// <summary>
    /// The text both engines index and the model encodes: the title, a space, then the body (Anserini's BEIR "flat"
    /// runs join them so); the body alone when there is no title.
    /// </summary>
    public string Contents => Title.Length == 0 ? Text : Title + " " + Text;
}

/// <summary>A query of a collection.</summary>
/// <param name="Id">The query's id.</param>
/// <param name="Text">Its text.</param>
public sealed record CorpusQuery(string Id, string Text);

/// <summary>A piece of input that was skipped, with where it is (a file, and a line number for JSON Lines).</summary>
/// <param name="Source">The file.</param>
/// <param name="Line">The 1-based line number in a JSON Lines file, else null.</param>
/// <param name="Message">What is wrong.</param>
public sealed record InputProblem(string Source, int? Line, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line is { } line ? $"{Source}, line {line}: {Message}" : $"{Source}: {Message}";
}
