using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tests.Support.TinyModels;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Encoders;

/// <summary>
/// The encoder on tiny random BERT-shaped graphs of all three output kinds, against pooled weights computed
/// independently (plain loops over the same seeded weights, no ONNX).
/// </summary>
public sealed class SpladeEncoderTests
{
    private static readonly string[] Texts =
    [
        "the capital of france",
        "paris is a city on the river",
        "fish",
        "water water water fishing in the river of paris the capital city",
    ];

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("splade-encoder-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<TestCaseData> KindsAndInputNames()
    {
        foreach (var kind in Enum.GetValues<TinyModelKind>())
        {
            foreach (var names in new[] { TinyModelInputNames.Standard, TinyModelInputNames.TensorFlowStyle, TinyModelInputNames.NoTokenTypes })
            {
                yield return new TestCaseData(kind, names).SetArgDisplayNames(kind.ToString(), names.ToString());
            }
        }
    }

    [TestCaseSource(nameof(KindsAndInputNames))]
    public void Encodes_like_the_independent_computation(TinyModelKind kind, TinyModelInputNames names)
    {
        TinyBertModels.WriteModelFolder(_folder, kind, names, seed: 7);
        using var encoder = SpladeEncoder.Load(_folder);

        Assert.That(encoder.Signature.Kind, Is.EqualTo(ExpectedKind(kind)));
        var batch = encoder.EncodeDocuments(Texts);
        for (var i = 0; i < Texts.Length; i++)
        {
            var ids = encoder.Tokenizer.Encode(Texts[i], encoder.MaxLength);
            AssertMatchesReference(encoder, batch[i], TinyBertModels.ReferencePooled(ids, seed: 7));
            AssertClose(encoder.EncodeDocument(Texts[i]), batch[i]); // a batch encodes each text as a single call does
        }
    }

    [Test]
    public void Sum_pooling_is_configurable_for_logit_models()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits, TinyModelInputNames.Standard, seed: 3);
        new SpladeModelConfig { Pooling = SpladePooling.Sum }.Save(Path.Combine(_folder, SpladeModelConfig.FileName));
        using var encoder = SpladeEncoder.Load(_folder);

        var text = Texts[3];
        var expected = TinyBertModels.ReferencePooled(encoder.Tokenizer.Encode(text, encoder.MaxLength), seed: 3, sum: true);

        AssertMatchesReference(encoder, encoder.EncodeDocument(text), expected);
    }

    [Test]
    public void Special_tokens_never_become_terms()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits, TinyModelInputNames.Standard, seed: 11);
        using var encoder = SpladeEncoder.Load(_folder);

        foreach (var vector in encoder.EncodeDocuments(Texts))
        {
            Assert.That(vector.IsEmpty, Is.False);
            foreach (var id in vector.TermIds)
            {
                Assert.That(encoder.Vocabulary[id], Does.Not.StartWith("["), "special or [unused] token emitted");
            }
        }
    }

    [TestCase("")]
    [TestCase("   \t\n ")]
    [TestCase("\u0000\u0001\u200b")]
    public void Text_without_word_pieces_encodes_to_the_empty_vector(string text)
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.PooledWeights, TinyModelInputNames.Standard);
        using var encoder = SpladeEncoder.Load(_folder);

        Assert.That(encoder.EncodeDocument(text), Is.SameAs(SparseVector.Empty));
    }

    private static IEnumerable<TestCaseData> KindsAndUnknownOnlyTexts()
    {
        var texts = new (string Name, string Text)[]
        {
            ("emoji", "\U0001F600\U0001F600 \U0001F389"),
            ("100k-character word", new string('x', 100_000)),
            ("400-digit run", string.Concat(Enumerable.Repeat("0123456789", 40))),
            ("[UNK] typed in", "[UNK] [UNK]"),
        };
        foreach (var kind in Enum.GetValues<TinyModelKind>())
        {
            foreach (var (name, text) in texts)
            {
                yield return new TestCaseData(kind, text).SetArgDisplayNames(kind.ToString(), name);
            }
        }
    }

    [TestCaseSource(nameof(KindsAndUnknownOnlyTexts))]
    public void Text_of_unknown_pieces_only_encodes_to_the_empty_vector(TinyModelKind kind, string text)
    {
        TinyBertModels.WriteModelFolder(_folder, kind, TinyModelInputNames.Standard, seed: 13);
        using var encoder = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { DocumentWindows = new DocumentWindows { WindowLength = 8 } });
        var ids = encoder.Tokenizer.Encode(text, encoder.MaxLength);
        Assume.That(ids.Skip(1).SkipLast(1), Is.Not.Empty.And.All.EqualTo(encoder.Tokenizer.UnknownId), "the text is [UNK] pieces only");

        Assert.Multiple(() =>
        {
            Assert.That(encoder.EncodeDocument(text), Is.SameAs(SparseVector.Empty));
            Assert.That(encoder.EncodeQuery(text), Is.SameAs(SparseVector.Empty));
            Assert.That(encoder.EncodeDocuments([text, "fish"])[0], Is.SameAs(SparseVector.Empty));
        });
    }

    [Test]
    public void Unknown_pieces_are_left_out_of_the_pooling_of_logit_models()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits, TinyModelInputNames.Standard, seed: 17);
        using var encoder = SpladeEncoder.Load(_folder);
        var text = "the \U0001F600 capital \U0001F389 of france";
        var ids = encoder.Tokenizer.Encode(text, encoder.MaxLength);
        Assume.That(ids, Has.Exactly(2).EqualTo(encoder.Tokenizer.UnknownId));

        var expected = TinyBertModels.ReferencePooled(ids, seed: 17, leftOutId: encoder.Tokenizer.UnknownId);
        var withUnknownRows = TinyBertModels.ReferencePooled(ids, seed: 17);
        Assume.That(withUnknownRows, Is.Not.EqualTo(expected).Within(1e-3f), "the [UNK] rows would change the weights");

        AssertMatchesReference(encoder, encoder.EncodeDocument(text), expected);
    }

    [Test]
    public void Null_text_throws()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.PooledWeights, TinyModelInputNames.Standard);
        using var encoder = SpladeEncoder.Load(_folder);

        Assert.Throws<ArgumentNullException>(() => encoder.EncodeDocument(null!));
        Assert.Throws<ArgumentNullException>(() => encoder.EncodeDocuments(["fish", null!]));
    }

    [Test]
    public void Long_text_is_truncated_to_the_maximum_length()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits, TinyModelInputNames.Standard, seed: 5);
        new SpladeModelConfig { MaxLength = 16 }.Save(Path.Combine(_folder, SpladeModelConfig.FileName));
        using var encoder = SpladeEncoder.Load(_folder);
        var words = string.Join(' ', Enumerable.Repeat("paris river fish water", 100_000)); // ~2 MB of text

        var ids = encoder.Tokenizer.Encode(words, encoder.MaxLength);
        var vector = encoder.EncodeDocument(words);

        Assert.That(ids, Has.Length.EqualTo(16));
        AssertMatchesReference(encoder, vector, TinyBertModels.ReferencePooled(ids, seed: 5));
    }

    [Test]
    public void Concurrent_callers_get_the_same_vectors_as_a_single_caller()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits, TinyModelInputNames.Standard, seed: 9);
        using var encoder = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { BatchSize = 2 });
        var expected = encoder.EncodeDocuments(Texts);

        var results = new SparseVector[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i] = Enumerable.Range(0, 20).Select(k => encoder.EncodeDocument(Texts[(i + k) % Texts.Length])).ToArray());

        for (var i = 0; i < results.Length; i++)
        {
            for (var k = 0; k < 20; k++)
            {
                AssertClose(results[i][k], expected[(i + k) % Texts.Length]);
            }
        }
    }

    [Test]
    public void Logit_batches_are_split_to_bound_memory()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits, TinyModelInputNames.Standard, seed: 2);
        using var reference = SpladeEncoder.Load(_folder);
        using var bounded = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { MaxLogitsBytes = 1 });

        var referenceCalls = reference.ModelCalls;
        var boundedCalls = bounded.ModelCalls;
        var expected = reference.EncodeDocuments(Texts);
        var actual = bounded.EncodeDocuments(Texts);

        // One call for the whole batch without a bound; with a 1-byte bound every text gets its own call.
        Assert.That(reference.ModelCalls - referenceCalls, Is.EqualTo(1));
        Assert.That(bounded.ModelCalls - boundedCalls, Is.EqualTo(Texts.Length));
        for (var i = 0; i < Texts.Length; i++)
        {
            AssertClose(actual[i], expected[i]);
        }
    }

    [Test]
    public void Batches_hold_at_most_BatchSize_texts()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.PooledWeights, TinyModelInputNames.Standard, seed: 2);
        using var encoder = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { BatchSize = 3 });
        var before = encoder.ModelCalls;

        encoder.EncodeDocuments([.. Texts, .. Texts]);

        Assert.That(encoder.ModelCalls - before, Is.EqualTo(3), "8 texts in batches of at most 3");
    }

    [Test]
    public void A_cancelled_batch_stops_before_the_next_model_call()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.PooledWeights, TinyModelInputNames.Standard);
        using var encoder = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { BatchSize = 1 });
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => encoder.EncodeDocuments(Texts, cancellation.Token));
        Assert.That(encoder.EncodeDocuments(Texts, CancellationToken.None), Has.Count.EqualTo(Texts.Length));
    }

    private static SpladeOutputKind ExpectedKind(TinyModelKind kind) => kind switch
    {
        TinyModelKind.MlmLogits => SpladeOutputKind.MlmLogits,
        TinyModelKind.PooledWeights => SpladeOutputKind.PooledWeights,
        _ => SpladeOutputKind.NonzeroTerms,
    };

    /// <summary>
    /// Same terms, weights equal up to float rounding: padding changes the shapes ONNX Runtime multiplies, and with
    /// them the order of float additions, so a text batched with others may differ from it alone in the last bits.
    /// </summary>
    private static void AssertClose(SparseVector actual, SparseVector expected)
    {
        Assert.That(actual.TermIds.ToArray(), Is.EqualTo(expected.TermIds.ToArray()));
        Assert.That(actual.Weights.ToArray(), Is.EqualTo(expected.Weights.ToArray()).Within(1e-5f));
    }

    private static void AssertMatchesReference(SpladeEncoder encoder, SparseVector actual, float[] reference)
    {
        var expectedIds = Enumerable.Range(0, reference.Length).Where(j => reference[j] > 1e-6f && !encoder.Vocabulary.IsExcludedTerm(j)).ToArray();

        Assert.That(actual.TermIds.ToArray(), Is.EqualTo(expectedIds));
        foreach (var j in expectedIds)
        {
            Assert.That(actual[j], Is.EqualTo(reference[j]).Within(1e-4f), $"weight of '{encoder.Vocabulary[j]}'");
        }
    }
}

/// <summary>Disposing an encoder that other threads are using: no crash, calls in flight finish or stop cleanly.</summary>
[TestFixture]
public sealed class SpladeEncoderDisposeTests
{
    private string _folder = null!;

    [OneTimeSetUp]
    public void CreateModel()
    {
        _folder = Directory.CreateTempSubdirectory("splade-dispose-").FullName;
        Support.TinyModels.TinyBertModels.WriteModelFolder(_folder, Support.TinyModels.TinyModelKind.MlmLogits);
    }

    [OneTimeTearDown]
    public void DeleteModel() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Disposing_while_eight_threads_encode_never_crashes_and_later_calls_are_refused([Values(100)] int rounds)
    {
        var words = Support.TinyModels.TinyBertModels.Vocabulary.Where(t => !t.StartsWith('[')).ToArray();
        var texts = Enumerable.Range(0, 24).Select(i => string.Join(' ', Enumerable.Range(0, 5 + (i % 20)).Select(j => words[(i + j) % words.Length]))).ToArray();
        var random = new Random(1);
        var unexpected = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var encodedBeforeDispose = 0;
        for (var round = 0; round < rounds; round++)
        {
            var encoder = SpladeEncoder.Load(_folder, new SpladeEncoderOptions { BatchSize = 4, IntraOpThreads = 1 });
            using var started = new CountdownEvent(8);
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                started.Signal();
                try
                {
                    while (true)
                    {
                        _ = encoder.EncodeDocuments(texts); // several model calls per call
                        Interlocked.Increment(ref encodedBeforeDispose);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // The expected way out: disposed before (or between) model calls.
                }
                catch (Exception e)
                {
                    unexpected.Add(e);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            started.Wait();
            Thread.Sleep(random.Next(0, 15));

            var dispose = System.Diagnostics.Stopwatch.StartNew();
            encoder.Dispose();
            Assert.That(dispose.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "Dispose returns without waiting for the callers");
            encoder.Dispose(); // idempotent
            threads.ForEach(t => t.Join());

            Assert.That(() => encoder.EncodeDocument("river"), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(() => encoder.EncodeQueries(["river"]), Throws.InstanceOf<ObjectDisposedException>());
        }

        Assert.That(unexpected, Is.Empty, string.Join("\n", unexpected.Take(3)));
        Assert.That(encodedBeforeDispose, Is.GreaterThan(0), "the threads did encode before the dispose");
    }
}
