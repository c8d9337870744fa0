using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Splade.Analysis;
using Lucene.Splade.Encoders;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Search;

/// <summary>
/// Builds the query for a SPLADE field: a <see cref="SpladeQuery"/>, whose hits and scores for the top
/// <see cref="TopK"/> documents are those of a <see cref="BooleanQuery"/> without coord with one SHOULD
/// <see cref="TermQuery"/> per query term boosted by the term's (float) query weight, found by scoring every
/// posting, or with block-max MaxScore when <see cref="DynamicPruning"/> is on. Scored with <see cref="SpladeSimilarity"/>, a hit's score is the
/// dot product of the query weights and the document's term frequencies. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The query never throws <see cref="BooleanQuery.TooManyClausesException"/>: when a vector has more terms than the
/// clause limit, the heaviest are kept (ties: lower term id). The limit is <see cref="BooleanQuery.MaxClauseCount"/>,
/// a process-wide setting read at every <c>Build</c> call, or <see cref="MaxClauses"/> when that is lower. Excluded
/// vocabulary entries (special tokens) never become clauses, as they never become index terms.
/// </remarks>
public sealed class SpladeQueryBuilder
{
    private readonly IQueryEncoder? _encoder;
    private readonly int? _maxClauses;

    /// <summary>Creates a builder that encodes query text with <paramref name="encoder"/>.</summary>
    /// <param name="encoder">The query encoder (the model, or <see cref="InferenceFreeQueryEncoder"/>); its vocabulary names the terms.</param>
    /// <param name="field">The SPLADE field to search.</param>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> or <paramref name="field"/> is null.</exception>
    public SpladeQueryBuilder(IQueryEncoder encoder, string field)
        : this((encoder ?? throw new ArgumentNullException(nameof(encoder))).Vocabulary, field)
    {
        _encoder = encoder;
    }

    /// <summary>Creates a builder for query vectors encoded elsewhere; <see cref="Build(string)"/> is then unavailable.</summary>
    /// <param name="vocabulary">The vocabulary the vectors' ids belong to.</param>
    /// <param name="field">The SPLADE field to search.</param>
    /// <exception cref="ArgumentNullException"><paramref name="vocabulary"/> or <paramref name="field"/> is null.</exception>
    public SpladeQueryBuilder(Vocabulary vocabulary, string field)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(field);
        Vocabulary = vocabulary;
        Field = field;
    }

    /// <summary>The field the queries search.</summary>
    public string Field { get; }

    /// <summary>The vocabulary that turns term ids into index terms.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Pruning applied to every query vector before the clause limit. Default <see cref="PruningOptions.None"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public PruningOptions QueryPruning
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(QueryPruning));
    } = PruningOptions.None;

    /// <summary>
    /// A clause limit below <see cref="BooleanQuery.MaxClauseCount"/> (which always applies); null for none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int? MaxClauses
    {
        get => _maxClauses;
        init
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxClauses), value, "MaxClauses must be positive.");
            }

            _maxClauses = value;
        }
    }

    /// <summary>
    /// How many top documents the queries return exactly (<see cref="SpladeQuery.TopK"/>): at least the number of hits
    /// you ask a search for. Default <see cref="SpladeQuery.DefaultTopK"/>; smaller is faster.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int TopK
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(TopK));
            field = value;
        }
    } = SpladeQuery.DefaultTopK;

    /// <summary>
    /// Whether the queries prune dynamically (<see cref="SpladeQuery.DynamicPruning"/>): same results, faster only
    /// where term frequencies vary enough (measure with <c>splade-eval scale</c>). Default false.
    /// </summary>
    public bool DynamicPruning { get; init; }

    /// <summary>True when the builder has an encoder, so <see cref="Build(string)"/> can be used.</summary>
    public bool CanEncode => _encoder is not null;

    /// <summary>Encodes <paramref name="text"/> and builds its query; empty text gives a query that matches nothing.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The builder was created without an encoder.</exception>
    public Query Build(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_encoder is null)
        {
            throw new InvalidOperationException("This SpladeQueryBuilder was created without an encoder; build from a SparseVector instead.");
        }

        return Build(_encoder.EncodeQuery(text));
    }

    /// <summary>
    /// Builds the query of a query vector: the terms of <see cref="SelectTerms"/> with their weights, exact to
    /// <see cref="TopK"/>. An empty vector gives an empty query, which matches nothing.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="vector"/> is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public Query Build(SparseVector vector) => ToQuery(SelectTerms(vector), TopK);

    /// <summary>The query of terms already selected (<see cref="SelectTerms"/> or a part of its result), exact to <paramref name="topK"/>.</summary>
    internal SpladeQuery ToQuery(SparseVector terms, int topK)
    {
        var names = new string[terms.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Vocabulary[terms.TermIds[i]];
        }

        return new SpladeQuery(Field, names, terms.Weights.ToArray(), topK) { DynamicPruning = DynamicPruning };
    }

    /// <summary>
    /// The terms and weights the query of <paramref name="vector"/> holds: <see cref="QueryPruning"/>, then special
    /// tokens dropped, then the heaviest terms up to the clause limit.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="vector"/> is null.</exception>
    /// <exception cref="ArgumentException">A term id is outside the vocabulary.</exception>
    public SparseVector SelectTerms(SparseVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        QuantizedTermEmitter.CheckIdsInVocabulary(vector.TermIds, Vocabulary);
        var pruned = SparseVectorPruner.Prune(vector, QueryPruning);

        var ids = new List<int>(pruned.Count);
        var weights = new List<float>(pruned.Count);
        for (var i = 0; i < pruned.Count; i++)
        {
            if (!Vocabulary.IsExcludedTerm(pruned.TermIds[i]))
            {
                ids.Add(pruned.TermIds[i]);
                weights.Add(pruned.Weights[i]);
            }
        }

        // Over the clause limit, keep the heaviest terms: the pruner's top-k (ties to the lower id, result in id
        // order, so equal inputs give equal queries).
        var limit = Math.Min(_maxClauses ?? int.MaxValue, BooleanQuery.MaxClauseCount);
        return SparseVectorPruner.Prune(SparseVector.FromSortedUnchecked([.. ids], [.. weights]), new PruningOptions { TopK = limit });
    }
}
