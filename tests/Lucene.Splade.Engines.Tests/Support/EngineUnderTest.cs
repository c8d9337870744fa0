using Elastic.Clients.Elasticsearch;
using Lucene.Splade.Elasticsearch;
using Lucene.Splade.OpenSearch;
using Lucene.Splade.TestSupport;

namespace Lucene.Splade.Engines.Tests;

/// <summary>A fake engine and the library's index object that talks to it, for one test; disposes both.</summary>
internal sealed class EngineUnderTest : IDisposable
{
    private readonly HttpClient? _http;

    public EngineUnderTest(EngineFlavor flavor, EngineIndexLayout? layout = null)
    {
        Fake = new FakeSearchEngine(flavor);
        Layout = layout ?? new EngineIndexLayout("docs") { TextFields = ["text"] };
        (Index, _http) = Connect(flavor, Fake.Url, Layout);
    }

    public FakeSearchEngine Fake { get; }

    public EngineIndexLayout Layout { get; }

    public SearchEngineIndex Index { get; }

    /// <summary>The library's index object for the engine at <paramref name="url"/>.</summary>
    public static (SearchEngineIndex Index, HttpClient? Http) Connect(EngineFlavor flavor, string url, EngineIndexLayout layout)
    {
        if (flavor == EngineFlavor.Elasticsearch)
        {
            return (new SpladeElasticsearchIndex(new ElasticsearchClient(new Uri(url)), layout, TestVocabulary.Instance), null);
        }

        var http = new HttpClient { BaseAddress = new Uri(url) };
        return (new SpladeOpenSearchIndex(http, layout, TestVocabulary.Instance), http);
    }

    public void Dispose()
    {
        _http?.Dispose();
        Fake.Dispose();
    }
}
