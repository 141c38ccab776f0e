using System.Diagnostics;
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
/// "Re-run all failed" in the admin console, in Chromium, over N failed ingestions (their files are gone, so each
/// fails again quickly when it runs, as the app works through them): how long until all are queued, how often the
/// page showed progress, and how long the same page takes to answer another click meanwhile.
/// </summary>
internal static class RerunBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0]) : 1000;
        var work = Directory.CreateTempSubdirectory("vaasweb-rerun-bench-").FullName;
        try
        {
            await using var app = await EventsBenchmark.StartHostAsync(work);
            await SeedFailedAsync(app.Services.GetRequiredService<IDbContextFactory<VaasDbContext>>(), count);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Tools.LaunchChromiumAsync(playwright);
            var page = await browser.NewPageAsync(new() { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, BaseURL = address });
            await page.GotoAsync("/account/login?returnUrl=/admin");
            await page.Locator("#email").FillAsync(Tools.AdminEmail);
            await page.Locator("#password").FillAsync(Tools.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=circuit]')?.dataset.live === 'true'");
            var clock = Stopwatch.StartNew();
            await page.GetByTestId("admin-count").Filter(new() { HasText = $"{count:N0} failed" }).WaitForAsync(new() { Timeout = 120_000 });
            Console.WriteLine($"{count:N0} failed tasks: console shows the count {clock.ElapsedMilliseconds} ms after the circuit connected");

            var idle = Stopwatch.StartNew();
            await page.GetByLabel("Select all").ClickAsync();
            await page.GetByTestId("rerun-selected").Filter(new() { HasNotText = "(0)" }).WaitForAsync();
            var idleMs = idle.ElapsedMilliseconds;
            await page.GetByLabel("Select all").ClickAsync();
            await page.GetByTestId("rerun-selected").Filter(new() { HasText = "(0)" }).WaitForAsync();
            Console.WriteLine($"select all ({Math.Min(count, 100)} rows shown) with nothing else going on: {idleMs} ms");

            await page.GetByTestId("rerun-all").ClickAsync();
            var confirm = page.GetByRole(AriaRole.Button, new() { Name = "Re-run all", Exact = true });
            await confirm.WaitForAsync();
            var seen = new HashSet<string>();
            clock.Restart();
            await confirm.ClickAsync();
            // Meanwhile: another click on the same page ("select all"), answered by the same circuit.
            var other = Stopwatch.StartNew();
            await page.GetByLabel("Select all").ClickAsync();
            await page.GetByTestId("rerun-selected").Filter(new() { HasNotText = "(0)" }).WaitForAsync(new() { Timeout = 60_000 });
            var otherMs = other.ElapsedMilliseconds;
            while (await page.GetByText("task(s) queued again").CountAsync() == 0 && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                if (await page.GetByTestId("bulk-progress").CountAsync() > 0)
                {
                    seen.Add(await page.GetByTestId("bulk-progress").InnerTextAsync());
                }

                await Task.Delay(20);
            }

            var doneMs = clock.ElapsedMilliseconds;
            var message = await page.GetByText("task(s) queued again").First.InnerTextAsync();
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();
            var requeued = await db.Tasks.CountAsync(t => t.Attempt == 2);
            Console.WriteLine($"re-run all: \"{message}\" {doneMs} ms after confirming; {requeued:N0} tasks at attempt 2; " +
                              $"{seen.Count} distinct progress readings seen; a click made meanwhile (select all) was answered in {otherMs} ms");
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task SeedFailedAsync(IDbContextFactory<VaasDbContext> factory, int count)
    {
        await using var db = await factory.CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var video = new Video(Guid.NewGuid(), $"video-{i:00000}.mp4", $"videos/missing-{i:00000}.mp4", 1000, null, VideoSource.Upload, now);
            var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued after upload", now);
            task.Start("bench", now);
            task.Fail("video_missing", "The file was removed from the media folder.", now);
            db.Videos.Add(video);
            db.Tasks.Add(task);
        }

        await db.SaveChangesAsync();
    }
}
