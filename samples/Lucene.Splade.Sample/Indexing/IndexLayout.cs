using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Corpora;

namespace Lucene.Splade.Sample.Indexing;

/// <summary>
/// What a sample index holds (the fields of <see cref="CorpusFields"/>: id, stored title and text, BM25 contents and
/// SPLADE) and the settings both sides (writer and searcher) must agree on.
/// </summary>
internal static class IndexLayout
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>SPLADE's dot product on the SPLADE field, BM25 on every other field.</summary>
    public static Net.Search.Similarities.Similarity Similarity { get; } = CorpusFields.CreateSimilarity();

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
