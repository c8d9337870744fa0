using System.Text.Json;
using Lucene.Splade.Corpora;
using Lucene.Splade.Embedded;
using Lucene.Splade.Eval.Tests.Support;
using Lucene.Splade.Modeling;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Eval.Tests.Training;

/// <summary>
/// The training tool's Python tokenizer gives the C# library's ids: the model is trained on one and runs on the other.
/// Compared over the sample corpus and queries, the shared collections' abstracts when present, and edge cases, at a
/// long and a short maximum length (truncation inside words). Skipped with a reason where Python lacks torch.
/// </summary>
[TestFixture]
public sealed class TokenizerParityWithPythonTests
{
    /// <summary>Cases where a tokenizer might go its own way; each says what it probes.</summary>
    private static readonly string[] EdgeCases =
    [
        "[MASK] in text", "a [MASK] b", "foo[MASK]bar", "[mask] is not special", "[CLS][SEP] [PAD] [UNK]", "[MASK",
        "ΟΔΟΣ ΣΑΣ Σ ΣΣ", "ὈΔΥΣΣΕΎΣ", "İstanbul DİYARBAKIR", "Straße STRASSE ß", "ﬁnance ligature",
        "café naïve résumé Ångström", "e\u0301 decomposed accent", "\u00c5\u030a",
        "line\u2028separator\u2029paragraph", "no\u00a0break\u3000ideographic space", "tab\tnew\nline\rreturn",
        "zero\u200bwidth\u200djoiner\ufeffbom", "control\u0001\u0085\u009fchars", "replacement \ufffd char",
        "\U0001F600\U0001F602 emoji \U0001F9EA", "中文字符 and 日本語のテキスト 한국어", "𠀀 ext-B ideograph",
        new string('a', 100), new string('a', 101), "x" + new string('é', 99), string.Concat(Enumerable.Repeat("0123456789", 12)),
        "punctuation!?.,;:'\"()[]{}<>$+=^`|~@#%&*-_/\\", "¿¡«»—–…•§¶†‡", "don't can't won't", "U.S.A. e.g. i.e.",
        "3.14159 1,000,000 -42 +7 1e-9", "http://example.com/path?q=1&r=2", "user@example.com", "C++ C# F# .NET",
        "", "   ", "\u0000", "a", "ALL CAPS TITLE", "MiXeD CaSe WoRdS", "déjà-vu", "co-operate", "naïve—really",
        "ʻokina ʼapostrophe", "Ω Å K (Ohm, Angstrom, Kelvin signs)", "ǅ titlecase", "ﬀ ﬂ ﬃ", "①②③ ⅰⅱⅲ", "x² H₂O",
        "\u0130\u0131", "Ⅻ Roman", "מילים בעברית", "كلمات عربية", "ภาษาไทย", "देवनागरी",
    ];

    [Test]
    public void Python_and_CSharp_give_the_same_ids()
    {
        PythonTool.RequireInterpreter();
        var folder = EmbeddedSpladeModel.FolderPath;
        var files = SpladeModelFolder.Resolve(folder);
        var tokenizer = files.LoadTokenizer(files.LoadConfig());
        var texts = Texts().ToList();
        Assert.That(texts, Has.Count.GreaterThanOrEqualTo(300), "a few hundred real paragraphs and the edge cases");

        foreach (var maxLength in new[] { 512, 16 })
        {
            var input = string.Concat(texts.Select(t => JsonSerializer.Serialize(new { text = t }) + "\n"));
            var (code, output, error) = PythonTool.RunWithInput(input, "-m", "splade_train", "tokenize", "--vocab", files.TokenizerPath, "--max-length", maxLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(code, Is.Zero, error);
            var python = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<int[]>(l)!).ToList();
            Assert.That(python, Has.Count.EqualTo(texts.Count), error);

            var mismatches = new List<string>();
            for (var i = 0; i < texts.Count; i++)
            {
                var csharp = tokenizer.Encode(texts[i], maxLength);
                if (!csharp.SequenceEqual(python[i]))
                {
                    mismatches.Add($"{JsonSerializer.Serialize(texts[i][..Math.Min(80, texts[i].Length)])}: C# [{Pieces(tokenizer, csharp)}] Python [{Pieces(tokenizer, python[i])}]");
                }
            }

            TestContext.Out.WriteLine($"max length {maxLength}: {texts.Count - mismatches.Count} of {texts.Count} texts give identical ids.");
            Assert.That(mismatches, Is.Empty, $"max length {maxLength}:\n" + string.Join("\n", mismatches.Take(10)));
        }
    }

    private static string Pieces(WordPieceTokenizer tokenizer, int[] ids) => string.Join(" ", ids.Select(id => tokenizer.Vocabulary[id]));

    private static IEnumerable<string> Texts()
    {
        var data = Path.Combine(PythonTool.ToolFolder(), "..", "..", "samples", "Lucene.Splade.Sample", "Data");
        foreach (var document in BeirCollection.ReadCorpus(data))
        {
            yield return document.Contents;
        }

        foreach (var query in BeirCollection.ReadQueries(data))
        {
            yield return query.Text;
        }

        if (TestData.SharedDatasets() is { } shared)
        {
            foreach (var name in new[] { "scifact", "nfcorpus" })
            {
                var corpus = Path.Combine(shared, name, "corpus.jsonl");
                if (File.Exists(corpus))
                {
                    foreach (var document in BeirCollection.ReadCorpus(Path.Combine(shared, name)).Take(150))
                    {
                        yield return document.Contents;
                    }
                }
            }
        }

        foreach (var text in EdgeCases)
        {
            yield return text;
        }
    }
}
