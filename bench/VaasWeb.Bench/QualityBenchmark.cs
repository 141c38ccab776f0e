using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;
using VaasWeb.SearchEvaluation;

namespace VaasWeb.Bench;

/// <summary>
/// Measured quality of search by words (issue 16): builds the evaluation set with ffmpeg (speech in three flite
/// voices, slides, captioned scenes, pictures with nothing to read), ingests it through the real pipeline, runs every
/// query words only, meaning only and fused, and prints recall@1, recall@5 and MRR per kind of query beside the goals,
/// and the share of indexed on-screen text segments that are noise. Then each fused miss and each noise segment.
/// </summary>
internal static class QualityBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var work = Directory.CreateTempSubdirectory("vaasweb-quality-bench-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var set = await EvaluationSetBuilder.BuildAsync(EvaluationSet.Full, Path.Combine(work, "set"), CancellationToken.None);
            var built = clock.Elapsed;
            using var host = await Tools.StartProcessingAsync(Path.Combine(work, "data"));
            var finished = host.Services.GetRequiredService<IngestBenchmark.FinishedTasks>();
            var ids = await SearchQuality.IngestAsync(host.Services, set, finished.WaitAsync, CancellationToken.None);
            var ingested = clock.Elapsed - built;
            var outcomes = await SearchQuality.RankAsync(host.Services.GetRequiredService<SearchService>(), set, ids, CancellationToken.None);
            var screenText = await SearchQuality.ScreenTextAsync(host.Services, set, ids, CancellationToken.None);
            Console.WriteLine($"evaluation set: {set.Videos.Count} videos, {set.Queries.Count} queries; made in {built.TotalSeconds:0} s, ingested in {ingested.TotalSeconds:0} s");
            Console.WriteLine($"a hit is right when it is on the query's video and its span overlaps the moment; {SearchQuality.HitsAsked} hits asked per query");
            Console.WriteLine();
            Console.Write(SearchQuality.Report(outcomes, screenText));
            Console.WriteLine();
            Console.Write(SearchQuality.Misses(outcomes, screenText));
            Console.WriteLine();
            await PrintReadingsAsync(host.Services, ids);
            await host.StopAsync();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>What frame_text made of each video's pictures: how many it found writing in, and the segments that became.</summary>
    private static async Task PrintReadingsAsync(IServiceProvider services, IReadOnlyDictionary<string, Guid> ids)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();
        foreach (var (name, id) in ids)
        {
            var detail = await db.TaskSteps.Where(s => s.Name == "frame_text" && db.Tasks.Any(t => t.Id == s.TaskId && t.VideoId == id))
                .Select(s => s.Detail).SingleAsync();
            Console.WriteLine($"frame_text on {name}: {detail}");
        }
    }
}
