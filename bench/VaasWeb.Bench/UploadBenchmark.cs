using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace VaasWeb.Bench;

/// <summary>
/// Uploads a 1 GiB video through VaasWeb's browser upload path (tus: create, one PATCH) and its seed multipart
/// endpoint, and the same bytes to bare Kestrel writing to disk; prints throughput and the server's memory
/// growth for each (goals: ≥ 80 % of raw, ≤ 64 MiB growth).
/// </summary>
internal static class UploadBenchmark
{
    private const long Size = 1L << 30;

    public static async Task RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var work = Directory.CreateTempSubdirectory("vaasweb-upload-bench-").FullName;
        try
        {
            var file = await MakeBigVideoAsync(work);
            var vaasWeb = Path.Combine(Repository.Root, "src", "VaasWeb", "bin", "Release", "net10.0");
            await using var vaas = await ServerProcess.StartAsync(vaasWeb, "/healthz", "VaasWeb.dll", "--urls", "http://127.0.0.1:{port}",
                "--Storage:DataDirectory", Path.Combine(work, "vaas"), "--Ingestion:AutoStart", "false", "--Upload:MaxBytes", (2 * Size).ToString(),
                "--Logging:LogLevel:Default", "Warning", "--Admin:Email", Tools.AdminEmail, "--Admin:Password", Tools.AdminPassword);
            await using var raw = await ServerProcess.StartAsync(AppContext.BaseDirectory, "/healthz", "VaasWeb.Bench.dll", "raw-server", "{port}", Path.Combine(work, "raw"));

            var results = new Dictionary<string, List<(double MiBps, long Growth)>>
            {
                ["raw Kestrel to disk"] = [], ["VaasWeb tus (browser path)"] = [], ["VaasWeb POST /upload-video"] = [],
            };
            for (var round = 1; round <= rounds; round++)
            {
                results["raw Kestrel to disk"].Add(await MeasureAsync(raw, http => SendRawAsync(http, file), signIn: false));
                results["VaasWeb tus (browser path)"].Add(await MeasureAsync(vaas, http => SendTusAsync(http, file), signIn: true));
                results["VaasWeb POST /upload-video"].Add(await MeasureAsync(vaas, http => SendMultipartAsync(http, file), signIn: true));
                Console.WriteLine($"round {round}: " + string.Join(", ", results.Select(r => $"{r.Key} {r.Value[^1].MiBps:0} MiB/s")));
            }

            Console.WriteLine();
            var rawSpeed = Tools.Median(results["raw Kestrel to disk"].Select(r => r.MiBps));
            foreach (var (name, samples) in results)
            {
                var speed = Tools.Median(samples.Select(s => s.MiBps));
                var growth = samples.Max(s => s.Growth) / (1024.0 * 1024);
                Console.WriteLine($"{name,-30} {speed,7:0} MiB/s  {speed / rawSpeed,6:P0} of raw  server RSS growth (max of {rounds}) {growth,5:0.0} MiB");
            }

            var inputFile = await MeasureInputFileAsync(work);
            Console.WriteLine($"{"Blazor InputFile (circuit)",-30} {inputFile.MiBps,7:0.0} MiB/s  {inputFile.MiBps / rawSpeed,6:P1} of raw  server RSS growth {inputFile.Growth / (1024.0 * 1024),5:0.0} MiB  ({InputFileBytes >> 20} MiB file)");
            var tus = Tools.Median(results["VaasWeb tus (browser path)"].Select(s => s.MiBps));
            Console.WriteLine($"VaasWeb tus is {tus / inputFile.MiBps:0}x InputFile");
            Console.WriteLine("goals: VaasWeb >= 80 % of raw, RSS growth <= 64 MiB, >= 10x InputFile");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>InputFile moves a few MB/s, so a smaller file gives its speed without a quarter-hour wait.</summary>
    private const long InputFileBytes = 128L << 20;

    /// <summary>
    /// The same kind of upload through a Blazor Server circuit: Chromium picks the file for an InputFile, whose
    /// stream the server copies to disk. Runs in its own small app (bench/InputFileProbe).
    /// </summary>
    private static async Task<(double MiBps, long Growth)> MeasureInputFileAsync(string work)
    {
        var file = Path.Combine(work, "inputfile.bin");
        await using (var output = File.Create(file))
        {
            var buffer = new byte[4 << 20];
            while (output.Length < InputFileBytes)
            {
                RandomNumberGenerator.Fill(buffer);
                await output.WriteAsync(buffer);
            }
        }

        var probe = Path.Combine(Repository.Root, "bench", "InputFileProbe", "bin", "Release", "net10.0");
        await using var server = await ServerProcess.StartAsync(probe, "/healthz", "InputFileProbe.dll", "--urls", "http://127.0.0.1:{port}",
            "--Logging:LogLevel:Default", "Warning");
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await Tools.LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await page.WaitForSelectorAsync("input[type=file][data-ready=true]");
        var before = server.ResidentBytes();
        var (milliseconds, peak) = await server.MeasurePeakAsync(async () =>
        {
            await page.SetInputFilesAsync("input[type=file]", file);
            await page.WaitForFunctionAsync("() => document.querySelector('#result').textContent.length > 0", null, new() { Timeout = 600_000 });
            var parts = (await page.TextContentAsync("#result"))!.Split(' ');
            if (long.Parse(parts[0], CultureInfo.InvariantCulture) != InputFileBytes)
            {
                throw new InvalidOperationException("InputFile delivered a different number of bytes.");
            }

            return double.Parse(parts[1], CultureInfo.InvariantCulture);
        });
        return (InputFileBytes / (1024.0 * 1024) / (milliseconds / 1000), peak - before);
    }

    /// <summary>A real (fast-start) video followed by random bytes up to 1 GiB: ffprobe accepts it, nothing compresses it.</summary>
    private static async Task<string> MakeBigVideoAsync(string work)
    {
        var video = Path.Combine(work, "head.mp4");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-t", "5", "-c:v", "libx264",
            "-preset", "ultrafast", "-movflags", "+faststart", video);
        var big = Path.Combine(work, "big.mp4");
        await using (var output = File.Create(big))
        {
            await using (var head = File.OpenRead(video))
            {
                await head.CopyToAsync(output);
            }

            var buffer = new byte[4 << 20];
            while (output.Length < Size)
            {
                RandomNumberGenerator.Fill(buffer);
                await output.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, Size - output.Length)));
            }
        }

        return big;
    }

    private static async Task<(double MiBps, long Growth)> MeasureAsync(ServerProcess server, Func<HttpClient, Task> send, bool signIn)
    {
        using var http = signIn
            ? await Tools.SignedInClientAsync(server.Address, TimeSpan.FromMinutes(10))
            : new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(10) };
        GC.Collect();
        await Task.Delay(500);
        var before = server.ResidentBytes();
        var (seconds, peak) = await server.MeasurePeakAsync(async () =>
        {
            var clock = Stopwatch.StartNew();
            await send(http);
            return clock.Elapsed.TotalSeconds;
        });
        return (Size / (1024.0 * 1024) / seconds, peak - before);
    }

    private static async Task SendRawAsync(HttpClient http, string file)
    {
        using var content = new StreamContent(File.OpenRead(file), 1 << 20);
        (await http.PostAsync("/raw", content)).EnsureSuccessStatusCode();
    }

    private static async Task SendTusAsync(HttpClient http, string file)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/uploads/tus");
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", new FileInfo(file).Length.ToString(CultureInfo.InvariantCulture));
        create.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes("big.mp4")));
        var created = await http.SendAsync(create);
        created.EnsureSuccessStatusCode();

        using var patch = new HttpRequestMessage(HttpMethod.Patch, created.Headers.Location) { Content = new StreamContent(File.OpenRead(file), 1 << 20) };
        patch.Headers.Add("Tus-Resumable", "1.0.0");
        patch.Headers.Add("Upload-Offset", "0");
        patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        (await http.SendAsync(patch)).EnsureSuccessStatusCode();
    }

    private static async Task SendMultipartAsync(HttpClient http, string file)
    {
        using var form = new MultipartFormDataContent();
        var part = new StreamContent(File.OpenRead(file), 1 << 20);
        part.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(part, "file", "big.mp4");
        (await http.PostAsync("/upload-video", form)).EnsureSuccessStatusCode();
    }
}

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VaasWeb.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
