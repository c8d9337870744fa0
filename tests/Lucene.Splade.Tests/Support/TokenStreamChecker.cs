using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Lucene.Splade.Tests.Support;

/// <summary>One token as a consumer sees it.</summary>
internal sealed record TokenRecord(string Term, int PositionIncrement, int StartOffset, int EndOffset);

/// <summary>What a stream produced: its tokens and the final offset <c>End()</c> reported.</summary>
internal sealed record StreamOutput(IReadOnlyList<TokenRecord> Tokens, int FinalOffset);

/// <summary>
/// Consumes a <see cref="TokenStream"/> in the documented workflow (Reset, IncrementToken until false, End, Dispose)
/// and asserts the contract on the way, in the spirit of Lucene's BaseTokenStreamTestCase (not available for
/// Lucene.NET here): attributes are cleared before each token, the first position increment is at least 1, offsets
/// never go backwards, and End() runs the base End (which clears attributes and zeroes the position increment) and
/// sets a final offset at or after the last token's end.
/// No Assert.Multiple: the checker also runs on worker threads, where NUnit's assertion scopes cannot be used.
/// </summary>
internal static class TokenStreamChecker
{
    private const int DirtyFlags = 0x5A5A;
    private const string DirtyType = "dirty-from-previous-token";

    public static StreamOutput Consume(TokenStream stream, bool dispose = true)
    {
        var term = stream.AddAttribute<ICharTermAttribute>();
        var positionIncrement = stream.AddAttribute<IPositionIncrementAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();

        // Attributes the streams under test never set: any value left here must be wiped by ClearAttributes().
        var flags = stream.AddAttribute<IFlagsAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        var payload = stream.AddAttribute<IPayloadAttribute>();

        var tokens = new List<TokenRecord>();
        try
        {
            stream.Reset();
            var lastStart = 0;
            var lastEnd = 0;
            while (true)
            {
                Dirty(flags, type, payload);
                if (!stream.IncrementToken())
                {
                    break;
                }

                AssertClean(flags, type, payload, $"token {tokens.Count}");
                var record = new TokenRecord(term.ToString(), positionIncrement.PositionIncrement, offset.StartOffset, offset.EndOffset);
                Assert.That(record.PositionIncrement, tokens.Count == 0 ? Is.GreaterThanOrEqualTo(1) : Is.GreaterThanOrEqualTo(0), $"position increment of token {tokens.Count}");
                Assert.That(record.StartOffset, Is.GreaterThanOrEqualTo(lastStart), $"start offset of token {tokens.Count} went backwards");
                Assert.That(record.EndOffset, Is.GreaterThanOrEqualTo(record.StartOffset), $"end offset of token {tokens.Count}");
                lastStart = record.StartOffset;
                lastEnd = Math.Max(lastEnd, record.EndOffset);
                tokens.Add(record);
            }

            Dirty(flags, type, payload);
            positionIncrement.PositionIncrement = 7;
            stream.End();
            AssertClean(flags, type, payload, "End()");
            Assert.That(positionIncrement.PositionIncrement, Is.Zero, "End() must call base.End(), which zeroes the position increment");
            Assert.That(offset.StartOffset, Is.EqualTo(offset.EndOffset), "End() sets start and end to the final offset");
            Assert.That(offset.EndOffset, Is.GreaterThanOrEqualTo(lastEnd), "final offset before the last token's end");
            return new StreamOutput(tokens, offset.EndOffset);
        }
        finally
        {
            if (dispose)
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>Consumes an analyzer's stream for <paramref name="text"/>.</summary>
    public static StreamOutput Analyze(Analyzer analyzer, string text, string field = "splade") =>
        Consume(analyzer.GetTokenStream(field, text));

    private static void Dirty(IFlagsAttribute flags, ITypeAttribute type, IPayloadAttribute payload)
    {
        flags.Flags = DirtyFlags;
        type.Type = DirtyType;
        payload.Payload = new BytesRef(new byte[] { 1, 2, 3 });
    }

    private static void AssertClean(IFlagsAttribute flags, ITypeAttribute type, IPayloadAttribute payload, string where)
    {
        Assert.That(flags.Flags, Is.Zero, $"flags leaked into {where}: ClearAttributes() not called");
        Assert.That(type.Type, Is.EqualTo(TypeAttribute.DEFAULT_TYPE), $"type leaked into {where}: ClearAttributes() not called");
        Assert.That(payload.Payload, Is.Null, $"payload leaked into {where}: ClearAttributes() not called");
    }
}
