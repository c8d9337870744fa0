using Lucene.Net.Search;
using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;
using Lucene.Splade.Search;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tests.Support.TinyModels;
using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Encoders;

/// <summary>
/// Queries encoded without a model: the distinct non-special word pieces of the query, each with its learned weight.
/// Known answers over the tiny BERT vocabulary (<see cref="TinyBertModels.Vocabulary"/>).
/// </summary>
[TestFixture]
public sealed class InferenceFreeQueryEncoderTests
{
    private static readonly Vocabulary TinyVocabulary = Vocabulary.FromTokens(TinyBertModels.Vocabulary, "tiny vocabulary");

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("splade-inference-free-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static int Id(string token) => TinyBertModels.Id(token);

    /// <summary>Weight 1 + id/100 for every id (specials included), with some set apart.</summary>
    private static float[] Weights(params (string Token, float Weight)[] overrides)
    {
        var weights = Enumerable.Range(0, TinyBertModels.VocabularySize).Select(i => 1f + (i / 100f)).ToArray();
        foreach (var (token, weight) in overrides)
        {
            weights[Id(token)] = weight;
        }

        return weights;
    }

    private static InferenceFreeQueryEncoder Encoder(float[] weights, int maxLength = 512) =>
        new(WordPieceTokenizer.Create(TinyVocabulary), weights, maxLength);

    private static Dictionary<string, float> Terms(InferenceFreeQueryEncoder encoder, SparseVector vector)
    {
        var terms = new Dictionary<string, float>();
        for (var i = 0; i < vector.Count; i++)
        {
            terms[encoder.Vocabulary[vector.TermIds[i]]] = vector.Weights[i];
        }

        return terms;
    }

    [Test]
    public void Each_distinct_piece_gets_its_weight()
    {
        var encoder = Encoder(Weights(("dog", 2f), ("cat", 0.5f), ("fish", 0.25f)));

        var vector = encoder.EncodeQuery("Dog, cat and fish.");

        Assert.That(Terms(encoder, vector), Is.EquivalentTo(new Dictionary<string, float>
        {
            ["dog"] = 2f, ["cat"] = 0.5f, ["fish"] = 0.25f, ["and"] = 1f + (Id("and") / 100f), [","] = 1f + (Id(",") / 100f), ["."] = 1f + (Id(".") / 100f),
        }));
        Assert.That(vector.TermIds.ToArray(), Is.Ordered.Ascending);
    }

    [Test]
    public void Repeated_pieces_count_once()
    {
        var encoder = Encoder(Weights(("dog", 2f), ("##s", 0.75f)));

        var vector = encoder.EncodeQuery("dog dogs dog DOG dogs");

        Assert.That(Terms(encoder, vector), Is.EquivalentTo(new Dictionary<string, float> { ["dog"] = 2f, ["##s"] = 0.75f }));
    }

    [Test]
    public void Zero_and_negative_weights_are_dropped()
    {
        var encoder = Encoder(Weights(("the", 0f), ("of", -1.5f), ("capital", 3f), ("france", 1e-6f)));

        var vector = encoder.EncodeQuery("the capital of france");

        Assert.That(Terms(encoder, vector), Is.EquivalentTo(new Dictionary<string, float> { ["capital"] = 3f, ["france"] = 1e-6f }));
    }

    [Test]
    public void Special_tokens_in_the_text_never_become_terms_whatever_their_weight()
    {
        var encoder = Encoder(Weights(("[MASK]", 9f), ("[SEP]", 9f), ("[CLS]", 9f), ("[PAD]", 9f), ("cat", 1f)));

        var vector = encoder.EncodeQuery("[CLS] [MASK] cat [SEP] [PAD]");

        Assert.That(encoder.Tokenizer.Encode("[MASK] cat", 16), Does.Contain(Id("[MASK]")), "the tokenizer does produce the special id");
        Assert.That(Terms(encoder, vector), Is.EquivalentTo(new Dictionary<string, float> { ["cat"] = 1f }));
    }

    [Test]
    public void Unknown_words_become_unk_which_is_dropped_even_with_a_positive_weight()
    {
        var encoder = Encoder(Weights(("[UNK]", 5f), ("cat", 1f)));

        Assert.That(encoder.Tokenizer.Encode("zebra", 8), Is.EqualTo(new[] { Id("[CLS]"), Id("[UNK]"), Id("[SEP]") }), "zebra cannot be spelled with the tiny vocabulary");
        Assert.That(Terms(encoder, encoder.EncodeQuery("zebra cat")), Is.EquivalentTo(new Dictionary<string, float> { ["cat"] = 1f }));
        Assert.That(encoder.EncodeQuery("zebra quokka"), Is.SameAs(SparseVector.Empty));
    }

    [TestCase("")]
    [TestCase("   \t\r\n ")]
    [TestCase("\u200B\u00AD")]
    public void Empty_whitespace_or_piece_less_text_gives_the_empty_vector(string text)
    {
        Assert.That(Encoder(Weights()).EncodeQuery(text), Is.SameAs(SparseVector.Empty));
    }

    [Test]
    public void A_query_of_only_dropped_terms_gives_the_empty_vector()
    {
        var encoder = Encoder(Weights(("the", 0f), ("of", -1f)));

        Assert.That(encoder.EncodeQuery("the of the"), Is.SameAs(SparseVector.Empty));
    }

    [Test]
    public void Long_queries_are_truncated_like_the_model_encoder()
    {
        var encoder = Encoder(Weights(), maxLength: 4);

        // Four pieces: [CLS] + the first two + [SEP]. "dogs" is cut between its pieces, as Hugging Face truncation does.
        var vector = encoder.EncodeQuery("cat dogs fish river");

        Assert.That(encoder.MaxLength, Is.EqualTo(4));
        Assert.That(Terms(encoder, vector).Keys, Is.EquivalentTo(new[] { "cat", "dog" }));
        Assert.That(Terms(encoder, Encoder(Weights(), maxLength: 2).EncodeQuery("cat dogs")), Is.Empty, "no room for a piece");
    }

    [Test]
    public void Encode_lowercases_with_the_uncased_default_tokenizer()
    {
        var encoder = Encoder(Weights());

        Assert.That(encoder.EncodeQuery("PARIS Café"), Is.EqualTo(encoder.EncodeQuery("paris cafe")));
    }

    [Test]
    public void EncodeBatch_is_parallel_to_its_input()
    {
        var encoder = Encoder(Weights(("the", 0f)));
        string[] texts = ["dog", "", "the", "red house", "dog"];

        var vectors = encoder.EncodeQueries(texts);

        Assert.That(vectors, Has.Count.EqualTo(texts.Length));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.That(vectors[i], Is.EqualTo(encoder.EncodeQuery(texts[i])), texts[i]);
        }

        Assert.That(vectors[2].IsEmpty, Is.True);
        Assert.That(encoder.EncodeQueries([]), Is.Empty);
    }

    [Test]
    public void Null_text_is_rejected()
    {
        var encoder = Encoder(Weights());

        Assert.Throws<ArgumentNullException>(() => encoder.EncodeQuery(null!));
        Assert.Throws<ArgumentNullException>(() => encoder.EncodeQueries(null!));
        var e = Assert.Throws<ArgumentNullException>(() => encoder.EncodeQueries(["dog", null!]));
        Assert.That(e!.Message, Does.Contain("Text 1"));
    }

    [Test]
    public void The_weights_are_copied()
    {
        var weights = Weights(("dog", 2f));
        var encoder = Encoder(weights);

        weights[Id("dog")] = 100f;

        Assert.That(encoder.EncodeQuery("dog")[Id("dog")], Is.EqualTo(2f));
        Assert.That(encoder.Weights[Id("dog")], Is.EqualTo(2f));
        Assert.That(encoder.WeightsPath, Is.Null);
    }

    [Test]
    public void Constructor_checks_its_arguments()
    {
        var tokenizer = WordPieceTokenizer.Create(TinyVocabulary);

        var length = Assert.Throws<ArgumentException>(() => _ = new InferenceFreeQueryEncoder(tokenizer, new float[TinyBertModels.VocabularySize - 1]));
        Assert.That(length!.Message, Does.Contain($"{TinyBertModels.VocabularySize - 1} query weights").And.Contain($"{TinyBertModels.VocabularySize} tokens"));

        foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var weights = Weights();
            weights[Id("dog")] = bad;
            var e = Assert.Throws<ArgumentException>(() => _ = new InferenceFreeQueryEncoder(tokenizer, weights));
            Assert.That(e!.Message, Does.Contain($"id {Id("dog")}"));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InferenceFreeQueryEncoder(tokenizer, Weights(), maxLength: 1));
        Assert.Throws<ArgumentNullException>(() => _ = new InferenceFreeQueryEncoder(null!, Weights()));
    }

    [Test]
    public void Scores_are_the_dot_product_with_model_encoded_documents()
    {
        var encoder = Encoder(Weights(("dog", 2f), ("cat", 0.5f), ("the", 0f)));
        var document = new SparseVector([Id("dog"), Id("cat"), Id("house"), Id("the")], [1.5f, 4f, 3f, 9f]);

        var query = encoder.EncodeQuery("the dog and the cat");

        Assert.That(query.Dot(document), Is.EqualTo((2.0 * 1.5) + (0.5 * 4.0)).Within(1e-6));
        var built = new SpladeQueryBuilder(encoder, "splade").Build("the dog and the cat");
        Assert.That(((SpladeQuery)built).Terms, Has.Count.EqualTo(query.Count), "the query builder takes it as any IQueryEncoder");
    }

    [Test]
    public void Many_threads_get_identical_results()
    {
        var encoder = Encoder(Weights(("the", 0f), ("of", -1f)));
        var random = new Random(7);
        var words = TinyBertModels.Vocabulary.Where(t => !t.StartsWith('[')).Concat(["zebra", "Dogs", "CAFÉ", "  "]).ToArray();
        var texts = Enumerable.Range(0, 400).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(0, 40)).Select(_ => words[random.Next(words.Length)]))).ToArray();
        var expected = texts.Select(encoder.EncodeQuery).ToArray();
        var mismatches = 0;

        Parallel.For(0, 16 * texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var k = i % texts.Length;
            if (!encoder.EncodeQuery(texts[k]).Equals(expected[k]))
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.That(mismatches, Is.Zero);
        Assert.That(expected.Count(v => v.Count > 3), Is.GreaterThan(100), "the texts give non-trivial vectors");
    }

    [TestCase("F32")]
    [TestCase("F16")]
    [TestCase("BF16")]
    public void Loads_the_weights_file_of_a_model_folder(string dtype)
    {
        var weights = Weights(("dog", 2.5f), ("cat", 0.375f), ("the", 0f), ("of", -2f));
        WriteFolder(weights, dtype);

        var encoder = InferenceFreeQueryEncoder.Load(_folder);

        // F16 and BF16 hold these values exactly; the rest of the vocabulary is compared after the same rounding.
        var expected = weights.Select(w => dtype switch
        {
            "F16" => (float)(Half)w,
            "BF16" => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(w) & unchecked((int)0xFFFF0000)),
            _ => w,
        }).ToArray();
        Assert.That(encoder.Weights.ToArray(), Is.EqualTo(expected));
        Assert.That(encoder.WeightsPath, Is.EqualTo(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName)));
        Assert.That(encoder.Vocabulary.Count, Is.EqualTo(TinyBertModels.VocabularySize));
        Assert.That(encoder.MaxLength, Is.EqualTo(512), "the config default");
        Assert.That(Terms(encoder, encoder.EncodeQuery("The dog of the cat")), Is.EquivalentTo(new Dictionary<string, float> { ["dog"] = 2.5f, ["cat"] = 0.375f }));
        Assert.That(File.Exists(Path.Combine(_folder, "model.onnx")), Is.False, "no ONNX model is needed");
    }

    [Test]
    public void The_config_sets_casing_and_caps_the_max_length()
    {
        WriteFolder(Weights(), "F32");
        new SpladeModelConfig { MaxLength = 5, LowerCase = false }.Save(Path.Combine(_folder, SpladeModelConfig.FileName));

        var encoder = InferenceFreeQueryEncoder.Load(_folder);

        Assert.That(encoder.MaxLength, Is.EqualTo(5));
        Assert.That(InferenceFreeQueryEncoder.Load(_folder, maxLength: 100).MaxLength, Is.EqualTo(5), "capped by the config");
        Assert.That(InferenceFreeQueryEncoder.Load(_folder, maxLength: 3).MaxLength, Is.EqualTo(3));
        Assert.That(encoder.EncodeQuery("DOG"), Is.SameAs(SparseVector.Empty), "cased: DOG is not in the vocabulary, so [UNK]");
        Assert.That(encoder.EncodeQuery("dog").Count, Is.EqualTo(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => InferenceFreeQueryEncoder.Load(_folder, maxLength: 1));
    }

    [Test]
    public void SaveWeights_writes_a_file_that_Load_reads()
    {
        File.WriteAllLines(Path.Combine(_folder, "vocab.txt"), TinyBertModels.Vocabulary);
        var weights = Weights(("dog", 0.125f));

        InferenceFreeQueryEncoder.SaveWeights(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName), weights);

        Assert.That(InferenceFreeQueryEncoder.Load(_folder).Weights.ToArray(), Is.EqualTo(weights));
        Assert.Throws<ArgumentException>(() => InferenceFreeQueryEncoder.SaveWeights(Path.Combine(_folder, "x.safetensors"), [1f, float.NaN]));
        Assert.Throws<ArgumentException>(() => InferenceFreeQueryEncoder.SaveWeights(Path.Combine(_folder, "x.safetensors"), []));
    }

    [Test]
    public void Weights_of_the_wrong_length_name_both_files()
    {
        File.WriteAllLines(Path.Combine(_folder, "vocab.txt"), TinyBertModels.Vocabulary);
        var weightsPath = Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName);
        SafetensorsTestFile.Write(weightsPath, new() { [InferenceFreeQueryEncoder.WeightsTensorName] = (new float[30522], "F32") });

        var e = Assert.Throws<InvalidDataException>(() => InferenceFreeQueryEncoder.Load(_folder));

        Assert.That(e!.Message, Does.Contain(weightsPath).And.Contain(Path.Combine(_folder, "vocab.txt")).And.Contain("30522").And.Contain($"{TinyBertModels.VocabularySize} tokens"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void Non_finite_weights_in_the_file_are_rejected(float bad)
    {
        var weights = Weights();
        weights[Id("river")] = bad;
        WriteFolder(weights, "F32");

        var e = Assert.Throws<InvalidDataException>(() => InferenceFreeQueryEncoder.Load(_folder));

        Assert.That(e!.Message, Does.Contain(SpladeModelFolder.QueryWeightsFileName).And.Contain($"id {Id("river")}").And.Contain("river"));
    }

    [Test]
    public void A_folder_without_weights_says_the_model_was_not_trained_with_them()
    {
        File.WriteAllLines(Path.Combine(_folder, "vocab.txt"), TinyBertModels.Vocabulary);

        var e = Assert.Throws<FileNotFoundException>(() => InferenceFreeQueryEncoder.Load(_folder));

        Assert.That(e!.Message, Does.Contain("no inference-free query weights").And.Contain("not trained with them").And.Contain(_folder));
        Assert.That(e.FileName, Is.EqualTo(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName)));
    }

    [Test]
    public void A_missing_folder_or_vocabulary_is_named()
    {
        var missing = Path.Combine(_folder, "nope");
        Assert.That(() => InferenceFreeQueryEncoder.Load(missing), Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains(missing));

        SafetensorsTestFile.Write(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName), new() { ["query_weights"] = (Weights(), "F32") });
        Assert.That(() => InferenceFreeQueryEncoder.Load(_folder), Throws.TypeOf<FileNotFoundException>().With.Message.Contains("vocab.txt"));
    }

    [Test]
    public void A_corrupt_weights_file_is_invalid_data()
    {
        WriteFolder(Weights(), "F32");
        var path = Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 10).ToArray());

        var truncated = Assert.Throws<InvalidDataException>(() => InferenceFreeQueryEncoder.Load(_folder));
        Assert.That(truncated!.Message, Does.Contain(path));

        File.WriteAllText(path, "this is not a safetensors file at all");
        var garbage = Assert.Throws<InvalidDataException>(() => InferenceFreeQueryEncoder.Load(_folder));
        Assert.That(garbage!.Message, Does.Contain(path));
    }

    [Test]
    public void The_tensor_must_be_named_query_weights_and_be_one_dimensional_floats()
    {
        File.WriteAllLines(Path.Combine(_folder, "vocab.txt"), TinyBertModels.Vocabulary);
        var path = Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName);
        var n = TinyBertModels.VocabularySize;

        SafetensorsTestFile.Write(path, new() { ["idf"] = (Weights(), "F32") });
        Assert.That(() => InferenceFreeQueryEncoder.Load(_folder), Throws.TypeOf<InvalidDataException>().With.Message.Contains("no tensor named 'query_weights'").And.Message.Contains("idf"));

        SafetensorsTestFile.Write(path, new() { ["query_weights"] = (Weights(), "F32") }, new() { ["query_weights"] = [1, n] });
        Assert.That(() => InferenceFreeQueryEncoder.Load(_folder), Throws.TypeOf<InvalidDataException>().With.Message.Contains($"[1, {n}]"));

        SafetensorsTestFile.WriteRaw(path, $$$"""{"query_weights":{"dtype":"I32","shape":[{{{n}}}],"data_offsets":[0,{{{4 * n}}}]}}""", new byte[4 * n]);
        Assert.That(() => InferenceFreeQueryEncoder.Load(_folder), Throws.TypeOf<InvalidDataException>().With.Message.Contains("I32"));
    }

    [Test]
    public void A_config_whose_special_tokens_are_not_in_the_vocabulary_is_invalid_data()
    {
        WriteFolder(Weights(), "F32");
        new SpladeModelConfig { ClsToken = "<s>" }.Save(Path.Combine(_folder, SpladeModelConfig.FileName));

        var e = Assert.Throws<InvalidDataException>(() => InferenceFreeQueryEncoder.Load(_folder));

        Assert.That(e!.Message, Does.Contain("<s>").And.Contain("vocab.txt"));
    }

    [Test]
    public void The_model_folder_reports_its_query_weights()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        Assert.That(SpladeModelFolder.Resolve(_folder).QueryWeightsPath, Is.Null);

        InferenceFreeQueryEncoder.SaveWeights(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName), Weights());
        var files = SpladeModelFolder.Resolve(_folder);

        Assert.That(files.QueryWeightsPath, Is.EqualTo(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName)));
        Assert.That(files with { QueryWeightsPath = null }, Is.EqualTo(new SpladeModelFolder(files.Folder, files.ModelPath, files.TokenizerPath, files.ConfigPath)), "the positional record is unchanged");
    }

    [Test]
    public void Queries_match_documents_encoded_by_the_model_of_the_same_folder()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        InferenceFreeQueryEncoder.SaveWeights(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName), Weights());
        using var model = SpladeEncoder.Load(_folder);
        var queries = InferenceFreeQueryEncoder.Load(_folder);

        var document = model.EncodeDocument("the big red dog swims in the river");
        var query = queries.EncodeQuery("red dog");

        Assert.That(queries.Vocabulary.Tokens, Is.EqualTo(model.Vocabulary.Tokens));
        Assert.That(query.Dot(document), Is.EqualTo((query[Id("red")] * (double)document[Id("red")]) + (query[Id("dog")] * (double)document[Id("dog")])).Within(1e-6));
    }

    private void WriteFolder(float[] weights, string dtype)
    {
        File.WriteAllLines(Path.Combine(_folder, "vocab.txt"), TinyBertModels.Vocabulary);
        SafetensorsTestFile.Write(Path.Combine(_folder, SpladeModelFolder.QueryWeightsFileName), new() { [InferenceFreeQueryEncoder.WeightsTensorName] = (weights, dtype) });
    }
}
