using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Lucene.Splade.Tests.Support;
using Lucene.Splade.Tokenization;

namespace Lucene.Splade.Tests.Tokenization;

/// <summary>
/// Compares <see cref="WordPieceTokenizer"/> with FastBertTokenizer (which reproduces Hugging Face's
/// <c>BertTokenizerFast</c>) on real paragraphs, at a full (512) and a short (16) maximum length: built from
/// <c>vocab.txt</c>, and loaded from a <c>tokenizer.json</c> (uncased and cased) that the oracle loads too.
/// </summary>
[TestFixture(TokenizerSource.VocabTxt)]
[TestFixture(TokenizerSource.TokenizerJsonUncased)]
[TestFixture(TokenizerSource.TokenizerJsonCased)]
public sealed class TokenizerParityTests(TokenizerSource source)
{
    private static readonly int[] MaxLengths = [512, 16];

    /// <summary>
    /// Special token strings in the text: Hugging Face encodes them as the special ids (they are added tokens), while
    /// FastBertTokenizer 1.2.6 splits them like ordinary text (<c>[MASK]</c> → <c>[ mask ]</c>) or maps them to
    /// <c>[UNK]</c> (<c>[SEP]</c>). Texts containing one are skipped here and covered by hand-written expectations.
    /// </summary>
    /// <remarks>
    /// Cased: FastBertTokenizer 1.2.6 decomposes text (NFD) even when the tokenizer.json does not strip accents, while
    /// Hugging Face's cased BertNormalizer leaves it composed ("한국어" stays three syllables, which the uncased MiniLM
    /// vocabulary cannot spell); texts that decomposition changes are skipped in the cased fixture.
    /// </remarks>
    private static readonly string[] OracleBlindSpots = ["[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"];

    private WordPieceTokenizer _tokenizer = null!;
    private FastBertTokenizer.BertTokenizer _oracle = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        if (source == TokenizerSource.VocabTxt)
        {
            _tokenizer = WordPieceTokenizer.Create(TokenizerFixtures.MiniLmVocabulary);
            _oracle = TokenizerFixtures.CreateUncasedOracle();
            return;
        }

        var json = TokenizerJsonFixture.Create(TokenizerFixtures.MiniLmVocabulary, lowerCase: source == TokenizerSource.TokenizerJsonUncased);
        var path = Path.Combine(Path.GetTempPath(), $"tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            TokenizerJsonFixture.Write(path, json);
            _tokenizer = WordPieceTokenizer.LoadTokenizerJson(path);
            _oracle = new FastBertTokenizer.BertTokenizer();
            using var stream = File.OpenRead(path);
            _oracle.LoadTokenizerJson(stream);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void SdkXmlDocumentationParagraphsMatchTheOracle()
    {
        var paragraphs = SdkDocumentationParagraphs(500);
        Assert.That(paragraphs, Has.Count.GreaterThanOrEqualTo(300), "too few paragraphs found in the SDK reference pack");
        AssertParity(paragraphs, "SDK XML documentation");
    }

    [TestCase("scifact")]
    [TestCase("nfcorpus")]
    public void DatasetDocumentsMatchTheOracle(string dataset)
    {
        var folder = TestPaths.RequireDataset(dataset);
        var documents = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(folder, "corpus.jsonl")).Take(300))
        {
            using var json = JsonDocument.Parse(line);
            var title = json.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            var text = json.RootElement.TryGetProperty("text", out var x) ? x.GetString() : null;
            documents.Add($"{title} {text}");
        }

        AssertParity(documents, dataset);
    }

    [Test]
    public void TrickyStringsMatchTheOracle()
    {
        var inputs = TrickyStrings.All;
        AssertParity(inputs, "tricky strings");
    }

    [Test]
    public void CharacterClassBoundariesMatchTheOracle()
    {
        // The first and last code point of every range BERT treats specially (ASCII punctuation, CJK ideographs in
        // the BMP), and their neighbours outside, each between two letters: split off or kept in the word as the
        // oracle does. The oracle reads UTF-16 units, so the supplementary-plane ranges are checked in
        // WordPieceTokenizerTests against Hugging Face's expectations instead.
        int[] edges = [33, 47, 58, 64, 91, 96, 123, 126, 0x4E00, 0x9FFF, 0x3400, 0x4DBF];
        var inputs = edges.SelectMany(e => new[] { e - 1, e, e + 1 }).Distinct()
            .Select(cp => "ab" + char.ConvertFromUtf32(cp) + "cd " + char.ConvertFromUtf32(cp) + " x_y-z")
            .ToArray();
        AssertParity(inputs, "character class boundaries");
    }

    private void AssertParity(IReadOnlyList<string> texts, string corpus)
    {
        var compared = 0;
        var skipped = 0;
        var mismatches = new List<string>();
        foreach (var text in texts)
        {
            if (OracleBlindSpots.Any(s => text.Contains(s, StringComparison.Ordinal))
                || (source == TokenizerSource.TokenizerJsonCased && !text.IsNormalized(NormalizationForm.FormD)))
            {
                skipped++;
                continue;
            }

            compared++;
            foreach (var maxLength in MaxLengths)
            {
                var expected = TokenizerFixtures.OracleEncode(_oracle, text, maxLength);
                var actual = _tokenizer.Encode(text, maxLength);
                if (!expected.SequenceEqual(actual))
                {
                    mismatches.Add(Describe(text, maxLength, expected, actual));
                }
            }
        }

        TestContext.Out.WriteLine($"{corpus}: {compared} texts compared at max lengths {string.Join(", ", MaxLengths)}; {compared * MaxLengths.Length - mismatches.Count} of {compared * MaxLengths.Length} encodings identical; {skipped} skipped (special-token strings, or decomposable text in the cased fixture).");
        Assert.That(mismatches, Is.Empty, $"{mismatches.Count} encodings differ from the oracle:\n" + string.Join("\n", mismatches.Take(10)));
    }

    private string Describe(string text, int maxLength, int[] expected, int[] actual)
    {
        var first = 0;
        while (first < Math.Min(expected.Length, actual.Length) && expected[first] == actual[first])
        {
            first++;
        }

        string Window(int[] ids) => string.Join(" ", ids.Skip(Math.Max(0, first - 3)).Take(8).Select(id => _tokenizer.Vocabulary[id]));
        var snippet = text.Length > 200 ? text[..200] + "…" : text;
        return $"max {maxLength}, first difference at {first}: oracle [{Window(expected)}] vs ours [{Window(actual)}] in \"{Escape(snippet)}\"";
    }

    private static string Escape(string s)
    {
        var builder = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            builder.Append(c is < ' ' or (> '~' and < '\u00A0') || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }

    /// <summary>
    /// Up to <paramref name="count"/> &lt;summary&gt;/&lt;remarks&gt; paragraphs of the reference pack's XML
    /// documentation, inner markup included (it is full of <c>&lt; &gt; = "</c> and line breaks with indentation).
    /// </summary>
    private static List<string> SdkDocumentationParagraphs(int count)
    {
        var folder = FindReferencePackDocumentation();
        var candidates = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal))
        {
            XDocument document;
            try
            {
                document = XDocument.Load(file, LoadOptions.PreserveWhitespace);
            }
            catch (System.Xml.XmlException)
            {
                continue; // Not every .xml in a pack need be documentation; a malformed one is not our concern.
            }

            foreach (var element in document.Descendants().Where(e => e.Name.LocalName is "summary" or "remarks"))
            {
                var paragraph = string.Concat(element.Nodes().Select(n => n.ToString())).Trim();
                if (paragraph.Length >= 40)
                {
                    candidates.Add(paragraph);
                }
            }
        }

        var distinct = candidates.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count <= count)
        {
            return distinct;
        }

        // An even spread over all files rather than the first few, so that many namespaces' styles are covered.
        var step = (double)distinct.Count / count;
        return Enumerable.Range(0, count).Select(i => distinct[(int)(i * step)]).ToList();
    }

    private static string FindReferencePackDocumentation()
    {
        // A shared runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/; a self-contained test run
        // (the .NET 8 run in CI) has its runtime beside the tests, so the SDK's root is found from $DOTNET_ROOT or PATH.
        var runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var roots = new List<string>();
        if (runtimeFolder is not null)
        {
            roots.Add(Path.GetFullPath(Path.Combine(runtimeFolder, "..", "..", "..")));
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
        {
            roots.Add(dotnetRoot);
        }

        foreach (var pathEntry in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var host = new FileInfo(Path.Combine(pathEntry, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
            if (host.Exists)
            {
                roots.Add(Path.GetDirectoryName((host.ResolveLinkTarget(returnFinalTarget: true) ?? host).FullName)!);
            }
        }

        var packs = roots.Select(r => Path.Combine(r, "packs", "Microsoft.NETCore.App.Ref")).FirstOrDefault(Directory.Exists);
        if (packs is null)
        {
            Assert.Ignore($"No .NET reference pack found ({RuntimeInformation.FrameworkDescription} at '{runtimeFolder}'; looked under {string.Join(", ", roots.Distinct())}); the SDK's XML documentation is the parity corpus, so this test needs an SDK install.");
        }

        var folder = Directory.GetDirectories(packs!)
            .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version(0, 0))
            .SelectMany(d => Directory.Exists(Path.Combine(d, "ref")) ? Directory.GetDirectories(Path.Combine(d, "ref")) : [])
            .FirstOrDefault(d => Directory.GetFiles(d, "*.xml").Length > 0);
        if (folder is null)
        {
            Assert.Ignore($"The reference packs under '{packs}' have no XML documentation files (some SDK distributions omit them).");
        }

        return folder!;
    }
}

/// <summary>Where the tokenizer under test and its oracle get their vocabulary and settings.</summary>
public enum TokenizerSource
{
    /// <summary>The MiniLM vocab.txt, uncased defaults.</summary>
    VocabTxt,

    /// <summary>A tokenizer.json with the MiniLM vocabulary and bert-base-uncased's normalizer.</summary>
    TokenizerJsonUncased,

    /// <summary>The same with lowercase false (and so no accent stripping), as in a cased BERT's file.</summary>
    TokenizerJsonCased,
}
