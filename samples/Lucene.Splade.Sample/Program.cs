using Lucene.Splade.Sample;
using Spectre.Console;

// The first Ctrl+C asks the running command to stop cleanly (index commits what it has); a second one ends the process.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
        AnsiConsole.MarkupLine("[yellow]Stopping after the current batches... (Ctrl+C again to quit at once)[/]");
    }
};

return SampleApp.Run(args, AnsiConsole.Console, cancellation.Token);
