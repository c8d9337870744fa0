using System.Globalization;
using System.Text;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Scale;

/// <summary>
/// Documents of any number, fitted to <see cref="ScaleStatistics"/>: each has a SPLADE vector (term frequencies as the
/// index holds them) and a BM25 text of 150 words from a Zipf distribution. Document <c>i</c> depends only on the
/// statistics, the seed and <c>i</c>, so any prefix of the corpus is the same corpus.
/// </summary>
/// <remarks>
/// A document's term count is drawn from the fitted counts, its terms without repetition from the fitted document
/// frequencies, each term's frequency from the fitted frequencies. Drawing n distinct terms from weights
/// proportional to the frequencies <c>df</c> would make frequent terms rarer than they are (a draw can repeat); the
/// weights are <c>-ln(1 - df)</c> instead, which puts a term in about a <c>df</c> share of documents.
/// <see cref="MeasuredFit"/> reports how close the result is.
/// </remarks>
internal sealed class SyntheticCorpus
{
    public const int WordsPerDocument = 150;
    public const int TextVocabulary = 50_000;

    private static readonly TermFrequencyQuantizer Quantizer = TermFrequencyQuantizer.Default;

    private readonly ScaleStatistics _stats;
    private readonly int _seed;
    private readonly AliasTable _terms;
    private readonly double[] _zipfCdf;

    public SyntheticCorpus(ScaleStatistics stats, int seed)
    {
        _stats = stats;
        _seed = seed;
        _terms = new AliasTable(stats.DocumentFrequencies.Select(df => -Math.Log(1 - Math.Min(df, 0.99))).ToArray());
        _zipfCdf = new double[TextVocabulary];
        var sum = 0.0;
        for (var r = 0; r < TextVocabulary; r++)
        {
            sum += 1.0 / (r + 1);
            _zipfCdf[r] = sum;
        }

        for (var r = 0; r < TextVocabulary; r++)
        {
            _zipfCdf[r] /= sum;
        }
    }

    public (QuantizedVector Splade, string Text) Document(int index)
    {
        var random = new Random(HashCode.Combine(_seed, index));
        var count = _stats.TermsPerDocument[random.Next(_stats.TermsPerDocument.Length)];
        count = Math.Min(count, _stats.TermIds.Length);
        var chosen = new HashSet<int>(count);
        for (var attempts = 0; chosen.Count < count && attempts < count * 20; attempts++)
        {
            chosen.Add(_stats.TermIds[_terms.Sample(random)]);
        }

        var ids = chosen.Order().ToArray();
        var tfs = ids.Select(_ => _stats.Frequencies[random.Next(_stats.Frequencies.Length)]).ToArray();
        var text = new StringBuilder(WordsPerDocument * 7);
        for (var w = 0; w < WordsPerDocument; w++)
        {
            text.Append('w').Append(ZipfRank(random).ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        // Through the public quantizer: frequency / scale is a weight that quantizes back to the same frequency.
        var weights = tfs.Select(tf => Quantizer.ToWeight(tf)).ToArray();
        return (Quantizer.Quantize(new SparseVector(ids, weights)), text.ToString());
    }

    /// <summary>A BM25 query of <paramref name="words"/> words from the same Zipf distribution, skipping the 50 commonest (stopword-like).</summary>
    public string Bm25Query(int index, int words = 5)
    {
        var random = new Random(HashCode.Combine(_seed, -1 - index));
        var text = new StringBuilder();
        for (var w = 0; w < words;)
        {
            var rank = ZipfRank(random);
            if (rank < 50)
            {
                continue;
            }

            text.Append('w').Append(rank.ToString(CultureInfo.InvariantCulture)).Append(' ');
            w++;
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Mean terms per document and the document frequencies of the fitted corpus's 20 commonest terms, generated vs fitted, over the first <paramref name="documents"/>.</summary>
    public FitCheck MeasuredFit(int documents)
    {
        var df = new Dictionary<int, int>();
        long terms = 0;
        for (var i = 0; i < documents; i++)
        {
            var (vector, _) = Document(i);
            terms += vector.Count;
            foreach (var id in vector.TermIds)
            {
                df[id] = df.GetValueOrDefault(id) + 1;
            }
        }

        var top = Enumerable.Range(0, _stats.TermIds.Length).OrderByDescending(i => _stats.DocumentFrequencies[i]).Take(20).ToArray();
        return new FitCheck(
            _stats.TermsPerDocument.Average(),
            terms / (double)documents,
            top.Average(i => _stats.DocumentFrequencies[i]),
            top.Average(i => df.GetValueOrDefault(_stats.TermIds[i]) / (double)documents));
    }

    private int ZipfRank(Random random)
    {
        var at = Array.BinarySearch(_zipfCdf, random.NextDouble());
        return Math.Min(at < 0 ? ~at : at, TextVocabulary - 1);
    }

    /// <summary>Vose's alias method: O(1) draws from a fixed discrete distribution (no library in reach has one).</summary>
    private sealed class AliasTable
    {
        private readonly double[] _probability;
        private readonly int[] _alias;

        public AliasTable(double[] weights)
        {
            var n = weights.Length;
            var total = weights.Sum();
            var scaled = weights.Select(w => w * n / total).ToArray();
            _probability = new double[n];
            _alias = new int[n];
            var small = new Stack<int>();
            var large = new Stack<int>();
            for (var i = 0; i < n; i++)
            {
                (scaled[i] < 1 ? small : large).Push(i);
            }

            while (small.Count > 0 && large.Count > 0)
            {
                var s = small.Pop();
                var l = large.Pop();
                _probability[s] = scaled[s];
                _alias[s] = l;
                scaled[l] = scaled[l] + scaled[s] - 1;
                (scaled[l] < 1 ? small : large).Push(l);
            }

            foreach (var i in large.Concat(small))
            {
                _probability[i] = 1;
            }
        }

        public int Sample(Random random)
        {
            var i = random.Next(_probability.Length);
            return random.NextDouble() < _probability[i] ? i : _alias[i];
        }
    }
}

/// <summary>How the generated corpus matches its statistics.</summary>
internal sealed record FitCheck(double FittedTermsPerDocument, double GeneratedTermsPerDocument, double FittedTop20DocumentFrequency, double GeneratedTop20DocumentFrequency);
