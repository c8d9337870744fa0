namespace Lucene.Splade.Sample.Corpus;

/// <summary>A document to index: a unique id, an optional title and the body text.</summary>
internal sealed record SourceDocument(string Id, string Title, string Text)
{
    /// <summary>The text both engines index and the model encodes: the title, then the body.</summary>
    public string Contents => Title.Length == 0 ? Text : Title + "\n" + Text;
}

/// <summary>A piece of input that was skipped, with where it is (a file, and a line number for JSON Lines).</summary>
internal sealed record InputProblem(string Source, int? Line, string Message)
{
    public override string ToString() => Line is { } line ? $"{Source}, line {line}: {Message}" : $"{Source}: {Message}";
}
