using Lucene.Splade.Encoders;
using Lucene.Splade.Sample.Indexing;
using Lucene.Splade.Sample.Models;
using Spectre.Console;

namespace Lucene.Splade.Sample.Commands;

internal static class IndexModel
{
    /// <summary>
    /// Loads the model for querying an index: --model when given, otherwise the one the index records. A query must
    /// be encoded by the model that encoded the documents, so a different --model gets a warning.
    /// </summary>
    public static SpladeEncoder Load(IAnsiConsole console, QuerySettings settings) => console.LoadModel(Resolve(console, settings));

    /// <summary>
    /// The query encoder for an index: the model (see <see cref="Load"/>) or, for
    /// <see cref="QueryEncoders.InferenceFree"/>, the inference-free weights of the same model folder. Dispose the
    /// result when it is <see cref="IDisposable"/>.
    /// </summary>
    public static IQueryEncoder LoadQueryEncoder(IAnsiConsole console, QuerySettings settings, string queryEncoder)
    {
        var encoderSettings = Resolve(console, settings);
        return queryEncoder == QueryEncoders.InferenceFree ? console.LoadInferenceFree(encoderSettings) : console.LoadModel(encoderSettings);
    }

    /// <summary>The vocabulary of the index's model (see <see cref="Load"/>), without loading the ONNX model.</summary>
    public static Tokenization.Vocabulary LoadVocabulary(IAnsiConsole console, QuerySettings settings) => ModelLoader.LoadVocabulary(Resolve(console, settings));

    private static EncoderSettings Resolve(IAnsiConsole console, QuerySettings settings)
    {
        IndexMetadata? metadata;
        using (var reader = IndexLayout.OpenReader(settings.Index))
        {
            metadata = IndexMetadata.FromUserData(reader.IndexCommit.UserData);
        }

        var encoderSettings = settings.Encoder(metadata?.Model);
        if (metadata is not null && ModelLoader.ModelName(encoderSettings) != metadata.Model)
        {
            console.Warn($"the index was built with {metadata.Model}, but queries will be encoded with {ModelLoader.ModelName(encoderSettings)}.");
        }

        return encoderSettings;
    }
}
