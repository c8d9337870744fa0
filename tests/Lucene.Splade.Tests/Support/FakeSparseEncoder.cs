using System.Collections.Concurrent;
using Lucene.Splade.Encoders;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Support;

/// <summary>
/// A deterministic stand-in for the SPLADE model: each word of the text (split on anything that is not a letter or
/// digit, lower-cased) maps to a vocabulary term by a stable hash, with a weight derived from the word; repeated
/// words add up. Thread-safe, like a real encoder.
/// </summary>
internal sealed class FakeSparseEncoder : IDocumentEncoder, IQueryEncoder
{
    private readonly Func<string, SparseVector>? _encode;
    private int _calls;

    /// <param name="vocabulary">Usually <see cref="FakeVocabulary.Create"/>.</param>
    /// <param name="encode">Replaces the hashing, for tests that need particular vectors.</param>
    public FakeSparseEncoder(Vocabulary vocabulary, Func<string, SparseVector>? encode = null)
    {
        Vocabulary = vocabulary;
        _encode = encode;
    }

    public Vocabulary Vocabulary { get; }

    /// <summary>Every text encoded (document or query), in call order.</summary>
    public ConcurrentQueue<string> ReceivedTexts { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public SparseVector EncodeDocument(string text) => Encode(text);

    public SparseVector EncodeQuery(string text) => Encode(text);

    public IReadOnlyList<SparseVector> EncodeDocuments(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts.Select(Encode).ToArray();
    }

    public IReadOnlyList<SparseVector> EncodeQueries(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EncodeDocuments(texts, cancellationToken);

    private SparseVector Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Interlocked.Increment(ref _calls);
        ReceivedTexts.Enqueue(text);
        return _encode is not null ? _encode(text) : Hash(text);
    }

    private SparseVector Hash(string text)
    {
        var weights = new Dictionary<int, float>();
        foreach (var word in Words(text))
        {
            var h = Fnv1a(word);
            var id = FakeVocabulary.FirstTermId + (int)(h % (uint)(Vocabulary.Count - FakeVocabulary.FirstTermId));

            // 0.05 .. 3.04 in steps of 0.01, so some weights quantize to small and some to large frequencies.
            var weight = 0.05f + (h >> 16) % 300 / 100f;
            weights[id] = weights.GetValueOrDefault(id) + weight;
        }

        return new SparseVector(weights.Keys.ToArray(), weights.Values.ToArray());
    }

    private static IEnumerable<string> Words(string text)
    {
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || !char.IsLetterOrDigit(text[i]))
            {
                if (i > start)
                {
                    yield return text[start..i].ToLowerInvariant();
                }

                start = i + 1;
            }
        }
    }

    private static uint Fnv1a(string s)
    {
        var hash = 2166136261u;
        foreach (var c in s)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
