using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Search;

/// <summary>
/// An in-memory index of known document vectors (half through the analyzer, half pre-encoded) and the brute-force
/// scores tests compare Lucene's with.
/// </summary>
internal sealed class ScoringFixture : IDisposable
{
    public const string Field = "splade";
    public const string IdField = "id";

    private readonly Lucene.Net.Store.RAMDirectory _directory = new();

    public ScoringFixture(IReadOnlyList<SparseVector> documents, Similarity? similarity = null, SpladeIndexingOptions? options = null)
    {
        Documents = documents;
        Options = options ?? SpladeIndexingOptions.Default;
        var encoder = new FakeSparseEncoder(Vocabulary, text => documents[int.Parse(text, CultureInfo.InvariantCulture)]);
        using (var analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer> { [Field] = new SpladeAnalyzer(encoder, Options) }))
        using (var writer = SpladeTestIndex.OpenWriter(_directory, analyzer, similarity ?? Lucene.Splade.Search.SpladeSimilarity.Instance))
        {
            for (var i = 0; i < documents.Count; i++)
            {
                var id = i.ToString(CultureInfo.InvariantCulture);
                writer.AddDocument(new Document
                {
                    new StringField(IdField, id, Lucene.Net.Documents.Field.Store.YES),
                    i % 2 == 0 ? SpladeField.CreateTextField(Field, id) : SpladeField.CreateEncodedField(Field, documents[i], Vocabulary, Options),
                });
            }
        }

        Reader = DirectoryReader.Open(_directory);
        Searcher = new IndexSearcher(Reader) { Similarity = similarity ?? Lucene.Splade.Search.SpladeSimilarity.Instance };
    }

    public static Vocabulary Vocabulary { get; } = FakeVocabulary.Create();

    public IReadOnlyList<SparseVector> Documents { get; }

    public SpladeIndexingOptions Options { get; }

    public DirectoryReader Reader { get; }

    public IndexSearcher Searcher { get; }

    /// <summary>The document index (position in <see cref="Documents"/>) of a Lucene doc id.</summary>
    public int DocumentIndex(int luceneDoc) => int.Parse(Searcher.Doc(luceneDoc).Get(IdField), CultureInfo.InvariantCulture);

    /// <summary>Sum over query terms of weight x quantized document frequency, in double, from the documented rules.</summary>
    public double BruteForceScore(SparseVector query, int documentIndex)
    {
        var tfs = ExpectedTermFrequencies(Documents[documentIndex], Options);
        double score = 0;
        for (var i = 0; i < query.Count; i++)
        {
            if (tfs.TryGetValue(query.TermIds[i], out var tf))
            {
                score += (double)query.Weights[i] * tf;
            }
        }

        return score;
    }

    /// <summary>Every document with a positive brute-force score, best first, ties by document index.</summary>
    public List<(int Document, double Score)> BruteForceRanking(SparseVector query) =>
        Enumerable.Range(0, Documents.Count)
            .Select(d => (Document: d, Score: BruteForceScore(query, d)))
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Document)
            .ToList();

    /// <summary>The frequencies the index should hold for a document (<see cref="ReferenceIndexing"/>, not the code under test).</summary>
    public static Dictionary<int, int> ExpectedTermFrequencies(SparseVector document, SpladeIndexingOptions options) =>
        ReferenceIndexing.TermFrequencies(document, Vocabulary, options.Pruning, options.Quantizer.Scale, options.Quantizer.MaxFrequency)
            .ToDictionary(t => t.Id, t => t.Tf);

    public static void AssertClose(double actual, double expected, string because)
    {
        // Lucene multiplies in float and sums to a float; 1e-5 relative is far above that rounding and far below
        // any real scoring difference.
        Assert.That(actual, Is.EqualTo(expected).Within(1e-5 * Math.Max(Math.Abs(expected), 1e-6)), because);
    }

    public void Dispose()
    {
        Reader.Dispose();
        _directory.Dispose();
    }
}
