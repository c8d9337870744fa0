using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Sample.Indexing;

namespace Lucene.Splade.Sample.Statistics;

/// <summary>The bytes one field's inverted index takes: terms dictionary, postings and norms.</summary>
internal sealed record FieldSize(string Field, long Bytes, IReadOnlyDictionary<string, long> BytesByExtension);

/// <summary>
/// Measures fields one at a time. Lucene 4.8 keeps all fields of a segment in the same files, so a field's size is
/// not on disk by itself; this copies the index into memory through a reader that shows only that field (no stored
/// fields) and sums the files the codec writes for it. The result is a real size, written by the same codec, of an
/// index holding only that field.
/// </summary>
internal static class FieldSizes
{
    public static FieldSize Measure(DirectoryReader reader, string field)
    {
        using var directory = new RAMDirectory();
        var config = new IndexWriterConfig(IndexLayout.Version, null)
        {
            UseCompoundFile = false,
            MergePolicy = new TieredMergePolicy { NoCFSRatio = 0 },
            Similarity = IndexLayout.Similarity,
        };
        using (var writer = new IndexWriter(directory, config))
        {
            var filtered = reader.Leaves.Select(leaf => (IndexReader)new SingleFieldReader(leaf.AtomicReader, field)).ToArray();
            writer.AddIndexes(filtered);
            writer.ForceMerge(1);
            writer.Commit();
        }

        var byExtension = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in directory.ListAll())
        {
            var extension = Path.GetExtension(file).TrimStart('.');
            if (extension is "fdt" or "fdx" or "si" or "fnm" or "lock" or "" || file.StartsWith("segments", StringComparison.Ordinal))
            {
                continue; // bookkeeping and (empty) stored fields, not the field's data
            }

            byExtension[extension] = byExtension.GetValueOrDefault(extension) + directory.FileLength(file);
        }

        return new FieldSize(field, byExtension.Values.Sum(), byExtension);
    }

    /// <summary>An atomic reader that shows one indexed field and no stored fields or term vectors.</summary>
    private sealed class SingleFieldReader(AtomicReader input, string fieldName) : FilterAtomicReader(input)
    {
        private readonly FieldInfos _fieldInfos = new(input.FieldInfos.Where(f => f.Name == fieldName).ToArray());

        public override FieldInfos FieldInfos => _fieldInfos;

        public override Fields Fields => new OneField(base.Fields, fieldName);

        public override void Document(int docID, StoredFieldVisitor visitor)
        {
            // No stored fields: only the inverted index of the field is measured.
        }

        public override Fields? GetTermVectors(int docID) => null;

        public override NumericDocValues? GetNormValues(string name) => name == fieldName ? base.GetNormValues(name) : null;
    }

    private sealed class OneField(Fields input, string fieldName) : FilterAtomicReader.FilterFields(input)
    {
        public override IEnumerator<string> GetEnumerator() => m_input.Where(f => f == fieldName).GetEnumerator();

        public override Terms? GetTerms(string name) => name == fieldName ? base.GetTerms(name) : null;

        public override int Count => 1;
    }
}
