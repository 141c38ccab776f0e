using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace VaasWeb.Bench;

/// <summary>The baseline: bare Kestrel copying a request body to a file, nothing else.</summary>
internal static class RawUploadServer
{
    public static async Task RunAsync(string[] args)
    {
        var folder = args[1];
        Directory.CreateDirectory(folder);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{args[0]}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok");
        app.MapPost("/raw", async (HttpRequest request) =>
        {
            var path = Path.Combine(folder, $"{Guid.NewGuid():N}.bin");
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await request.Body.CopyToAsync(file);
            }

            File.Delete(path);
            return Results.NoContent();
        });
        await app.RunAsync();
    }
}
