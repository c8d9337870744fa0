namespace Lucene.Splade.Sample.Models;

/// <summary>The values of <c>--query-encoder</c>: how a query becomes a sparse vector.</summary>
internal static class QueryEncoders
{
    /// <summary>The SPLADE model encodes the query, as it encodes documents.</summary>
    public const string Model = "model";

    /// <summary>The model folder's inference-free query weights: one weight per word piece, no model run.</summary>
    public const string InferenceFree = "inference-free";

    /// <summary>The option's help text (Spectre markup: no brackets).</summary>
    public const string Description =
        "How the query is encoded: model (by the SPLADE model) or inference-free (the model folder's query_weights.safetensors: the learned weight of each word piece of the query, no model run).";

    /// <summary>Whether <paramref name="name"/> is one of the values.</summary>
    public static bool IsValid(string name) => name is Model or InferenceFree;

    /// <summary>The validation error for an unknown value.</summary>
    public static string Invalid(string name) => $"--query-encoder must be {Model} or {InferenceFree}, not '{name}'.";
}
