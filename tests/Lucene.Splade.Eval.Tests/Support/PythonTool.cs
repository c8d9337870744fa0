using System.Diagnostics;

namespace Lucene.Splade.Eval.Tests.Support;

/// <summary>Runs the Python training tool (eval/Lucene.Splade.Training) for the tests that check it.</summary>
internal static class PythonTool
{
    /// <summary>Environment variable naming the Python interpreter that has torch and onnx.</summary>
    public const string PythonEnvironmentVariable = "LUCENE_SPLADE_PYTHON";

    private static readonly Lazy<(string? Python, string Reason)> Interpreter = new(FindInterpreter);

    /// <summary>The training tool's folder (holding <c>splade_train/</c> and <c>tests/</c>).</summary>
    public static string ToolFolder() => Path.Combine(TestData.RepositoryRoot(), "eval", "Lucene.Splade.Training");

    /// <summary>Skips the calling test, with the reason, when no interpreter has torch and onnx.</summary>
    public static string RequireInterpreter()
    {
        var (python, reason) = Interpreter.Value;
        if (python is null)
        {
            Assert.Ignore(reason);
        }

        return python!;
    }

    /// <summary>Runs <c>python -m ...</c> in the tool folder; returns (exit code, stdout, stderr).</summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] arguments) => RunWithInput(null, arguments);

    /// <summary>Runs <c>python ...</c> in the tool folder with <paramref name="input"/> (UTF-8) on its standard input.</summary>
    public static (int ExitCode, string Output, string Error) RunWithInput(string? input, params string[] arguments)
    {
        var python = RequireInterpreter();
        var info = new ProcessStartInfo(python)
        {
            WorkingDirectory = ToolFolder(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            StandardInputEncoding = input is not null ? new System.Text.UTF8Encoding(false) : null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {python}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{python} {string.Join(' ', arguments)} did not finish in 5 minutes");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static (string?, string) FindInterpreter()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(PythonEnvironmentVariable) is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        // Debian's python3-torch and python3-onnx are visible to the system interpreter only, not to a pyenv python3.
        candidates.AddRange(["/usr/bin/python3", "python3"]);
        foreach (var candidate in candidates)
        {
            try
            {
                var info = new ProcessStartInfo(candidate, ["-c", "import torch, onnx"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                using var process = Process.Start(info);
                if (process is null)
                {
                    continue;
                }

                process.StandardOutput.ReadToEnd();
                process.StandardError.ReadToEnd();
                if (process.WaitForExit(TimeSpan.FromSeconds(60)) && process.ExitCode == 0)
                {
                    return (candidate, "");
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name; try the next.
            }
        }

        return (null, "The training tool's tests need a python3 with torch and onnx (Debian: apt-get install python3-torch "
            + $"python3-onnx; .ci/run installs them), or ${PythonEnvironmentVariable} naming one. Tried: {string.Join(", ", candidates)}.");
    }
}
