using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Bench;

/// <summary>
/// The board with 10,000 tasks in Chromium: how long until it shows them, how long a search takes to narrow
/// them, how long scrolling to the end of a column takes, and how long 1,000 pushed updates take to appear.
/// </summary>
internal static class BoardBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0]) : 10_000;
        var work = Directory.CreateTempSubdirectory("vaasweb-board-bench-").FullName;
        try
        {
            await using var app = await EventsBenchmark.StartHostAsync(work);
            var running = await SeedAsync(app, count);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Tools.LaunchChromiumAsync(playwright);
            var page = await browser.NewPageAsync(new() { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });

            var clock = Stopwatch.StartNew();
            await page.GotoAsync(address);
            await page.WaitForFunctionAsync($"() => document.querySelector('[data-testid=column-completed] [data-testid=column-count]')?.textContent === '{count - running.Count * 2}'",
                null, new() { Timeout = 120_000 });
            var counted = clock.ElapsedMilliseconds;
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=column-completed] [data-testid=task-card]').length > 5");
            Console.WriteLine($"{count:N0} tasks: counts shown {counted} ms after navigation, cards {clock.ElapsedMilliseconds} ms; " +
                              $"{await page.Locator("[data-testid=task-card]").CountAsync()} cards in the DOM (virtualised)");

            clock.Restart();
            await page.Locator("input[data-testid=text-filter]").FillAsync("video-09999");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=task-card]').length === 1");
            Console.WriteLine($"search narrowing {count:N0} tasks to 1: {clock.ElapsedMilliseconds} ms (including the 200 ms typing debounce)");
            await page.Locator("input[data-testid=text-filter]").FillAsync("");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=task-card]').length > 1");

            clock.Restart();
            await page.EvaluateAsync("() => { const b = document.querySelector('[data-testid=column-completed] .board-column-body'); b.scrollTop = b.scrollHeight; }");
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=column-completed] [data-testid=task-name]')].some(n => n.textContent === 'video-00040.mp4')");
            Console.WriteLine($"scroll to the end of a {count - running.Count * 2:N0}-card column: {clock.ElapsedMilliseconds} ms");

            var sink = app.Services.GetRequiredService<ITaskEventSink>();
            clock.Restart();
            for (var i = 1; i <= 1000; i++)
            {
                var task = running[i % running.Count];
                await sink.PublishAsync(task with { Progress = i / 10.0, Step = "frames", Version = task.Version + i });
            }

            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=column-running] [data-testid=task-progress]')].some(p => p.textContent === '100%')");
            Console.WriteLine($"1,000 updates pushed to {running.Count} running tasks: last one on screen {clock.ElapsedMilliseconds} ms after the first was raised");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Mostly finished tasks, some running and some waiting, like a busy week.</summary>
    private static async Task<List<TaskSnapshot>> SeedAsync(WebApplication app, int count)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<VaasDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var start = DateTimeOffset.UtcNow.AddDays(-7);
        var running = new List<ProcessingTask>();
        for (var i = 0; i < count; i++)
        {
            var at = start.AddSeconds(i * 60);
            var video = new Video(Guid.NewGuid(), $"video-{i:D5}.mp4", $"videos/{Guid.NewGuid():N}.mp4", 1_000_000, null, VideoSource.Upload, at);
            var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued after upload", at);
            if (i >= 20)
            {
                task.Start("bench", at);
                if (i >= 40)
                {
                    task.Complete(at.AddSeconds(30));
                }
                else
                {
                    running.Add(task);
                }
            }

            db.Videos.Add(video);
            db.Tasks.Add(task);
        }

        await db.SaveChangesAsync();
        return running.Select(TaskSnapshot.Of).ToList();
    }
}
