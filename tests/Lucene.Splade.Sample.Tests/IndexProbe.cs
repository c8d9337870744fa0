using Lucene.Splade.Corpora;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Splade.Sample.Indexing;

namespace Lucene.Splade.Sample.Tests;

/// <summary>What an index folder holds, read straight with Lucene (not through the console's classes).</summary>
internal sealed record IndexProbe(string[] Ids, IDictionary<string, string> UserData)
{
    public static IndexProbe Read(string indexPath)
    {
        using var directory = FSDirectory.Open(indexPath);
        using var reader = DirectoryReader.Open(directory);
        var ids = new List<string>();
        for (var i = 0; i < reader.MaxDoc; i++)
        {
            ids.Add(reader.Document(i).Get(CorpusFields.Id));
        }

        return new IndexProbe(ids.Order(StringComparer.Ordinal).ToArray(), new Dictionary<string, string>(reader.IndexCommit.UserData));
    }
}
