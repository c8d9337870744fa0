using Lucene.Splade.Corpora;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Search;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Sample.Searching;

/// <summary>How one vocabulary term adds to a SPLADE score: <c>QueryWeight x Tf</c>.</summary>
/// <param name="Term">The index term (a vocabulary entry, <c>##</c> pieces included).</param>
/// <param name="QueryWeight">The term's weight in the query, as searched (after query pruning).</param>
/// <param name="Tf">The document's term frequency in the index: <c>round(weight x scale)</c>.</param>
/// <param name="DocumentWeight">The weight the frequency stands for: <c>tf / scale</c>.</param>
/// <param name="Contribution">What the term adds to the score: <c>QueryWeight x Tf</c>, as Lucene computes it.</param>
/// <param name="InQuery">The term is one of the query text's word pieces (otherwise the model added it).</param>
/// <param name="InDocument">The term is one of the document text's word pieces.</param>
internal sealed record TermContribution(string Term, float QueryWeight, int Tf, float DocumentWeight, float Contribution, bool InQuery, bool InDocument)
{
    /// <summary>In both texts: a match BM25 could make too. Anything else is an expansion by the model.</summary>
    public bool IsLiteral => InQuery && InDocument;
}

/// <summary>Where a document stands in the hybrid search of a query.</summary>
/// <param name="Fusion">The fusion.</param>
/// <param name="Bm25Score">Its BM25 score (0 when no query word matches it).</param>
/// <param name="Bm25Rank">Its BM25 rank; null when not among the first <see cref="Explainer.RankDepth"/>.</param>
/// <param name="FusedScore">Its fused score; null when neither engine returned it.</param>
/// <param name="FusedRank">Its rank in the fused ranking; null when neither engine returned it.</param>
internal sealed record HybridPlace(HybridFusion Fusion, float Bm25Score, int? Bm25Rank, double? FusedScore, int? FusedRank);

/// <summary>Why a document got its SPLADE score for a query.</summary>
/// <param name="Score">The document's score from Lucene for this query.</param>
/// <param name="Rank">Its rank in the SPLADE results; null when it is not among the first <see cref="Explainer.RankDepth"/>.</param>
/// <param name="Terms">Matching terms, largest contribution first.</param>
/// <param name="Hybrid">The document's place in the BM25, SPLADE and fused rankings.</param>
internal sealed record ScoreExplanation(
    string Query, string DocumentId, string Title, string Text, float Score, int? Rank, float Scale,
    int QueryTerms, IReadOnlyList<TermContribution> Terms, WordPieces QueryPieces, WordPieces DocumentPieces, HybridPlace Hybrid)
{
    /// <summary>The sum of the contributions; equals <see cref="Score"/> up to float rounding.</summary>
    public double Total => Terms.Sum(t => (double)t.Contribution);
}

/// <summary>
/// Explains SPLADE scores from what the index holds: the query is built exactly as <see cref="Searcher"/> builds it,
/// and each query term's frequency in the document is read from the postings, so the contributions add up to the
/// score Lucene computes.
/// </summary>
internal sealed class Explainer(Searcher searcher, IQueryEncoder encoder, Tokenization.WordPieceTokenizer tokenizer)
{
    public const int RankDepth = 1000;

    /// <exception cref="SampleException">The index has no document with that id.</exception>
    public ScoreExplanation Explain(string query, string documentId)
    {
        var docId = searcher.FindDocument(documentId)
            ?? throw new SampleException($"The index has no document with id '{documentId}'.");
        var index = searcher.Index;
        var stored = index.Doc(docId);
        var title = stored.Get(CorpusFields.Title) ?? "";
        var text = stored.Get(CorpusFields.Text) ?? "";
        var scale = searcher.Metadata?.Scale ?? TermFrequencyQuantizer.DefaultScale;

        var queryTerms = searcher.QueryBuilder.SelectTerms(encoder.EncodeQuery(query));
        var luceneQuery = searcher.QueryBuilder.Build(queryTerms);
        var queryPieces = new WordPieces(tokenizer, query);
        var documentPieces = new WordPieces(tokenizer, title + "\n" + text);
        var liveDocs = MultiFields.GetLiveDocs(index.IndexReader);
        var terms = new List<TermContribution>();
        for (var i = 0; i < queryTerms.Count; i++)
        {
            var name = searcher.QueryBuilder.Vocabulary[queryTerms.TermIds[i]];
            var weight = queryTerms.Weights[i];
            var docs = MultiFields.GetTermDocsEnum(index.IndexReader, liveDocs, searcher.QueryBuilder.Field, new BytesRef(name));
            if (docs is null || docs.Advance(docId) != docId)
            {
                continue;
            }

            var tf = docs.Freq;
            terms.Add(new TermContribution(name, weight, tf, tf / scale, weight * tf,
                queryPieces.Contains(name), documentPieces.Contains(name)));
        }

        var score = index.Explain(luceneQuery, docId).Value;
        var hits = index.Search(luceneQuery, RankDepth).ScoreDocs;
        var rank = Array.FindIndex(hits, h => h.Doc == docId);
        if (rank >= 0)
        {
            score = hits[rank].Score; // the score as ranked, which may round differently from Explain's sum
        }

        return new ScoreExplanation(query, documentId, title, text, score, rank >= 0 ? rank + 1 : null, scale,
            queryTerms.Count, terms.OrderByDescending(t => t.Contribution).ToArray(), queryPieces, documentPieces, PlaceInHybrid(query, docId));
    }

    /// <summary>The document's BM25 score and rank, and its fused rank, from the searcher's hybrid search.</summary>
    private HybridPlace PlaceInHybrid(string query, int docId)
    {
        var index = searcher.Index;
        var bm25Query = searcher.Bm25QueryBuilder.Build(query);
        var bm25Hits = index.Search(bm25Query, RankDepth).ScoreDocs;
        var bm25Rank = Array.FindIndex(bm25Hits, h => h.Doc == docId);
        var bm25Score = bm25Rank >= 0 ? bm25Hits[bm25Rank].Score : index.Explain(bm25Query, docId).Value;
        // The searcher's own depth, so the fused rank is the one its search gives (min-max bounds depend on the depth).
        var fused = searcher.Hybrid.Search(bm25Query, searcher.QueryBuilder.Build(query), searcher.Hybrid.Depth).Hits;
        var fusedRank = fused.ToList().FindIndex(h => h.Doc == docId);
        return new HybridPlace(searcher.Hybrid.Fusion, bm25Score, bm25Rank >= 0 ? bm25Rank + 1 : null,
            fusedRank >= 0 ? fused[fusedRank].FusedScore : null, fusedRank >= 0 ? fusedRank + 1 : null);
    }
}
