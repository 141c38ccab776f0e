using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VaasWeb.Tests.E2E.Webhooks;

public sealed record ReceivedCall(string Path, string Body, string? Signature, string? EventId)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public bool IsSignedWith(string secret) =>
        Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Body)));
}

/// <summary>A real HTTP receiver on loopback (Kestrel). Each path answers as the test says: a status, or hanging.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<int, int?>> _answers = new();
    private readonly ConcurrentQueue<ReceivedCall> _calls = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public IReadOnlyList<ReceivedCall> Calls => _calls.ToArray();

    public string Url(string path) => _app.Urls.First().TrimEnd('/') + path;

    public IReadOnlyList<ReceivedCall> CallsTo(string path) => Calls.Where(c => c.Path == path).ToArray();

    /// <summary>How <paramref name="path"/> answers its n-th call (1-based): a status code, or null to hang.</summary>
    public void Answer(string path, Func<int, int?> answer) => _answers[path] = answer;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = http.Request.Path.Value!;
            receiver._calls.Enqueue(new ReceivedCall(path, body, http.Request.Headers["X-Vaas-Signature"], http.Request.Headers["X-Vaas-Event-Id"]));
            var n = receiver.CallsTo(path).Count;
            var status = receiver._answers.TryGetValue(path, out var answer) ? answer(n) : 200;
            if (status is null)
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { });
                return;
            }

            http.Response.StatusCode = status.Value;
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
