using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Splade.Analysis;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

/// <summary>What reaches the index: frequencies, field settings, and agreement of the two indexing paths.</summary>
[TestFixture]
public sealed class SpladePostingsTests
{
    private const string Field = "splade";
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    public enum IndexingPath
    {
        Analyzer,
        PreEncodedVector,
        PreQuantizedVector,
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        var pruned = new SpladeIndexingOptions { Pruning = new PruningOptions { TopK = 12 }, Quantizer = new TermFrequencyQuantizer(scale: 50, maxFrequency: 120) };
        foreach (var path in Enum.GetValues<IndexingPath>())
        {
            yield return new TestCaseData(path, SpladeIndexingOptions.Default).SetArgDisplayNames(path.ToString(), "default");
            yield return new TestCaseData(path, pruned).SetArgDisplayNames(path.ToString(), "pruned");
        }
    }

    private static IEnumerable<TestCaseData> PreEncodedCases() =>
        Cases().Where(c => (IndexingPath)c.Arguments[0]! != IndexingPath.Analyzer);

    [TestCaseSource(nameof(Cases))]
    public void EveryFrequencyIsTheQuantizedWeight(IndexingPath path, SpladeIndexingOptions options)
    {
        var vectors = Vectors(seed: 21, count: 60);
        using var directory = SpladeTestIndex.NewDirectory();
        Build(directory, vectors, path, options);
        using var reader = DirectoryReader.Open(directory);

        var indexed = ReadByDocumentId(reader);

        Assert.That(indexed.Keys, Is.EquivalentTo(Enumerable.Range(0, vectors.Count)));
        for (var i = 0; i < vectors.Count; i++)
        {
            var expected = ExpectedTokens.TermFrequencies(vectors[i], Vocabulary, options).ToDictionary(t => Vocabulary[t.Id], t => t.Tf);
            Assert.That(indexed[i], Is.EquivalentTo(expected), $"document {i}");
        }
    }

    [TestCaseSource(nameof(PreEncodedCases))]
    public void EveryPathGivesThePostingsOfTheAnalyzer(IndexingPath path, SpladeIndexingOptions options)
    {
        var vectors = Vectors(seed: 22, count: 80);
        using var analyzed = SpladeTestIndex.NewDirectory();
        using var other = SpladeTestIndex.NewDirectory();
        Build(analyzed, vectors, IndexingPath.Analyzer, options);
        Build(other, vectors, path, options);
        using var analyzedReader = DirectoryReader.Open(analyzed);
        using var otherReader = DirectoryReader.Open(other);

        var expected = SpladeTestIndex.ReadPostings(analyzedReader, Field);
        var actual = SpladeTestIndex.ReadPostings(otherReader, Field);

        Assert.That(expected, Is.Not.Empty);
        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Cases))]
    public void TheFieldHasFrequenciesButNoPositionsAndNoNorms(IndexingPath path, SpladeIndexingOptions options)
    {
        using var directory = SpladeTestIndex.NewDirectory();
        Build(directory, Vectors(seed: 23, count: 10), path, options);
        using var reader = DirectoryReader.Open(directory);

        var info = MultiFields.GetMergedFieldInfos(reader).FieldInfo(Field);

        Assert.Multiple(() =>
        {
            Assert.That(info.IndexOptions, Is.EqualTo(IndexOptions.DOCS_AND_FREQS));
            Assert.That(info.HasNorms, Is.False);
            Assert.That(info.OmitsNorms, Is.True);
            Assert.That(MultiDocValues.GetNormValues(reader, Field), Is.Null);
        });
    }

    [Test]
    public void SeveralValuesOfTheFieldAddUpTheirFrequencies()
    {
        var a = new SparseVector([20, 21], [5f, 2.5f]);
        var b = new SparseVector([21, 22], [1f, 0.3f]);
        using var directory = SpladeTestIndex.NewDirectory();
        using (var writer = SpladeTestIndex.OpenWriter(directory, new KeywordAnalyzer(), SpladeSimilarity.ForFields([Field])))
        {
            writer.AddDocument(new Document { SpladeField.CreateEncodedField(Field, a, Vocabulary), SpladeField.CreateEncodedField(Field, b, Vocabulary) });
        }

        using var reader = DirectoryReader.Open(directory);

        Assert.That(SpladeTestIndex.ReadDocumentTerms(reader, Field)[0], Is.EquivalentTo(new Dictionary<string, int>
        {
            [Vocabulary[20]] = 50,
            [Vocabulary[21]] = 25 + 10,
            [Vocabulary[22]] = 3,
        }));
    }

    private static List<SparseVector> Vectors(int seed, int count)
    {
        var random = new Random(seed);
        var vectors = Enumerable.Range(0, count)
            .Select(_ => RandomVectors.Create(random, terms: random.Next(1, 40), idRange: 200, RandomVectors.ContinuousWeight))
            .ToList();

        // A vector with a special token and weights that round to 0 at scale 50, next to ordinary ones.
        vectors[0] = new SparseVector([FakeVocabulary.ClsId, 10, 11], [1.5f, 0.009f, 0.2f]);
        return vectors;
    }

    private static void Build(Lucene.Net.Store.Directory directory, IReadOnlyList<SparseVector> vectors, IndexingPath path, SpladeIndexingOptions options)
    {
        // The analyzer path encodes "doc-i" back to the i-th vector, so both paths start from the same vectors.
        var encoder = new FakeSparseEncoder(Vocabulary, text => vectors[int.Parse(text.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture)]);
        using var analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer> { [Field] = new SpladeAnalyzer(encoder, options) });
        using var writer = SpladeTestIndex.OpenWriter(directory, analyzer, SpladeSimilarity.ForFields([Field]));
        for (var i = 0; i < vectors.Count; i++)
        {
            var doc = new Document { new StringField("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Lucene.Net.Documents.Field.Store.YES) };
            doc.Add(path switch
            {
                IndexingPath.Analyzer => SpladeField.CreateTextField(Field, $"doc-{i}"),
                IndexingPath.PreEncodedVector => SpladeField.CreateEncodedField(Field, vectors[i], Vocabulary, options),
                _ => SpladeField.CreateEncodedField(Field, options.ToTermFrequencies(vectors[i]), Vocabulary),
            });
            writer.AddDocument(doc);
            if (i % 25 == 24)
            {
                writer.Commit();
            }
        }

        writer.Commit();
    }

    private static Dictionary<int, Dictionary<string, int>> ReadByDocumentId(IndexReader reader)
    {
        var byId = new Dictionary<int, Dictionary<string, int>>();
        for (var doc = 0; doc < reader.MaxDoc; doc++)
        {
            byId[int.Parse(reader.Document(doc).Get("id"), System.Globalization.CultureInfo.InvariantCulture)] = new Dictionary<string, int>();
        }

        foreach (var (doc, terms) in SpladeTestIndex.ReadDocumentTerms(reader, Field))
        {
            byId[int.Parse(reader.Document(doc).Get("id"), System.Globalization.CultureInfo.InvariantCulture)] = terms;
        }

        return byId;
    }
}
