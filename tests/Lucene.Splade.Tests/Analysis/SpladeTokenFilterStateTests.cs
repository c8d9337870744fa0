using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Splade.Analysis;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Analysis;

/// <summary>
/// <see cref="SpladeTokenFilter"/>'s per-document state, with an input that can be refilled and reset without a
/// reader and that fails if it is read past its end: what the encoder is given, and what a Reset forgets.
/// </summary>
[TestFixture]
public sealed class SpladeTokenFilterStateTests
{
    private static readonly Vocabulary Vocabulary = FakeVocabulary.Create();

    [Test]
    public void The_encoder_gets_the_words_joined_by_spaces_even_when_the_first_starts_at_offset_zero()
    {
        var seen = new List<string>();
        using var filter = Filter(seen, out var input);
        input.Fill(("paris", 0), ("france", 6));

        Consume(filter);

        Assert.That(seen, Is.EqualTo(new[] { "paris france" }));
    }

    [Test]
    public void Empty_input_is_never_encoded()
    {
        var seen = new List<string>();
        using var filter = Filter(seen, out _);

        Assert.That(Consume(filter), Is.Zero);
        Assert.That(seen, Is.Empty);
    }

    [Test]
    public void The_input_is_read_once_per_document_and_never_past_its_end()
    {
        var seen = new List<string>();
        using var filter = Filter(seen, out var input);
        input.Fill(("paris", 0));

        var tokens = Consume(filter); // the input throws if it is read again after returning false

        Assert.That(tokens, Is.GreaterThan(1));
        Assert.That(seen, Has.Count.EqualTo(1));
    }

    [Test]
    public void Reset_forgets_the_last_document_even_without_Dispose()
    {
        var seen = new List<string>();
        using var filter = Filter(seen, out var input);
        input.Fill(("paris", 0));
        var first = Consume(filter);

        // The same stream again: the document is encoded again, not taken as already read.
        var again = Consume(filter);

        // A new, empty document after a partly read one: nothing of the old one is left to emit.
        input.Fill(("paris", 0));
        filter.Reset();
        Assert.That(filter.IncrementToken(), Is.True);
        input.Fill();
        filter.Reset();
        Assert.That(filter.IncrementToken(), Is.False);

        Assert.That(again, Is.EqualTo(first));
        Assert.That(seen, Is.EqualTo(new[] { "paris", "paris", "paris" }));
    }

    private static SpladeTokenFilter Filter(List<string> seen, out ReplayableInput input)
    {
        input = new ReplayableInput();
        var encoder = new FakeSparseEncoder(Vocabulary, text =>
        {
            seen.Add(text);
            return new SparseVector([30, 31], [0.2f, 0.5f]);
        });
        return new SpladeTokenFilter(input, encoder);
    }

    private static int Consume(TokenStream stream)
    {
        stream.Reset();
        var count = 0;
        while (stream.IncrementToken())
        {
            count++;
        }

        stream.End();
        return count;
    }

    /// <summary>Words with start offsets; Reset rewinds; reading after the end is a test failure.</summary>
    private sealed class ReplayableInput : TokenStream
    {
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private (string Word, int Start)[] _words = [];
        private int _next;
        private bool _ended;

        public ReplayableInput()
        {
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public void Fill(params (string Word, int Start)[] words) => _words = words;

        public override bool IncrementToken()
        {
            if (_ended)
            {
                throw new AssertionException("the input was read again after it returned false");
            }

            ClearAttributes();
            if (_next == _words.Length)
            {
                _ended = true;
                return false;
            }

            var (word, start) = _words[_next++];
            _term.SetEmpty().Append(word);
            _offset.SetOffset(start, start + word.Length);
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            _next = 0;
            _ended = false;
        }
    }
}
