using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Splade.Corpora;
using Lucene.Splade.Store;

namespace Lucene.Splade.Sample.Indexing;

/// <summary>
/// An open index writer for one build or import: the folder locked, the settings checked against the index's (unless
/// rebuilding), the metadata set, documents whose ids are already indexed or repeated skipped, and a commit every
/// <see cref="IndexBuildOptions.CommitEvery"/> new documents.
/// </summary>
internal sealed class IndexWriterSession : IDisposable
{
    private readonly FSDirectory _directory;
    private readonly Net.Analysis.Analyzer _analyzer;
    private readonly IndexWriter _writer;
    private readonly HashSet<string> _existing;
    private readonly HashSet<string> _thisRun = new(StringComparer.Ordinal);
    private readonly int _commitEvery;
    private int _sinceCommit;

    private IndexWriterSession(FSDirectory directory, Net.Analysis.Analyzer analyzer, IndexWriter writer, int commitEvery)
    {
        _directory = directory;
        _analyzer = analyzer;
        _writer = writer;
        _commitEvery = commitEvery;
        _existing = ExistingIds(writer);
    }

    public int Added { get; private set; }

    public int SkippedExisting { get; private set; }

    public int Duplicates { get; private set; }

    public int DocumentsInIndex => _writer.NumDocs;

    /// <exception cref="SampleException">The existing index was built with other settings.</exception>
    /// <exception cref="LockObtainFailedException">Another writer holds the index.</exception>
    public static IndexWriterSession Open(IndexMetadata metadata, IndexBuildOptions options)
    {
        System.IO.Directory.CreateDirectory(options.IndexPath);
        // An OS-level lock for the writer's lifetime: Lucene.NET's default lock lets a second process write on Linux.
        var directory = FSDirectory.Open(options.IndexPath, new ExclusiveFileLockFactory());
        Net.Analysis.Analyzer? analyzer = null;
        try
        {
            if (!options.Rebuild)
            {
                CheckCompatible(directory, metadata, options.IndexPath);
            }

            analyzer = IndexLayout.CreateBm25Analyzer();
            var config = new IndexWriterConfig(IndexLayout.Version, analyzer)
            {
                OpenMode = options.Rebuild ? OpenMode.CREATE : OpenMode.CREATE_OR_APPEND,
                Similarity = IndexLayout.Similarity,
                RAMBufferSizeMB = 64,

                // Separate files per kind (no compound file), so `stats` can show postings, terms and stored fields apart.
                UseCompoundFile = false,
                MergePolicy = new TieredMergePolicy { NoCFSRatio = 0 },
            };
            var writer = new IndexWriter(directory, config);
            writer.SetCommitData(metadata.ToUserData());
            return new IndexWriterSession(directory, analyzer, writer, options.CommitEvery);
        }
        catch
        {
            analyzer?.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="id"/> is new; false (and counted) when it is already indexed or was seen in this run.</summary>
    public bool Admit(string id)
    {
        if (_existing.Contains(id))
        {
            SkippedExisting++;
            return false;
        }

        if (!_thisRun.Add(id))
        {
            Duplicates++;
            return false;
        }

        return true;
    }

    public void Add(Document document)
    {
        _writer.AddDocument(document);
        Added++;
        _sinceCommit++;
    }

    /// <summary>Commits when <see cref="IndexBuildOptions.CommitEvery"/> documents were added since the last commit.</summary>
    public void CommitIfDue()
    {
        if (_sinceCommit >= _commitEvery)
        {
            Commit();
        }
    }

    public void Commit()
    {
        _writer.Commit();
        _sinceCommit = 0;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }

    private static void CheckCompatible(Net.Store.Directory directory, IndexMetadata metadata, string indexPath)
    {
        if (!DirectoryReader.IndexExists(directory))
        {
            return;
        }

        using var reader = DirectoryReader.Open(directory);
        var existing = IndexMetadata.FromUserData(reader.IndexCommit.UserData);
        if (existing is null)
        {
            if (reader.NumDocs > 0)
            {
                throw new SampleException($"{indexPath} holds an index not made by this console; use --rebuild to replace it.");
            }

            return;
        }

        if (existing != metadata)
        {
            throw new SampleException(
                $"The index at {indexPath} was built with other settings ({string.Join("; ", existing.Differences(metadata))}, index vs this run). " +
                "Use the same settings to continue, or --rebuild to start over.");
        }
    }

    private static HashSet<string> ExistingIds(IndexWriter writer)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = DirectoryReader.Open(writer, applyAllDeletes: true);
        var liveDocs = MultiFields.GetLiveDocs(reader);
        var terms = MultiFields.GetTerms(reader, CorpusFields.Id);
        if (terms is null)
        {
            return ids;
        }

        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        while (termsEnum.MoveNext())
        {
            docs = termsEnum.Docs(liveDocs, docs, DocsFlags.NONE);
            if (docs.NextDoc() != Net.Search.DocIdSetIterator.NO_MORE_DOCS)
            {
                ids.Add(termsEnum.Term.Utf8ToString());
            }
        }

        return ids;
    }
}
