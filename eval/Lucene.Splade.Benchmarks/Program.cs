using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project eval/Lucene.Splade.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Lucene.Splade.Benchmarks.EncodeBenchmarks).Assembly).Run(args);
