using Lucene.Splade.Corpora;

namespace Lucene.Splade.Eval.Caching;

/// <summary>
/// A collection's documents and queries as sparse vectors, from the cache or encoded now (then cached). Documents are
/// encoded by the model (key <see cref="ModelSource.CacheKey"/>), queries by the query encoder (key
/// <see cref="ModelSource.QueryCacheKey"/>).
/// </summary>
internal sealed record EncodedCollection(EncodedTexts Documents, EncodedTexts Queries)
{
    public static EncodedCollection Load(string datasetFolder, IReadOnlyList<CorpusDocument> corpus, IReadOnlyList<CorpusQuery> queries, ModelSource model, VectorCache cache, bool progress = true)
    {
        var docs = cache.GetOrEncode(Path.Combine(datasetFolder, "corpus.jsonl"), model.CacheKey, corpus.Select(d => d.Id).ToArray(),
            () => EncodingProgress.Documents(model.Encoder, corpus.Select(d => d.Contents).ToArray(), "documents", progress));
        var qs = cache.GetOrEncode(Path.Combine(datasetFolder, "queries.jsonl"), model.QueryCacheKey, queries.Select(q => q.Id).ToArray(),
            () => EncodingProgress.Queries(model.QueryEncoder, queries.Select(q => q.Text).ToArray(), "queries", progress));
        return new EncodedCollection(docs, qs);
    }
}
