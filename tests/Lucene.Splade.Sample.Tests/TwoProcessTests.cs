using System.Diagnostics;
using System.Text;

namespace Lucene.Splade.Sample.Tests;

/// <summary>
/// Two real <c>splade-sample index</c> processes on one index folder: the second is refused with one clear line and
/// nothing the first writes is lost; a writer killed with SIGKILL leaves no lock behind.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TwoProcessTests
{
    private static string Corpus => Path.Combine(AppContext.BaseDirectory, "Data", "corpus.jsonl");

    [Test]
    public void A_second_writer_process_is_refused_and_nothing_is_lost()
    {
        var index = Path.Combine(SampleTestContext.NewFolder("two-writers"), "index");
        using var first = Console("index", Corpus, "--index", index, "--threads", "1", "--batch-size", "2");
        first.WaitForOutput("Indexing:");

        using var second = Console("index", Corpus, "--index", index);
        second.Process.WaitForExit(60_000);
        first.Process.WaitForExit(120_000);

        var errors = second.Output.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(second.Process.ExitCode, Is.EqualTo(ExitCodes.Error), second.Output);
            Assert.That(errors, Has.Length.EqualTo(1), second.Output);
            Assert.That(errors.FirstOrDefault(), Does.Contain("locked by another process"));
            Assert.That(second.Output, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(first.Process.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Output);
            Assert.That(IndexProbe.Read(index).Ids, Has.Length.EqualTo(File.ReadLines(Corpus).Count(l => l.Trim().Length > 0)), "every document of the first writer is in the index");
        });
    }

    [Test]
    public void A_writer_killed_with_sigkill_leaves_no_lock_and_the_next_run_resumes()
    {
        var index = Path.Combine(SampleTestContext.NewFolder("killed-writer"), "index");
        using (var killed = Console("index", Corpus, "--index", index, "--threads", "1", "--batch-size", "2", "--commit-every", "10"))
        {
            killed.WaitForOutput("Indexing:");
            killed.Process.Kill(entireProcessTree: true);
            killed.Process.WaitForExit();
        }

        Assert.That(File.Exists(Path.Combine(index, "write.lock")), Is.True, "the lock file stays, but no process holds it");
        using var resumed = Console("index", Corpus, "--index", index);
        resumed.Process.WaitForExit(120_000);

        Assert.That(resumed.Process.ExitCode, Is.EqualTo(ExitCodes.Ok), resumed.Output);
        Assert.That(IndexProbe.Read(index).Ids, Has.Length.EqualTo(File.ReadLines(Corpus).Count(l => l.Trim().Length > 0)));
    }

    /// <summary>Starts <c>splade-sample</c> (the build beside the tests) as a separate process and collects its output.</summary>
    private static RunningConsole Console(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "splade-sample.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        return new RunningConsole(Process.Start(start)!);
    }

    private sealed class RunningConsole : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly object _gate = new();

        public RunningConsole(Process process)
        {
            Process = process;
            Process.OutputDataReceived += (_, e) => Append(e.Data);
            Process.ErrorDataReceived += (_, e) => Append(e.Data);
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _output.ToString();
                }
            }
        }

        public void WaitForOutput(string text)
        {
            var clock = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (Process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    Assert.Fail($"'{text}' never appeared:\n{Output}");
                }

                Thread.Sleep(50);
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_gate)
                {
                    _output.Append(line).Append('\n');
                }
            }
        }
    }
}
