using System.Diagnostics;

namespace Lucene.Splade.Eval.Experiments;

/// <summary>The commit of the working tree, for the record.</summary>
internal static class GitInfo
{
    /// <summary><c>git rev-parse HEAD</c> in the current folder (with "+dirty" when the tree has changes, untracked files included), or null.</summary>
    public static string? Commit()
    {
        var head = Git("rev-parse HEAD");
        if (head is null)
        {
            return null;
        }

        var status = Git("status --porcelain"); // untracked files count: uncommitted harness code changes results too
        return string.IsNullOrWhiteSpace(status) ? head : head + "+dirty";
    }

    private static string? Git(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(10_000) && process.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
