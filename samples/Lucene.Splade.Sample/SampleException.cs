namespace Lucene.Splade.Sample;

/// <summary>
/// A problem the user can fix (a missing path, a bad option, a model that does not load). The console prints its
/// message as one line and exits with <see cref="ExitCodes.Error"/>; no stack trace.
/// </summary>
internal sealed class SampleException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The process exit codes of the console.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;

    /// <summary>The command finished, but some input (a bad JSON line, an unreadable file) was skipped.</summary>
    public const int SkippedInput = 2;

    /// <summary>Interrupted with Ctrl+C; what was done is committed. The shell convention for SIGINT.</summary>
    public const int Interrupted = 130;
}
