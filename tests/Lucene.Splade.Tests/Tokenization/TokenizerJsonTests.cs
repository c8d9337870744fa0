using System.Text.Json.Nodes;
using Lucene.Splade.Encoders;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tests.Support.TinyModels;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Tests.Tokenization;

/// <summary>Reading Hugging Face <c>tokenizer.json</c> files, and model folders that have one instead of vocab.txt.</summary>
[TestFixture]
public sealed class TokenizerJsonTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("splade-tokenizer-json-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static Vocabulary Cased => TokenizerFixtures.CasedVocabulary;

    private string Write(JsonObject json) => TokenizerJsonFixture.Write(Path.Combine(_folder, "tokenizer.json"), json);

    private WordPieceTokenizer Read(JsonObject json) => WordPieceTokenizer.LoadTokenizerJson(Write(json));

    private WordPieceTokenizerOptions TokenizerJsonFileOptions(Vocabulary vocabulary) => TokenizerJsonFile.Read(Write(TokenizerJsonFixture.Create(vocabulary))).Options;

    [Test]
    public void SettingsComeFromTheNormalizerAndTheSpecialTokensFromThePostProcessor()
    {
        var tokenizer = WordPieceTokenizer.LoadTokenizerJson(Write(TokenizerJsonFixture.Create(Cased, lowerCase: false, stripAccents: true, handleChineseChars: false)));

        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.Vocabulary.Tokens, Is.EqualTo(Cased.Tokens));
            Assert.That(tokenizer.Options.LowerCase, Is.False);
            Assert.That(tokenizer.Options.StripAccents, Is.True);
            Assert.That(tokenizer.Options.HandleChineseCharacters, Is.False);
            Assert.That(tokenizer.Options.MaxInputCharsPerWord, Is.EqualTo(100));
            Assert.That(tokenizer.ClsId, Is.EqualTo(2));
            Assert.That(tokenizer.SepId, Is.EqualTo(3));
            Assert.That(tokenizer.UnknownId, Is.EqualTo(1));
        });

        // Cased, accents stripped: "Café" becomes "Cafe"; "中文" stays one word, which the vocabulary cannot spell.
        Assert.That(tokenizer.Tokenize("Hello Café"), Is.EqualTo(new[] { "Hello", "Cafe" }));
        Assert.That(tokenizer.Tokenize("中文"), Is.EqualTo(new[] { "[UNK]" }));
    }

    [Test]
    public void ChineseCharactersAreSplitWhenTheNormalizerSaysSo()
    {
        var tokenizer = WordPieceTokenizer.LoadTokenizerJson(Write(TokenizerJsonFixture.Create(Cased, lowerCase: false, handleChineseChars: true)));

        Assert.That(tokenizer.Tokenize("中文"), Is.EqualTo(new[] { "中", "文" }));
    }

    [Test]
    public void AMissingFileIsNamedAndANullPathRefused()
    {
        var path = Path.Combine(_folder, "absent.json");
        Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(path), Throws.InstanceOf<FileNotFoundException>().With.Message.EqualTo($"Tokenizer file not found: '{path}'."));
        Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("path"));
    }

    [Test]
    public void CommentsAndTrailingCommasAreRead()
    {
        var path = Path.Combine(_folder, "tokenizer.json");
        var text = TokenizerJsonFixture.Create(Cased).ToJsonString();
        File.WriteAllText(path, "// written by hand\n" + text.Insert(text.LastIndexOf('}'), ","));

        Assert.That(WordPieceTokenizer.LoadTokenizerJson(path).Vocabulary.Count, Is.EqualTo(Cased.Count));
    }

    [Test]
    public void AbsentOptionalSettingsTakeBertsDefaults()
    {
        var json = TokenizerJsonFixture.Create(Cased, lowerCase: false);
        json.Remove("post_processor");
        var normalizer = json["normalizer"]!.AsObject();
        normalizer.Remove("lowercase");
        normalizer.Remove("handle_chinese_chars");
        var model = json["model"]!.AsObject();
        model.Remove("unk_token");
        model.Remove("max_input_chars_per_word");

        var tokenizer = WordPieceTokenizer.LoadTokenizerJson(Write(json));

        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.Options.LowerCase, Is.True);
            Assert.That(tokenizer.Options.HandleChineseCharacters, Is.True);
            Assert.That(tokenizer.Options.UnknownToken, Is.EqualTo("[UNK]"));
            Assert.That(tokenizer.Options.ClsToken, Is.EqualTo("[CLS]"));
            Assert.That(tokenizer.Options.SepToken, Is.EqualTo("[SEP]"));
            Assert.That(tokenizer.Options.MaxInputCharsPerWord, Is.EqualTo(new WordPieceTokenizerOptions().MaxInputCharsPerWord));
            Assert.That(tokenizer.Options.MaskToken, Is.EqualTo("[MASK]"), "the vocabulary has [MASK]");
        });
    }

    [Test]
    public void ExplicitSettingsAreRead()
    {
        var json = TokenizerJsonFixture.Create(Cased);
        json["model"]!["max_input_chars_per_word"] = 4;
        json["model"]!["unk_token"] = "[PAD]";

        var tokenizer = WordPieceTokenizer.LoadTokenizerJson(Write(json));

        Assert.That(tokenizer.Options.MaxInputCharsPerWord, Is.EqualTo(4));
        Assert.That(tokenizer.Options.UnknownToken, Is.EqualTo("[PAD]"));
        Assert.That(tokenizer.Options.MaskToken, Is.EqualTo("[MASK]"));
    }

    [Test]
    public void ATemplateOtherThanClsSequenceSepIsRefused()
    {
        var json = TokenizerJsonFixture.Create(Cased);
        json["post_processor"]!["single"]!.AsArray().RemoveAt(2);

        Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Write(json)), Throws.InstanceOf<InvalidDataException>()
            .With.Message.Contains("the post-processor's single-sequence template is not '[CLS] $A [SEP]'"));
    }

    [Test]
    public void BertProcessingNamesTheSequenceTokensToo()
    {
        var tokenizer = WordPieceTokenizer.LoadTokenizerJson(Write(TokenizerJsonFixture.Create(Cased, templateProcessing: false)));

        Assert.That(tokenizer.Encode("hello", 8), Is.EqualTo(new[] { 2, 6, 3 }));
    }

    [Test]
    public void AddedTokensThatFollowTheVocabularyExtendIt()
    {
        var json = TokenizerJsonFixture.Create(Cased);
        json["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = Cased.Count, ["content"] = "[NEW]", ["special"] = true });

        var tokenizer = WordPieceTokenizer.LoadTokenizerJson(Write(json));

        Assert.That(tokenizer.Vocabulary.Count, Is.EqualTo(Cased.Count + 1));
        Assert.That(tokenizer.Vocabulary[Cased.Count], Is.EqualTo("[NEW]"));
    }

    [TestCase("model", "BPE", "only BERT WordPiece tokenizers are supported")]
    [TestCase("normalizer", "Lowercase", "only BertNormalizer is supported")]
    [TestCase("pre_tokenizer", "Whitespace", "only BertPreTokenizer is supported")]
    public void OtherTokenizersAreRefusedWithTheReason(string part, string type, string message)
    {
        var json = TokenizerJsonFixture.Create(Cased);
        json[part]!["type"] = type;

        var e = Assert.Throws<InvalidDataException>(() => WordPieceTokenizer.LoadTokenizerJson(Write(json)));

        Assert.That(e!.Message, Does.Contain(message).And.Contain(type).And.Contain("tokenizer.json"));
    }

    [Test]
    public void BrokenFilesFailWithTheirPath()
    {
        var gap = TokenizerJsonFixture.Create(Cased);
        gap["model"]!["vocab"]!["Hello"] = 500;
        var clash = TokenizerJsonFixture.Create(Cased);
        clash["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = 5, ["content"] = "[OTHER]" });
        var prefix = TokenizerJsonFixture.Create(Cased);
        prefix["model"]!["continuing_subword_prefix"] = "@@";
        var unclean = TokenizerJsonFixture.Create(Cased);
        unclean["normalizer"]!["clean_text"] = false;
        var wrongType = TokenizerJsonFixture.Create(Cased);
        wrongType["model"]!["vocab"] = new JsonArray(1, 2);

        Assert.Multiple(() =>
        {
            Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Write(gap)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("do not run from 0"));
            Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Write(clash)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("id 5 belongs to both"));
            Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Write(prefix)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'@@'"));
            Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Write(unclean)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("clean_text"));
            Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Write(wrongType)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("model.vocab"));
        });

        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), "{ \"model\": ");
        Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Path.Combine(_folder, "tokenizer.json")), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not valid JSON"));
        Assert.That(() => WordPieceTokenizer.LoadTokenizerJson(Path.Combine(_folder, "missing.json")), Throws.InstanceOf<FileNotFoundException>());
    }

    [Test]
    public void SchemaViolationsNameThePartAndThePath()
    {
        var noModel = TokenizerJsonFixture.Create(Cased);
        noModel.Remove("model");
        var untyped = TokenizerJsonFixture.Create(Cased);
        untyped["model"]!.AsObject().Remove("type");
        var modelNotObject = TokenizerJsonFixture.Create(Cased);
        modelNotObject["model"] = "WordPiece";
        var negative = TokenizerJsonFixture.Create(Cased);
        negative["model"]!["vocab"]!["Hello"] = -1;
        var idNotNumber = TokenizerJsonFixture.Create(Cased);
        idNotNumber["model"]!["vocab"]!["Hello"] = "seven";
        var noNormalizer = TokenizerJsonFixture.Create(Cased);
        noNormalizer["normalizer"] = null;
        var untypedPreTokenizer = TokenizerJsonFixture.Create(Cased);
        untypedPreTokenizer["pre_tokenizer"]!.AsObject().Remove("type");

        Assert.Multiple(() =>
        {
            Assert.That(() => Read(noModel), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("has no \"model\"").And.Message.Contains("tokenizer.json"));
            Assert.That(() => Read(untyped), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("describes a (untyped) model"));
            Assert.That(() => Read(modelNotObject), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("\"model\" is a String, not an object"));
            Assert.That(() => Read(negative), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'Hello' has the negative id -1"));
            Assert.That(() => Read(idNotNumber), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("does not follow the tokenizer.json schema"));
            Assert.That(() => Read(noNormalizer), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("has the normalizer none;"));
            Assert.That(() => Read(untypedPreTokenizer), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("has the pre-tokenizer (untyped);"));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public void SpecialTokensOtherThanBertsAreTakenFromTheFile(bool templateProcessing)
    {
        var renamed = Vocabulary.FromTokens(Cased.Tokens.Select(t => t switch { "[CLS]" => "[BOS]", "[SEP]" => "[EOS]", "[PAD]" => "<pad>", "[UNK]" => "<unk>", _ => t }));
        var json = TokenizerJsonFixture.Create(renamed, templateProcessing: templateProcessing);
        if (templateProcessing)
        {
            json["post_processor"]!["single"]![0]!["SpecialToken"]!["id"] = "[BOS]";
            json["post_processor"]!["single"]![2]!["SpecialToken"]!["id"] = "[EOS]";
        }
        else
        {
            json["post_processor"]!["cls"] = new JsonArray("[BOS]", 2);
            json["post_processor"]!["sep"] = new JsonArray("[EOS]", 3);
        }

        json["padding"] = new JsonObject { ["pad_token"] = "<pad>", ["pad_id"] = 0 };
        json["model"]!["unk_token"] = "<unk>";

        var tokenizer = Read(json);

        Assert.That((tokenizer.ClsId, tokenizer.SepId, tokenizer.PadId, tokenizer.UnknownId), Is.EqualTo((2, 3, 0, 1)));
    }

    [Test]
    public void OptionalPartsThatAreAbsentOrOfAnotherTypeAreIgnored()
    {
        var noPrefix = TokenizerJsonFixture.Create(Cased);
        noPrefix["model"]!.AsObject().Remove("continuing_subword_prefix");
        var textLimit = TokenizerJsonFixture.Create(Cased);
        textLimit["model"]!["max_input_chars_per_word"] = "7";
        var nullAdded = TokenizerJsonFixture.Create(Cased);
        nullAdded["added_tokens"] = null;
        var noSingle = TokenizerJsonFixture.Create(Cased);
        noSingle["post_processor"]!["single"] = "[CLS] $A [SEP]"; // not the array of pieces the schema has
        var numericType = TokenizerJsonFixture.Create(Cased);
        numericType["pre_tokenizer"]!["type"] = 5;

        Assert.Multiple(() =>
        {
            Assert.That(Read(noPrefix).Tokenize("unaffable"), Is.EqualTo(new[] { "un", "##aff", "##able" }), "'##' by default");
            Assert.That(TokenizerJsonFile.Read(Write(textLimit)).Options.MaxInputCharsPerWord, Is.EqualTo(new WordPieceTokenizerOptions().MaxInputCharsPerWord));
            Assert.That(Read(nullAdded).Vocabulary.Count, Is.EqualTo(Cased.Count));
            Assert.That(Read(noSingle).ClsId, Is.EqualTo(2), "BERT's [CLS] when the template has no single-sequence form it can read");
            Assert.That(() => Read(numericType), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("has the pre-tokenizer (untyped);"));
        });
    }

    [Test]
    public void IdsMustRunFromZeroWithoutAGapEvenWhenTheLastIdIsTheCount()
    {
        var json = TokenizerJsonFixture.Create(Cased);
        json["model"]!["vocab"]!["Hello"] = Cased.Count; // ids 0..Count, 5 missing: as many entries as ids to Count - 1

        Assert.That(() => Read(json), Throws.InstanceOf<InvalidDataException>()
            .With.Message.Contains($"the ids do not run from 0 to {Cased.Count - 1} (id {Cased.Count} for 'Hello')"));
    }

    [Test]
    public void SpecialTokensMissingFromTheVocabularyNameTheFile()
    {
        var json = TokenizerJsonFixture.Create(Cased);
        json["model"]!["unk_token"] = "<unk>";

        Assert.That(() => Read(json), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("Tokenizer file '").And.Message.Contains("'<unk>' is not in the vocabulary"));
    }

    [Test]
    public void BertProcessingWithoutItsPairsFallsBackToBertsTokensAndAnAbsentMaskStaysUnset()
    {
        var json = TokenizerJsonFixture.Create(Cased, templateProcessing: false);
        json["post_processor"]!["cls"] = new JsonArray();
        json["post_processor"]!["sep"] = "[SEP]";
        var tokenizer = WordPieceTokenizer.LoadTokenizerJson(Write(json));

        Assert.That(tokenizer.ClsId, Is.EqualTo(Cased.TryGetId("[CLS]", out var cls) ? cls : -1));
        Assert.That(tokenizer.SepId, Is.EqualTo(Cased.TryGetId("[SEP]", out var sep) ? sep : -1));

        var withoutMask = Vocabulary.FromTokens(Cased.Tokens.Select(t => t == "[MASK]" ? "[MASKED]" : t));
        var options = TokenizerJsonFileOptions(withoutMask);
        Assert.That(options.MaskToken, Is.Null, "a vocabulary without [MASK] has no mask token");
        Assert.That(TokenizerJsonFileOptions(Cased).MaskToken, Is.EqualTo("[MASK]"));
    }

    [Test]
    public void AModelFolderWithOnlyTokenizerJsonEncodesAsWithVocabTxt()
    {
        var withVocab = Path.Combine(_folder, "vocab-txt");
        var withJson = Path.Combine(_folder, "tokenizer-json");
        TinyBertModels.WriteModelFolder(withVocab, TinyModelKind.MlmLogits);
        TinyBertModels.WriteModelFolder(withJson, TinyModelKind.MlmLogits);
        var vocabulary = Vocabulary.Load(Path.Combine(withJson, "vocab.txt"));
        File.Delete(Path.Combine(withJson, "vocab.txt"));
        TokenizerJsonFixture.Write(Path.Combine(withJson, "tokenizer.json"), TokenizerJsonFixture.Create(vocabulary));

        using var expected = SpladeEncoder.Load(withVocab);
        using var actual = SpladeEncoder.Load(withJson);

        Assert.That(actual.Files.TokenizerPath, Does.EndWith("tokenizer.json"));
        const string text = "the big red dog swims in the river";
        Assert.That(actual.EncodeDocument(text), Is.EqualTo(expected.EncodeDocument(text)));
        Assert.That(actual.Tokenizer.Encode(text, 64), Is.EqualTo(expected.Tokenizer.Encode(text, 64)));
    }

    [Test]
    public void SpladeConfigOverridesTheTokenizerJsonSettings()
    {
        TinyBertModels.WriteModelFolder(_folder, TinyModelKind.MlmLogits);
        var vocabulary = Vocabulary.Load(Path.Combine(_folder, "vocab.txt"));
        TokenizerJsonFixture.Write(Path.Combine(_folder, "tokenizer.json"), TokenizerJsonFixture.Create(vocabulary, lowerCase: true));
        new SpladeModelConfig { LowerCase = false }.Save(Path.Combine(_folder, SpladeModelConfig.FileName));

        var files = SpladeModelFolder.Resolve(_folder);
        var tokenizer = files.LoadTokenizer(files.LoadConfig());

        Assert.That(files.TokenizerPath, Does.EndWith("tokenizer.json"), "tokenizer.json wins over vocab.txt: it carries the settings");
        Assert.That(tokenizer.Options.LowerCase, Is.False);
        Assert.That(tokenizer.Options.EffectiveStripAccents, Is.False, "an explicit lowercase brings Hugging Face's default for accents with it");
    }
}
