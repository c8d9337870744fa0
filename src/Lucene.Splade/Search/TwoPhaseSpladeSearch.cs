using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Lucene.Splade.Interchange;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Search;

/// <summary>
/// Approximate SPLADE search in two phases, as OpenSearch's two-phase neural sparse search does: the first phase
/// retrieves <see cref="Candidates"/> documents with only the query's <see cref="CandidateTerms"/> heaviest terms
/// (short postings lists read, most of the query's weight), the second re-scores each candidate exactly, with every
/// query term, from the forward index (<see cref="ForwardVectors"/>), and keeps the best.
/// </summary>
/// <remarks>
/// <para>
/// A document that none of the heavy terms match, or that the partial score ranks below the candidates, is missed: that
/// is the approximation, measured in docs/query-speed.md. With <see cref="Quantizer"/> set to the index's quantizer,
/// the second phase scores exactly as the index does (<c>query weight x tf</c>, see <see cref="SpladeSimilarity"/>), so
/// with every query term heavy and enough candidates the result is the exhaustive query's; without it, it scores with
/// the forward index's float weights (the model's own dot product). The index needs the forward field: documents
/// written with <see cref="ForwardVectors.CreateField"/>.
/// </para>
/// <para>Immutable and thread-safe; one instance serves any number of searches.</para>
/// </remarks>
public sealed class TwoPhaseSpladeSearch
{
    /// <summary>Creates a two-phase search.</summary>
    /// <param name="builder">Builds the full query (its <see cref="SpladeQueryBuilder.SelectTerms"/> is the query re-scored) and the first phase's query.</param>
    /// <param name="forwardField">The doc-values field holding the documents' forward vectors.</param>
    /// <param name="candidateTerms">How many of the query's heaviest terms the first phase searches with; at least 1.</param>
    /// <param name="candidates">How many documents the first phase keeps for re-scoring; at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="forwardField"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="candidateTerms"/> or <paramref name="candidates"/> is below 1.</exception>
    public TwoPhaseSpladeSearch(SpladeQueryBuilder builder, string forwardField, int candidateTerms, int candidates)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(forwardField);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidateTerms, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        Builder = builder;
        ForwardField = forwardField;
        CandidateTerms = candidateTerms;
        Candidates = candidates;
    }

    /// <summary>The query builder.</summary>
    public SpladeQueryBuilder Builder { get; }

    /// <summary>The forward index's doc-values field.</summary>
    public string ForwardField { get; }

    /// <summary>Query terms the first phase searches with (the heaviest).</summary>
    public int CandidateTerms { get; }

    /// <summary>Documents the first phase keeps for re-scoring.</summary>
    public int Candidates { get; }

    /// <summary>The index's quantizer: the second phase then scores as the index does. Null: with the float weights.</summary>
    public TermFrequencyQuantizer? Quantizer { get; init; }

    /// <summary>The best <paramref name="n"/> documents for <paramref name="queryVector"/>: scores descending, ties to the lower doc id (as <see cref="TopScoreDocCollector"/>).</summary>
    /// <param name="searcher">The searcher.</param>
    /// <param name="queryVector">The encoded query.</param>
    /// <param name="n">How many documents to return; at least 1.</param>
    /// <param name="filter">Restricts the first phase's candidates; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="searcher"/> or <paramref name="queryVector"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is below 1.</exception>
    /// <exception cref="InvalidDataException">A candidate's forward vector is damaged.</exception>
    public TopDocs Search(IndexSearcher searcher, SparseVector queryVector, int n, Filter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        ArgumentNullException.ThrowIfNull(queryVector);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);

        var full = Builder.SelectTerms(queryVector);
        if (full.IsEmpty)
        {
            return new TopDocs(0, [], float.NaN);
        }

        // The first phase: the heaviest terms of the query as built (not pruned again by the builder's settings).
        var heavy = SparseVectorPruner.Prune(full, new PruningOptions { TopK = CandidateTerms });
        var depth = Math.Max(Candidates, n);
        var candidates = searcher.Search(Builder.ToQuery(heavy, depth).ToBooleanQuery(), filter, depth).ScoreDocs;

        var rescored = new ScoreDoc[candidates.Length];
        var leaves = searcher.IndexReader.Leaves;
        var values = leaves.Select(leaf => leaf.AtomicReader.GetBinaryDocValues(ForwardField)).ToArray();
        var bytes = new BytesRef();
        for (var i = 0; i < candidates.Length; i++)
        {
            var doc = candidates[i].Doc;
            var leafIndex = ReaderUtil.SubIndex(doc, leaves);
            var score = 0f;
            if (values[leafIndex] is { } forward)
            {
                forward.Get(doc - leaves[leafIndex].DocBase, bytes);
                score = ForwardVectors.Dot(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length), full, Quantizer);
            }

            rescored[i] = new ScoreDoc(doc, score);
        }

        Array.Sort(rescored, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        var top = rescored.Length <= n ? rescored : rescored[..n];
        return new TopDocs(candidates.Length, top, top.Length == 0 ? float.NaN : top[0].Score);
    }
}
