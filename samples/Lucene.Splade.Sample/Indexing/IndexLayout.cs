using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Search;

namespace Lucene.Splade.Sample.Indexing;

/// <summary>
/// The fields of a sample index and the settings both sides (writer and searcher) must agree on. Each document has
/// <see cref="Id"/> (stored, exact), <see cref="Title"/> and <see cref="Text"/> (stored only, for display and
/// explain), <see cref="Contents"/> (title + text, BM25, English analysis) and <see cref="Splade"/>.
/// </summary>
internal static class IndexLayout
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    public const string Id = "id";
    public const string Title = "title";
    public const string Text = "text";
    public const string Contents = "contents";
    public const string Splade = "splade";

    /// <summary>SPLADE's dot product on <see cref="Splade"/>, BM25 on every other field.</summary>
    public static Net.Search.Similarities.Similarity Similarity { get; } = SpladeSimilarity.ForFields([Splade]);

    /// <summary>The analyzer of the BM25 field (the SPLADE field is pre-encoded and needs none).</summary>
    public static Analyzer CreateBm25Analyzer() => new EnglishAnalyzer(Version);

    /// <summary>Opens the index folder for reading; a clear error when there is no index there.</summary>
    /// <exception cref="SampleException">The folder does not exist or holds no index.</exception>
    public static DirectoryReader OpenReader(string indexPath)
    {
        if (!System.IO.Directory.Exists(indexPath))
        {
            throw new SampleException($"No index at {indexPath}: the folder does not exist (create it with the index command).");
        }

        var directory = FSDirectory.Open(indexPath);
        if (!DirectoryReader.IndexExists(directory))
        {
            directory.Dispose();
            throw new SampleException($"No index at {indexPath}: the folder holds no Lucene index.");
        }

        return DirectoryReader.Open(directory);
    }
}
