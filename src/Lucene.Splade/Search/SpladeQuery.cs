using System.Globalization;
using System.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace Lucene.Splade.Search;

/// <summary>
/// The query of a SPLADE query vector: a document's score is the sum, over the query terms it holds, of the term's
/// similarity score (with <see cref="SpladeSimilarity"/>, query weight x term frequency: the dot product). It returns
/// the same top documents with the same scores as the exhaustive <see cref="ToBooleanQuery()"/> (a coord-free
/// <see cref="BooleanQuery"/> of boosted SHOULD <see cref="TermQuery"/> clauses), but skips the documents that cannot
/// reach the top <see cref="TopK"/> when <see cref="DynamicPruning"/> is on.
/// </summary>
/// <remarks>
/// <para>
/// <b>Dynamic pruning (MaxScore).</b> Lucene.NET 4.8 has no WAND, block-max or impacts, and its collectors do not
/// publish a minimum competitive score. This query brings its own: per segment, each term's score is bounded by its
/// query weight times the largest term frequency the term has in that segment (computed once per segment core, on
/// first use, and cached). The query keeps the <see cref="TopK"/> best scores seen so far; terms whose bounds together
/// cannot reach the k-th best score stop producing candidates and are only looked up for documents that the other
/// terms make competitive, and a document is dropped as soon as its partial score plus the bounds of the terms not
/// yet read falls below the k-th best score (Turtle and Flood's MaxScore, document at a time).
/// </para>
/// <para>
/// <b>When it prunes.</b> Only with <see cref="DynamicPruning"/> on (off by default: on the embedded default model's
/// vectors, whose term frequencies are nearly uniform, the bounds are too loose to pay for themselves; see
/// docs/query-speed.md), when its results go straight to a <see cref="TopScoreDocCollector"/> (what
/// <c>IndexSearcher.Search(query, n)</c>, <c>Search(query, filter, n)</c> and <c>SearchAfter</c> use), when the field
/// is scored by <see cref="SpladeSimilarity"/> (directly or through a <see cref="PerFieldSimilarityWrapper"/>) and
/// every query weight is positive. Otherwise (inside another <see cref="BooleanQuery"/>, with a sort, a custom
/// collector, another similarity, or a filter applied by leap-frog) it scores exactly as <see cref="ToBooleanQuery()"/>
/// does, so its results are always those of the exhaustive query.
/// </para>
/// <para>
/// <b>What is exact.</b> The documents ranked 1 to <see cref="TopK"/> (score descending, then doc id ascending, as
/// <see cref="TopScoreDocCollector"/> orders them) and their scores are those of the exhaustive query, ties
/// included. Asking for more than <see cref="TopK"/> hits (<c>n</c>, or the end of a <c>SearchAfter</c> page) can
/// miss documents below rank <see cref="TopK"/>; use <see cref="WithTopK"/> for deeper results. When it prunes,
/// <see cref="TopDocs.TotalHits"/> counts the documents it scored, not every match (Lucene 8+'s "at least").
/// <see cref="Weight.Explain"/> gives the exhaustive query's explanation.
/// </para>
/// <para>Immutable and thread-safe; one instance can run on many searchers at once.</para>
/// </remarks>
public sealed class SpladeQuery : Query
{
    /// <summary>The <see cref="TopK"/> of <see cref="SpladeQueryBuilder"/> unless set: deep enough for paging and for fusion.</summary>
    public const int DefaultTopK = 1000;

    private readonly string[] _terms;
    private readonly float[] _weights;

    /// <summary>Creates the query.</summary>
    /// <param name="field">The SPLADE field.</param>
    /// <param name="terms">The query terms (index terms of the field); a term given twice counts twice, as in a <see cref="BooleanQuery"/>.</param>
    /// <param name="weights">Each term's query weight (the boost of its clause); finite.</param>
    /// <param name="topK">How many top documents are exact (at least the number of hits asked for).</param>
    /// <exception cref="ArgumentNullException">An argument or a term is null.</exception>
    /// <exception cref="ArgumentException">The lists differ in length, or a weight is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public SpladeQuery(string field, IReadOnlyList<string> terms, IReadOnlyList<float> weights, int topK = DefaultTopK)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (terms.Count != weights.Count)
        {
            throw new ArgumentException($"{terms.Count} terms but {weights.Count} weights.", nameof(weights));
        }

        _terms = new string[terms.Count];
        _weights = new float[weights.Count];
        for (var i = 0; i < _terms.Length; i++)
        {
            _terms[i] = terms[i] ?? throw new ArgumentNullException(nameof(terms), $"Term {i} is null.");
            _weights[i] = float.IsFinite(weights[i]) ? weights[i] : throw new ArgumentException($"Weight {i} ({weights[i]}) is not finite.", nameof(weights));
        }

        Field = field;
        TopK = topK;
    }

    /// <summary>The field searched.</summary>
    public string Field { get; }

    /// <summary>The query terms, in the order given.</summary>
    public IReadOnlyList<string> Terms => _terms;

    /// <summary>Each term's query weight.</summary>
    public IReadOnlyList<float> Weights => _weights;

    /// <summary>How many top documents are guaranteed to be those (and scores) of the exhaustive query.</summary>
    public int TopK { get; }

    /// <summary>
    /// Whether the query skips documents that cannot reach the top <see cref="TopK"/> (block-max MaxScore). Off by
    /// default: the results are the same either way, and pruning pays only where term frequencies vary enough for
    /// the bounds to exclude terms.
    /// </summary>
    public bool DynamicPruning { get; init; }

    /// <summary>The same query, exact to a different depth.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public SpladeQuery WithTopK(int topK) => new(Field, _terms, _weights, topK) { Boost = Boost, DynamicPruning = DynamicPruning };

    /// <summary>
    /// The exhaustive equivalent: a <see cref="BooleanQuery"/> without coord, one SHOULD <see cref="TermQuery"/> per
    /// term boosted by its weight, with this query's boost. It scores every posting of every term.
    /// </summary>
    /// <exception cref="BooleanQuery.TooManyClausesException">More terms than <see cref="BooleanQuery.MaxClauseCount"/>.</exception>
    public BooleanQuery ToBooleanQuery() => BuildBooleanQuery(null);

    private BooleanQuery BuildBooleanQuery(TermContext[]? states)
    {
        var query = new BooleanQuery(disableCoord: true) { Boost = Boost };
        for (var i = 0; i < _terms.Length; i++)
        {
            var term = new Term(Field, _terms[i]);
            var clause = states is null ? new TermQuery(term) : new TermQuery(term, states[i]);
            clause.Boost = _weights[i];
            query.Add(clause, Occur.SHOULD);
        }

        return query;
    }

    /// <summary>Without <see cref="DynamicPruning"/> the query is its exhaustive equivalent (<see cref="ToBooleanQuery"/>).</summary>
    public override Query Rewrite(IndexReader reader) => DynamicPruning ? this : ToBooleanQuery();

    /// <inheritdoc />
    public override Weight CreateWeight(IndexSearcher searcher) => new SpladeQueryWeight(this, searcher);

    /// <inheritdoc />
    public override void ExtractTerms(ISet<Term> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        foreach (var term in _terms)
        {
            terms.Add(new Term(Field, term));
        }
    }

    /// <inheritdoc />
    public override string ToString(string field)
    {
        var text = new StringBuilder("splade(");
        for (var i = 0; i < _terms.Length; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            if (field != Field)
            {
                text.Append(Field).Append(':');
            }

            text.Append(_terms[i]).Append('^').Append(_weights[i].ToString("R", CultureInfo.InvariantCulture));
        }

        text.Append(", top ").Append(TopK.ToString(CultureInfo.InvariantCulture)).Append(DynamicPruning ? ", pruning)" : ")");
        if (Boost != 1f)
        {
            text.Append('^').Append(Boost.ToString("R", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) =>
        obj is SpladeQuery other && Boost.Equals(other.Boost) && TopK == other.TopK && DynamicPruning == other.DynamicPruning && Field == other.Field
        && _terms.AsSpan().SequenceEqual(other._terms) && _weights.AsSpan().SequenceEqual(other._weights);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Field);
        hash.Add(TopK);
        hash.Add(DynamicPruning);
        hash.Add(Boost);
        foreach (var term in _terms)
        {
            hash.Add(term);
        }

        foreach (var weight in _weights)
        {
            hash.Add(weight);
        }

        return hash.ToHashCode();
    }

    /// <summary>
    /// The weight: the exhaustive <see cref="BooleanQuery"/>'s weight (built on the same term states, normalized the
    /// same way) for scorers and explanations, and per-term similarity weights computed exactly as its clauses
    /// compute theirs, for the pruning bulk scorer.
    /// </summary>
    private sealed class SpladeQueryWeight : Weight
    {
        private readonly SpladeQuery _query;
        private readonly Weight _exhaustive;
        private readonly Similarity _similarity;
        private readonly Term[] _terms;
        private readonly TermContext[] _states;
        private readonly Similarity.SimWeight[] _termWeights;
        private readonly bool _canPrune;
        private float _sharedThreshold = float.NegativeInfinity;

        public SpladeQueryWeight(SpladeQuery query, IndexSearcher searcher)
        {
            _query = query;
            _similarity = searcher.Similarity;
            var context = searcher.TopReaderContext;
            _terms = Array.ConvertAll(query._terms, t => new Term(query.Field, t));
            _states = new TermContext[_terms.Length];
            _termWeights = new Similarity.SimWeight[_terms.Length];
            var collection = searcher.CollectionStatistics(query.Field);
            for (var i = 0; i < _terms.Length; i++)
            {
                _states[i] = TermContext.Build(context, _terms[i]);
                // As TermQuery's weight does it (its boost is the term's weight), so scores are bit for bit the same.
                _termWeights[i] = _similarity.ComputeWeight(query._weights[i], collection, searcher.TermStatistics(_terms[i], _states[i]));
            }

            // The term states are shared, so the exhaustive weight does not seek the terms a second time.
            _exhaustive = query.BuildBooleanQuery(_states).CreateWeight(searcher);
            var fieldSimilarity = _similarity is PerFieldSimilarityWrapper perField ? perField.Get(query.Field) : _similarity;
            // Only pruning queries get here (Rewrite); the bounds also need the dot-product similarity and positive weights.
            _canPrune = fieldSimilarity is SpladeSimilarity && query.Boost > 0 && query._weights.All(w => w > 0);
        }

        public override Query Query => _query;

        public override bool ScoresDocsOutOfOrder => false;

        // BooleanWeight's own arithmetic: the clauses' values, times the boost squared.
        public override float GetValueForNormalization() => _exhaustive.GetValueForNormalization();

        public override void Normalize(float norm, float topLevelBoost)
        {
            _exhaustive.Normalize(norm, topLevelBoost);
            // BooleanWeight passes topLevelBoost x its boost to each clause, which passes it to its SimWeight.
            var clauseBoost = topLevelBoost * _query.Boost;
            foreach (var weight in _termWeights)
            {
                weight.Normalize(norm, clauseBoost);
            }
        }

        public override Explanation Explain(AtomicReaderContext context, int doc) => _exhaustive.Explain(context, doc);

        public override Scorer GetScorer(AtomicReaderContext context, IBits acceptDocs) => _exhaustive.GetScorer(context, acceptDocs);

        public override BulkScorer GetBulkScorer(AtomicReaderContext context, bool scoreDocsInOrder, IBits acceptDocs) =>
            new SpladeBulkScorer(this, context, scoreDocsInOrder, acceptDocs);

        /// <summary>Raises the threshold shared by this search's segments to <paramref name="score"/> if it is higher.</summary>
        /// <remarks>
        /// Each segment publishes its own k-th best score: k documents score at least that much, so the search's k-th
        /// best does too. Monotone, so segments searched in parallel may publish in any order.
        /// </remarks>
        internal void Publish(float score)
        {
            var seen = Volatile.Read(ref _sharedThreshold);
            while (score > seen)
            {
                var found = Interlocked.CompareExchange(ref _sharedThreshold, score, seen);
                if (found == seen)
                {
                    return;
                }

                seen = found;
            }
        }

        internal float SharedThreshold => Volatile.Read(ref _sharedThreshold);

        /// <summary>
        /// Decides at <see cref="Score(ICollector, int)"/>, when the collector is known, whether to prune (MaxScore)
        /// or to hand over to the exhaustive query's bulk scorer.
        /// </summary>
        private sealed class SpladeBulkScorer : BulkScorer
        {
            private readonly SpladeQueryWeight _weight;
            private readonly AtomicReaderContext _context;
            private readonly bool _scoreDocsInOrder;
            private readonly IBits? _acceptDocs;
            private BulkScorer? _exhaustive;
            private MaxScoreScorer? _maxScore;
            private bool _decided;

            public SpladeBulkScorer(SpladeQueryWeight weight, AtomicReaderContext context, bool scoreDocsInOrder, IBits? acceptDocs)
            {
                _weight = weight;
                _context = context;
                _scoreDocsInOrder = scoreDocsInOrder;
                _acceptDocs = acceptDocs;
            }

            public override bool Score(ICollector collector, int max)
            {
                if (!_decided)
                {
                    _decided = true;
                    if (_weight._canPrune && collector is TopScoreDocCollector)
                    {
                        _maxScore = MaxScoreScorer.Create(_weight, _context, _acceptDocs);
                    }
                    else
                    {
                        _exhaustive = _weight._exhaustive.GetBulkScorer(_context, _scoreDocsInOrder, _acceptDocs);
                    }
                }

                return _maxScore?.Score(collector, max) ?? _exhaustive?.Score(collector, max) ?? false;
            }
        }

        /// <summary>MaxScore over one segment's postings of the query terms; see the remarks on <see cref="SpladeQuery"/>.</summary>
        /// <remarks>
        /// Documents go by aligned windows of <see cref="TermFrequencyBounds.WindowSize"/> ids, as in Lucene's own
        /// <c>BooleanScorer</c> and Lucene 9's block-max <c>MaxScoreBulkScorer</c>. In each window every term's bound is
        /// its query weight times its largest frequency in that window (block-max), far below its segment-wide maximum
        /// for most terms. A window whose bounds sum below the threshold is skipped whole. Otherwise the terms are
        /// ordered by window bound; the essential ones (those whose bounds, with all lighter ones, can reach the
        /// threshold) add their scores term at a time into an array, about what the exhaustive query pays per posting;
        /// then each document they touched, in id order, looks up the other terms from the heaviest bound down while
        /// its score can still reach the threshold.
        /// </remarks>
        private sealed class MaxScoreScorer
        {
            private const int WindowShift = TermFrequencyBounds.WindowShift;
            private const int WindowSize = TermFrequencyBounds.WindowSize;

            // A bound is compared with a score after both are summed in double, possibly in different orders, and the
            // score is then rounded to float: inflating the bound by far more than those rounding errors (about
            // n x 2^-53 relative) keeps "bound below the threshold" a proof that the score is too.
            private const double BoundSlack = 1 + 1e-9;

            private readonly SpladeQueryWeight _weight;
            private readonly Cursor[] _cursors;
            private readonly Cursor[] _order; // this window's cursors, ascending by window bound
            private readonly double[] _windowBounds; // parallel to _order
            private readonly double[] _boundsBelow; // _boundsBelow[i]: sum of the window bounds of _order[0, i)
            private readonly TopScores _top;
            private readonly CurrentDocument _current;
            private readonly double[] _scores = new double[WindowSize];
            private readonly ulong[] _touched = new ulong[WindowSize / 64];
            private readonly int _lastWindow;
            private int _window;
            private float _threshold = float.NegativeInfinity;

            private MaxScoreScorer(SpladeQueryWeight weight, Cursor[] cursors, int maxDoc)
            {
                _weight = weight;
                _cursors = cursors;
                _order = new Cursor[cursors.Length];
                _windowBounds = new double[cursors.Length];
                _boundsBelow = new double[cursors.Length + 1];
                _top = new TopScores(weight._query.TopK);
                _current = new CurrentDocument(weight);
                _lastWindow = maxDoc >> WindowShift;
                _window = cursors.Length == 0 ? _lastWindow + 1 : cursors.Min(c => c.Doc) >> WindowShift;
            }

            public static MaxScoreScorer Create(SpladeQueryWeight weight, AtomicReaderContext context, IBits? acceptDocs)
            {
                var cursors = new List<Cursor>(weight._states.Length);
                var reader = context.AtomicReader;
                var terms = reader.GetTerms(weight._query.Field);
                for (var i = 0; i < weight._states.Length && terms is not null; i++)
                {
                    var state = weight._states[i].Get(context.Ord);
                    if (state is null)
                    {
                        continue; // the term is not in this segment
                    }

                    var termsEnum = terms.GetEnumerator();
                    termsEnum.SeekExact(weight._terms[i].Bytes, state);
                    var bounds = TermFrequencyBounds.For(reader, weight._query.Field, weight._query._terms[i], termsEnum);
                    var docs = termsEnum.Docs(acceptDocs, null, DocsFlags.FREQS);
                    var first = docs.NextDoc();
                    if (first != DocIdSetIterator.NO_MORE_DOCS)
                    {
                        cursors.Add(new Cursor(docs, weight._similarity.GetSimScorer(weight._termWeights[i], context), bounds.WindowMax) { Doc = first });
                    }
                }

                return new MaxScoreScorer(weight, [.. cursors], reader.MaxDoc);
            }

            public bool Score(ICollector collector, int max)
            {
                collector.SetScorer(_current);
                RaiseThreshold(_weight.SharedThreshold);
                for (; _window <= _lastWindow; _window++)
                {
                    var windowStart = _window << WindowShift;
                    if (windowStart >= max)
                    {
                        return true;
                    }

                    var windowEnd = (int)Math.Min((long)windowStart + WindowSize, max);
                    var firstEssential = OrderByWindowBound();
                    if (firstEssential == _order.Length)
                    {
                        continue; // nothing in this window can reach the threshold
                    }

                    for (var i = firstEssential; i < _order.Length; i++)
                    {
                        if (_windowBounds[i] == 0)
                        {
                            continue; // no document of this term in the window
                        }

                        var cursor = _order[i];
                        var docs = cursor.Docs;
                        var scorer = cursor.Scorer;
                        var doc = cursor.Doc < windowStart ? docs.Advance(windowStart) : cursor.Doc;
                        while (doc < windowEnd)
                        {
                            var slot = doc - windowStart;
                            _scores[slot] += scorer.Score(doc, docs.Freq);
                            _touched[slot >> 6] |= 1UL << slot;
                            doc = docs.NextDoc();
                        }

                        cursor.Doc = doc;
                    }

                    CollectWindow(collector, windowStart, firstEssential);
                    if (windowEnd < windowStart + WindowSize)
                    {
                        return true; // stopped at max inside the window; never the case for IndexSearcher
                    }
                }

                return false;
            }

            /// <summary>
            /// Sorts the cursors by their bound in the current window, sums the bounds, and returns the first essential
            /// position: the terms before it cannot reach the threshold together (all of them, when the window can be
            /// skipped).
            /// </summary>
            private int OrderByWindowBound()
            {
                for (var i = 0; i < _cursors.Length; i++)
                {
                    var cursor = _cursors[i];
                    var maxFrequency = cursor.WindowMax[_window];
                    var bound = maxFrequency == 0 ? 0 : cursor.Scorer.Score(_window << WindowShift, maxFrequency);
                    // Insertion sort: a query has tens of terms, and the order barely changes between windows.
                    var at = i;
                    while (at > 0 && _windowBounds[at - 1] > bound)
                    {
                        _windowBounds[at] = _windowBounds[at - 1];
                        _order[at] = _order[at - 1];
                        at--;
                    }

                    _windowBounds[at] = bound;
                    _order[at] = cursor;
                }

                var first = 0;
                for (var i = 0; i < _order.Length; i++)
                {
                    _boundsBelow[i + 1] = _boundsBelow[i] + _windowBounds[i];
                    if ((float)(_boundsBelow[i + 1] * BoundSlack) < _threshold)
                    {
                        first = i + 1;
                    }
                }

                return first;
            }

            /// <summary>Completes, in id order, the documents the essential terms touched in the window, and collects the competitive ones.</summary>
            private void CollectWindow(ICollector collector, int windowStart, int firstEssential)
            {
                for (var word = 0; word < _touched.Length; word++)
                {
                    var bits = _touched[word];
                    _touched[word] = 0;
                    while (bits != 0)
                    {
                        var slot = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        var doc = windowStart + slot;
                        var score = _scores[slot];
                        _scores[slot] = 0;

                        var competitive = true;
                        for (var i = firstEssential - 1; i >= 0 && _windowBounds[i] > 0; i--)
                        {
                            if ((float)((score + _boundsBelow[i + 1]) * BoundSlack) < _threshold)
                            {
                                competitive = false;
                                break;
                            }

                            var cursor = _order[i];
                            if (cursor.Doc < doc)
                            {
                                cursor.Doc = cursor.Docs.Advance(doc);
                            }

                            if (cursor.Doc == doc)
                            {
                                score += cursor.Scorer.Score(doc, cursor.Docs.Freq);
                            }
                        }

                        var final = (float)score;
                        // Strictly below: a document tied with the k-th best may still enter (a lower doc id wins a tie).
                        if (!competitive || final < _threshold)
                        {
                            continue;
                        }

                        _current.Set(doc, final);
                        collector.Collect(doc);
                        if (_top.Offer(final) is { } kth)
                        {
                            _weight.Publish(kth);
                            RaiseThreshold(kth);
                        }
                    }
                }
            }

            private void RaiseThreshold(float threshold)
            {
                if (threshold > _threshold)
                {
                    _threshold = threshold;
                }
            }
        }

        /// <summary>One term's postings in a segment, its scorer, and its largest frequency in each window.</summary>
        private sealed class Cursor(DocsEnum docs, Similarity.SimScorer scorer, int[] windowMax)
        {
            public DocsEnum Docs { get; } = docs;

            public Similarity.SimScorer Scorer { get; } = scorer;

            public int[] WindowMax { get; } = windowMax;

            public int Doc { get; set; }
        }

        /// <summary>The k best scores of a segment (a min-heap); only the k-th best matters, as the pruning threshold.</summary>
        private sealed class TopScores(int k)
        {
            private readonly float[] _heap = new float[Math.Min(k, 1 << 16)];
            private readonly int _k = k;
            private int _count;

            /// <summary>Adds a score; returns the k-th best once k scores were seen and it rose, else null.</summary>
            public float? Offer(float score)
            {
                if (_count < _heap.Length)
                {
                    var i = _count++;
                    while (i > 0 && _heap[(i - 1) >> 1] > score)
                    {
                        _heap[i] = _heap[(i - 1) >> 1];
                        i = (i - 1) >> 1;
                    }

                    _heap[i] = score;
                    return _count == _k ? _heap[0] : null;
                }

                if (_count < _k || !(score > _heap[0]))
                {
                    // A k beyond the heap's size (over 65,536) never prunes: its threshold would need every score.
                    return null;
                }

                var at = 0;
                while (true)
                {
                    var child = (2 * at) + 1;
                    if (child >= _count)
                    {
                        break;
                    }

                    if (child + 1 < _count && _heap[child + 1] < _heap[child])
                    {
                        child++;
                    }

                    if (_heap[child] >= score)
                    {
                        break;
                    }

                    _heap[at] = _heap[child];
                    at = child;
                }

                _heap[at] = score;
                return _heap[0];
            }
        }

        /// <summary>What the collector reads for the document being collected (Lucene 4.8's FakeScorer is internal).</summary>
        private sealed class CurrentDocument(Weight weight) : Scorer(weight)
        {
            private int _doc = -1;
            private float _score;

            public void Set(int doc, float score)
            {
                _doc = doc;
                _score = score;
            }

            public override float GetScore() => _score;

            public override int Freq => 1;

            public override int DocID => _doc;

            public override int NextDoc() => throw new NotSupportedException("Only the current document can be read.");

            public override int Advance(int target) => throw new NotSupportedException("Only the current document can be read.");

            public override long GetCost() => 1;
        }
    }
}
