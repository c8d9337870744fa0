using Lucene.Splade.Vectors;

namespace Lucene.Splade.Corpora;

/// <summary>
/// The command-line names the two consoles give <see cref="PruningOptions"/> (<c>--doc-top-k</c>,
/// <c>--query-mass</c>, ...), so an out-of-range value is reported by its option, not by the library's property.
/// </summary>
public static class PruningOptionNames
{
    /// <summary>Creates pruning options, or says which option is out of range.</summary>
    /// <param name="create">Creates the options from the command line's values.</param>
    /// <param name="side"><c>doc</c> or <c>query</c>: the prefix of the options' names.</param>
    /// <param name="error">The message naming the option, when a value is out of range.</param>
    /// <returns>True when the values are in range.</returns>
    public static bool TryCreate(Func<PruningOptions> create, string side, out string? error)
    {
        try
        {
            _ = create();
            error = null;
            return true;
        }
        catch (ArgumentOutOfRangeException e)
        {
            error = e.ParamName switch
            {
                nameof(PruningOptions.TopK) => $"--{side}-top-k must be at least 1.",
                nameof(PruningOptions.MinWeight) => $"--{side}-min-weight must be a number of at least 0.",
                nameof(PruningOptions.MassFraction) => $"--{side}-mass must be more than 0 and at most 1.",
                nameof(PruningOptions.MinRatioToMax) => $"--{side}-min-ratio must be between 0 and 1.",
                _ => e.Message.Split(" (Parameter")[0],
            };
            return false;
        }
    }
}
