using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Search;

namespace Lucene.Splade.Tests.Documentation;

/// <summary>The code sample of README.md ("Use it in a Lucene.NET pipeline"), kept compiling and working.</summary>
public sealed class ReadmeExampleTests
{
    [Test]
    public void Swapping_BM25_for_SPLADE_on_one_field_finds_the_document()
    {
        var indexPath = System.IO.Directory.CreateTempSubdirectory("splade-readme-").FullName;
        try
        {
            // --- README sample starts ---
            using var encoder = SpladeEncoder.LoadEmbeddedDefault(); // or SpladeEncoder.Load("path/to/model-folder")

            // "body" keeps its analyzer and BM25; "splade" gets SPLADE terms and dot-product scoring.
            var analyzer = new PerFieldAnalyzerWrapper(
                new StandardAnalyzer(LuceneVersion.LUCENE_48),
                new Dictionary<string, Analyzer> { ["splade"] = new SpladeAnalyzer(encoder) });
            var similarity = SpladeSimilarity.ForFields(["splade"]); // BM25 on every other field

            using var directory = FSDirectory.Open(indexPath);
            var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer) { Similarity = similarity };
            using (var writer = new IndexWriter(directory, config))
            {
                foreach (var text in new[] { "Paris is the capital and largest city of France.", "Berlin is a city in Germany." })
                {
                    writer.AddDocument(new Document
                    {
                        new TextField("body", text, Field.Store.YES),
                        SpladeField.CreateTextField("splade", text),
                    });
                }
            }

            using var reader = DirectoryReader.Open(directory);
            var searcher = new IndexSearcher(reader) { Similarity = similarity };
            var query = new SpladeQueryBuilder(encoder, "splade").Build("What is the capital of France?");
            var hits = searcher.Search(query, 10);
            // --- README sample ends ---

            Assert.That(hits.TotalHits, Is.GreaterThanOrEqualTo(1));
            Assert.That(searcher.Doc(hits.ScoreDocs[0].Doc).Get("body"), Does.Contain("Paris"));
        }
        finally
        {
            System.IO.Directory.Delete(indexPath, recursive: true);
        }
    }
}
