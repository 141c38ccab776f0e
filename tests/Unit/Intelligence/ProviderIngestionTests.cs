using System.Text;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Intelligence;

/// <summary>The pipeline with OpenAI-compatible providers plugged in, against a real local HTTP server.</summary>
public sealed class ProviderIngestionTests : IAsyncLifetime
{
    private const string Key = "sk-test-key-that-must-not-leak";
    private readonly TempDirectory _temp = new();
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    [Fact]
    public async Task SpeechProviderOpenAi_TranscriptComesFromTheEndpointPlacedOnTheVideoTimeline()
    {
        await using var host = await StartAsync(new()
        {
            ["Intelligence:Speech:Provider"] = "OpenAi",
            ["Intelligence:Speech:Endpoint"] = _server.Endpoint,
            ["Intelligence:Speech:ApiKey"] = Key,
        });

        var (task, video) = await IngestAsync(host, new VideoSpec(Seconds: 12));

        Assert.Equal(TaskState.Completed, task.State);
        var hits = (await host.Get<SearchService>().SearchTextAsync("kenobi", null, 10, CancellationToken.None)).Hits;
        // Each 10 s chunk was sent, and the fake hears "General Kenobi." 1.5 s into each.
        // The words find both; ranking by meaning may add the lines around them ("Hello there." is, to MiniLM, near "Kenobi").
        Assert.Equal([1.5, 10.5], hits.Take(2).Select(h => h.StartSeconds).Order());
        Assert.All(hits.Take(2), h => Assert.Equal("General Kenobi.", h.Text));
        var requests = _server.Requests.Where(r => r.Path == "/v1/audio/transcriptions").ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal($"Bearer {Key}", r.Authorization));
        await using var db = await host.DbAsync();
        Assert.Contains("openai whisper-1", (await db.TaskSteps.SingleAsync(s => s.Name == "transcript")).Detail);
        _ = video;
    }

    [Fact]
    public async Task ChatAndEmbeddingsConfigured_FramesAreCaptionedAndEverythingEmbedded()
    {
        await using var host = await StartAsync(new()
        {
            ["Intelligence:Chat:Endpoint"] = _server.Endpoint,
            ["Intelligence:Chat:Model"] = "vision-model",
            ["Intelligence:Embeddings:Endpoint"] = _server.Endpoint,
            ["Intelligence:Embeddings:Model"] = "embedder",
        });

        var (task, video) = await IngestAsync(host, new VideoSpec(Seconds: 3, Audio: false));

        Assert.Equal(TaskState.Completed, task.State);
        await using var db = await host.DbAsync();
        var captions = await db.TextSegments.Where(s => s.VideoId == video.Id && s.Source == TextSource.Caption).ToListAsync();
        Assert.NotEmpty(captions);
        Assert.All(captions, c => Assert.Equal(FakeOpenAiServer.DefaultCaption, c.Text));
        Assert.Equal(await db.TextSegments.CountAsync(s => s.VideoId == video.Id), await db.TextEmbeddings.CountAsync(e => e.VideoId == video.Id));
        var result = await host.Get<SearchService>().SearchTextAsync("red square", null, 10, CancellationToken.None);
        Assert.Null(result.Notice);
        Assert.Equal(HitSource.Caption, result.Hits[0].Source);
        Assert.Contains(_server.Requests, r => r.Path == "/v1/embeddings" && r.Body.Length > 0 && Encoding.UTF8.GetString(r.Body).Contains("red square"));
    }

    [Fact]
    public async Task OptionalCaptionsFail_StepIsMarkedFailedButTheTaskCompletesWithEverythingElse()
    {
        await using var host = await StartAsync(new() { ["Intelligence:Chat:Endpoint"] = _server.Endpoint, ["Intelligence:Chat:Model"] = "m" });
        _server.Always(FakeReply.Error(400, "This model does not accept images."));

        var (task, video) = await IngestAsync(host, new VideoSpec(Seconds: 3, Audio: false));

        Assert.Equal(TaskState.Completed, task.State);
        await using var db = await host.DbAsync();
        var captions = await db.TaskSteps.SingleAsync(s => s.TaskId == task.TaskId && s.Name == "captions");
        Assert.Equal(StepState.Failed, captions.State);
        Assert.Contains("400", captions.Detail);
        Assert.Contains("does not accept images", captions.Detail);
        Assert.Contains("optional step(s) failed: captions", (await db.TaskHistory.Where(h => h.TaskId == task.TaskId).OrderBy(h => h.Id).LastAsync()).Reason);
        Assert.Equal(3, await db.Frames.CountAsync(f => f.VideoId == video.Id));
    }

    [Fact]
    public async Task RequiredTranscriptFails_TaskFailsSayingWhatTheProviderSaidWithoutTheKey()
    {
        await using var host = await StartAsync(new()
        {
            ["Intelligence:Speech:Provider"] = "OpenAi",
            ["Intelligence:Speech:Endpoint"] = _server.Endpoint,
            ["Intelligence:Speech:ApiKey"] = Key,
        });
        _server.Always(FakeReply.Error(401, $"Incorrect API key provided: {Key}."));

        var (task, _) = await IngestAsync(host, new VideoSpec(Seconds: 4));

        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal("provider_failed", task.ErrorCode);
        Assert.Contains("401", task.ErrorMessage);
        Assert.Contains("Incorrect API key", task.ErrorMessage);
        Assert.DoesNotContain(Key, task.ErrorMessage);
        Assert.Equal("transcript", task.Step);
    }

    [Fact]
    public async Task Ask_WithAChatModel_AnswersFromTheTranscriptAndCitesTimes()
    {
        await using var host = await StartAsync(new() { ["Intelligence:Chat:Endpoint"] = _server.Endpoint, ["Intelligence:Chat:Model"] = "m", ["Intelligence:Chat:CaptionFrames"] = "false" });
        var incoming = host.Storage.NewIncomingPath();
        File.Copy(await TestMedia.TalkingVideoAsync(), incoming);
        var imported = await host.Get<VideoImporter>().ImportUploadAsync(incoming, "talk.mp4", new FileInfo(incoming).Length, "x", true, null, CancellationToken.None);
        await host.Events.WaitForFinishAsync(imported.Task!.Id, TimeSpan.FromMinutes(2));
        _server.Enqueue(FakeReply.Json(FakeOpenAiServer.ChatAnswer("Someone asks to open the door at [0:12].")));

        var answer = await host.Get<VideoQuestions>().AskAsync(imported.Video.Id, "What does the speaker ask for?", CancellationToken.None);

        Assert.Equal("Someone asks to open the door at [0:12].", answer.Text);
        Assert.Equal(12, Assert.Single(answer.Citations).Seconds);
        var prompt = Encoding.UTF8.GetString(_server.Requests.Last(r => r.Path == "/v1/chat/completions").Body);
        Assert.Contains("[0:12] (speech) please open the door", prompt);
        Assert.Contains("(on-screen text) QUARTERLY SALES REPORT", prompt);
        Assert.Contains("What does the speaker ask for?", prompt);
    }

    private Task<ProcessingHost> StartAsync(Dictionary<string, string?> settings) => ProcessingHost.StartAsync(_temp.Combine($"data-{Guid.NewGuid():N}"), settings);

    private static async Task<(TaskSnapshot Task, Video Video)> IngestAsync(ProcessingHost host, VideoSpec spec)
    {
        var incoming = host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(spec, incoming);
        var imported = await host.Get<VideoImporter>().ImportUploadAsync(incoming, "clip.mp4", new FileInfo(incoming).Length, "x", true, null, CancellationToken.None);
        return (await host.Events.WaitForFinishAsync(imported.Task!.Id, TimeSpan.FromMinutes(2)), imported.Video);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }
}
