using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Corpora;
using Lucene.Splade.Interchange;
using Lucene.Splade.Search;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Lucene.Splade.Eval.Retrieval;

/// <summary>An index that was built: its folder, size on disk and build time.</summary>
internal sealed record BuiltIndex(string Path, long SizeBytes, double Seconds, int Documents);

/// <summary>
/// Builds the BM25 and the SPLADE index of a collection, each in its own folder so that each field's size on disk can
/// be measured. Both hold the documents in corpus order (one writer thread, adjacent merges only, merged to one
/// segment) and store the document id, so they can be searched side by side as one index (<see cref="SearchIndex"/>).
/// </summary>
internal static class IndexBuilder
{
    public const string IdField = CorpusFields.Id;
    public const string SpladeFieldName = CorpusFields.Splade;

    /// <summary>The similarity of both writers and the searcher: SPLADE's dot product on its field, BM25 elsewhere.</summary>
    public static Similarity CreateSimilarity(Bm25Lengths lengths = Bm25Lengths.Lucene48) =>
        CorpusFields.CreateSimilarity(Bm25Flat.CreateSimilarity(lengths));

    public static BuiltIndex BuildBm25(string folder, IReadOnlyList<CorpusDocument> corpus, Bm25Lengths lengths = Bm25Lengths.Lucene48)
    {
        using var analyzer = Bm25Flat.CreateAnalyzer();
        return Build(folder, Config(analyzer, lengths), corpus.Count, i => [CorpusFields.IdField(corpus[i].Id), CorpusFields.Bm25Field(corpus[i])]);
    }

    /// <summary>Indexes term frequencies quantized beforehand (see <see cref="SpladeIndexingOptions.ToTermFrequencies"/>).</summary>
    public static BuiltIndex BuildSplade(string folder, IReadOnlyList<string> ids, IReadOnlyList<QuantizedVector> termFrequencies, Vocabulary vocabulary)
    {
        using var analyzer = new KeywordAnalyzer();
        return Build(folder, Config(analyzer), ids.Count, i => [CorpusFields.IdField(ids[i]), CorpusFields.SpladeField(termFrequencies[i], vocabulary)]);
    }

    /// <summary>A forward index of the documents' (pruned, float) vectors, numbered as the other indexes, for two-phase search.</summary>
    public static BuiltIndex BuildForward(string folder, IReadOnlyList<string> ids, IReadOnlyList<SparseVector> vectors)
    {
        using var analyzer = new KeywordAnalyzer();
        return Build(folder, Config(analyzer), ids.Count, i => [CorpusFields.IdField(ids[i]), ForwardVectors.CreateField(CorpusFields.SpladeVector, vectors[i])]);
    }

    /// <summary>Writes documents 0 to <paramref name="count"/> - 1 in order into one segment, timed, and measures the folder.</summary>
    private static BuiltIndex Build(string folder, IndexWriterConfig config, int count, Func<int, IEnumerable<IIndexableField>> document)
    {
        var clock = Stopwatch.StartNew();
        using (var directory = Open(folder))
        using (var writer = new IndexWriter(directory, config))
        {
            for (var i = 0; i < count; i++)
            {
                writer.AddDocument(document(i));
            }

            writer.ForceMerge(1);
            writer.Commit();
        }

        return new BuiltIndex(folder, SizeOf(folder), clock.Elapsed.TotalSeconds, count);
    }

    /// <summary>Records what an index was built from (a key) and its measurements, next to it.</summary>
    public static void MarkBuilt(BuiltIndex index, string key) =>
        File.WriteAllLines(System.IO.Path.Combine(index.Path + ".built"), [key, index.SizeBytes.ToString(CultureInfo.InvariantCulture), index.Seconds.ToString("R", CultureInfo.InvariantCulture), index.Documents.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>The index in <paramref name="folder"/> when it was built for <paramref name="key"/>, else null.</summary>
    public static BuiltIndex? TryReuse(string folder, string key)
    {
        var marker = folder + ".built";
        if (!System.IO.Directory.Exists(folder) || !File.Exists(marker))
        {
            return null;
        }

        var lines = File.ReadAllLines(marker);
        return lines.Length == 4 && lines[0] == key
            ? new BuiltIndex(folder, long.Parse(lines[1], CultureInfo.InvariantCulture), double.Parse(lines[2], CultureInfo.InvariantCulture), int.Parse(lines[3], CultureInfo.InvariantCulture))
            : null;
    }

    public static long SizeOf(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private static LuceneDirectory Open(string folder)
    {
        File.Delete(folder + ".built");
        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }

        System.IO.Directory.CreateDirectory(folder);
        return Lucene.Net.Store.FSDirectory.Open(folder);
    }

    private static IndexWriterConfig Config(Lucene.Net.Analysis.Analyzer analyzer, Bm25Lengths lengths = Bm25Lengths.Lucene48) => new(LuceneVersion.LUCENE_48, analyzer)
    {
        OpenMode = OpenMode.CREATE,
        Similarity = CreateSimilarity(lengths),
        RAMBufferSizeMB = 256,

        // Adjacent merges keep documents in the order they were added, so both indexes number them alike.
        MergePolicy = new LogDocMergePolicy(),
    };
}
