using VaasWeb.Bench;

// Benchmarks print numbers; they assert nothing. Run: dotnet run -c Release --project bench/VaasWeb.Bench -- <name>
var benchmarks = new Dictionary<string, Func<string[], Task>>
{
    ["ingest"] = IngestBenchmark.RunAsync,
    ["upload"] = UploadBenchmark.RunAsync,
    ["raw-server"] = RawUploadServer.RunAsync,
    ["events"] = EventsBenchmark.RunAsync,
    ["board"] = BoardBenchmark.RunAsync,
    ["search"] = SearchBenchmark.RunAsync,
    ["quality"] = QualityBenchmark.RunAsync,
    ["generations"] = GenerationsBenchmark.RunAsync,
    ["rerun"] = RerunBenchmark.RunAsync,
    ["cluster-ingest"] = ClusterIngestBenchmark.RunAsync,
    ["push"] = PushBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: VaasWeb.Bench <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}

await run(args[1..]);
return 0;
