using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Splade.Encoders;

namespace Lucene.Splade.Analysis;

/// <summary>
/// Analyzer for SPLADE fields: <c>KeywordTokenizer</c> (the whole text as one token) into
/// <see cref="SpladeTokenFilter"/>. Use it for the SPLADE fields only, e.g. through a <c>PerFieldAnalyzerWrapper</c>.
/// </summary>
/// <remarks>
/// One instance serves every thread: Lucene's default reuse strategy keeps one token stream chain per thread, and
/// the encoder and options are thread-safe. A chain must be consumed in the <see cref="TokenStream"/> workflow;
/// calling <c>IncrementToken</c> without <c>Reset</c> throws <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed class SpladeAnalyzer : Analyzer
{
    private readonly IDocumentEncoder _encoder;

    /// <summary>Creates the analyzer.</summary>
    /// <param name="encoder">The document encoder (the model); thread-safe.</param>
    /// <param name="options">Pruning and quantization; <see cref="SpladeIndexingOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    public SpladeAnalyzer(IDocumentEncoder encoder, SpladeIndexingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        Options = options ?? SpladeIndexingOptions.Default;
    }

    /// <summary>The pruning and quantization documents are indexed with.</summary>
    public SpladeIndexingOptions Options { get; }

    /// <inheritdoc />
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new KeywordTokenizer(reader);
        return new TokenStreamComponents(tokenizer, new SpladeTokenFilter(tokenizer, _encoder, Options));
    }
}
