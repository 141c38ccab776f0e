using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace VaasWeb.Tests.Unit.MiniMax.Emulator;

/// <summary>Fault injection, and the request log that shows what happened.</summary>
public sealed partial class EmulatorTests
{
    [Theory]
    [InlineData("http_500", 500)]
    [InlineData("http_502", 502)]
    [InlineData("http_503", 503)]
    public async Task HttpFault_WithCount_FailsThatManyCallsThenAnswersNormally(string kind, int status)
    {
        await AddFaultAsync(new { endpoint = "get_voice", kind, count = 2 });

        var answers = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((int)(await _http.PostAsJsonAsync("/v1/get_voice", new { voice_type = "all" })).StatusCode);
        }

        Assert.Equal([status, status, 200], answers);
        Assert.Empty(await _http.GetFromJsonAsync<JsonElement[]>("/control/faults") ?? []);
    }

    [Fact]
    public async Task Http429_OnQuery_SaysRetryAfterOneSecond()
    {
        var taskId = await SubmitAsync();
        await AddFaultAsync(new { endpoint = "query", kind = "http_429" });

        var response = await _http.GetAsync($"/v1/query/video_generation?task_id={taskId}");

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Drop_OnSubmit_ClosesTheConnectionButCreatesTheTask()
    {
        await AddFaultAsync(new { endpoint = "video_generation", kind = "drop", count = 1 });
        // A fresh connection: on a reused one, HttpClient may silently resend a request that got no answer at all.
        using var fresh = NewClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.PostAsJsonAsync("/v1/video_generation", new { model = "T2V-01", prompt = "a fox" }));

        var logged = Assert.Single(await RequestsAsync("?endpoint=video_generation"));
        Assert.Equal(0, logged.GetProperty("status").GetInt32());
        Assert.Equal("drop", logged.GetProperty("fault").GetString());
        var answer = await QueryAsync(logged.GetProperty("task_id").GetString()!);
        AssertSuccess(answer);
        Assert.Equal("Preparing", answer.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Slow_OnSubmit_OutlastsTheClientTimeoutButCreatesTheTask()
    {
        await AddFaultAsync(new { endpoint = "video_generation", kind = "slow", delay_ms = 1500 });
        using var impatient = NewClient(timeout: TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.PostAsJsonAsync("/v1/video_generation", new { model = "T2V-01", prompt = "a fox" }));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1400));
        var taskId = (await RequestsAsync("?endpoint=video_generation")).Single().GetProperty("task_id").GetString()!;
        AssertSuccess(await QueryAsync(taskId));
        var answered = await AnsweredRequestAsync("video_generation");
        Assert.Equal(200, answered.GetProperty("status").GetInt32());
        Assert.Equal("slow", answered.GetProperty("fault").GetString());
    }

    [Fact]
    public async Task Slow_WithPatientClient_AnswersNormallyAfterTheDelay()
    {
        await AddFaultAsync(new { endpoint = "get_voice", kind = "slow", delay_ms = 400, count = 1 });
        var clock = Stopwatch.StartNew();

        var answer = await PostAsync("/v1/get_voice", new { voice_type = "system" });

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(380));
        AssertSuccess(answer);
    }

    [Fact]
    public async Task Malformed_OnQuery_SendsTruncatedJson()
    {
        var taskId = await SubmitAsync();
        await AddFaultAsync(new { endpoint = "query", kind = "malformed", count = 1 });

        var response = await _http.GetAsync($"/v1/query/video_generation?task_id={taskId}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("{\"task_id\":", body);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
        Assert.Equal("Preparing", (await QueryAsync(taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task BaseRespFault_OnSubmit_ReturnsTheCodeAndCreatesNoTask()
    {
        await AddFaultAsync(new { endpoint = "video_generation", kind = "base_resp", code = 1002, count = 1 });

        var refused = await PostAsync("/v1/video_generation", new { model = "T2V-01", prompt = "a fox" });
        var accepted = await SubmitAsync();

        AssertBaseResp(refused, 1002, "rate limit exceeded");
        Assert.Equal(["base_resp"], refused.EnumerateObject().Select(property => property.Name));
        var logged = await RequestsAsync("?endpoint=video_generation");
        Assert.False(logged[0].TryGetProperty("task_id", out _));
        Assert.Equal(accepted, logged[1].GetProperty("task_id").GetString());
    }

    [Fact]
    public async Task Faults_FirstMatchInInsertionOrderApplies_UntilCleared()
    {
        var taskId = await SubmitAsync();
        await AddFaultAsync(new { endpoint = "query", kind = "http_503", count = 1 });
        await AddFaultAsync(new { endpoint = "*", kind = "base_resp", code = 1033, message = "system busy" });

        var first = await _http.GetAsync($"/v1/query/video_generation?task_id={taskId}");
        var second = await QueryAsync(taskId);
        var listed = await _http.GetFromJsonAsync<JsonElement[]>("/control/faults");
        (await _http.DeleteAsync("/control/faults")).EnsureSuccessStatusCode();
        var third = await QueryAsync(taskId);

        Assert.Equal(503, (int)first.StatusCode);
        AssertBaseResp(second, 1033, "system busy");
        Assert.Equal("*", Assert.Single(listed!).GetProperty("endpoint").GetString());
        AssertSuccess(third);
    }

    [Fact]
    public async Task Fault_WithProbability_AppliesToAboutThatShareOfCalls()
    {
        await AddFaultAsync(new { endpoint = "get_voice", kind = "http_500", probability = 0.5 });

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
            (int)(await _http.PostAsJsonAsync("/v1/get_voice", new { voice_type = "system" })).StatusCode));

        // Binomial(200, 0.5): 60..140 is more than five standard deviations either side.
        Assert.InRange(statuses.Count(status => status == 500), 60, 140);
        Assert.Equal(200, statuses.Count(status => status is 500 or 200));
    }

    [Theory]
    [InlineData("""{"endpoint":"nowhere","kind":"http_500"}""")]
    [InlineData("""{"endpoint":"query","kind":"explode"}""")]
    [InlineData("""{"endpoint":"query","kind":"drop","probability":1.5}""")]
    [InlineData("""{"endpoint":"query","kind":"drop","count":0}""")]
    public async Task AddFault_Invalid_Returns400(string body)
    {
        var response = await _http.PostAsync("/control/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Empty(await _http.GetFromJsonAsync<JsonElement[]>("/control/faults") ?? []);
    }

    [Fact]
    public async Task RequestLog_RecordsEachRequestInOrder_AndCanBeCleared()
    {
        await FastPhasesAsync(0.01);
        var taskId = await SubmitAsync();
        await AddFaultAsync(new { endpoint = "query", kind = "http_503", count = 1 });
        await _http.GetAsync($"/v1/query/video_generation?task_id={taskId}");
        await Task.Delay(100);
        var fileId = (await QueryAsync(taskId)).GetProperty("file_id").GetString();
        await GetAsync($"/v1/files/retrieve?file_id={fileId}");

        var log = await RequestsAsync();

        (string?, string?, string?, string?, int, string?)[] expected =
        [
            ("POST", "/v1/video_generation", "video_generation", taskId, 200, null),
            ("GET", "/v1/query/video_generation", "query", taskId, 503, "http_503"),
            ("GET", "/v1/query/video_generation", "query", taskId, 200, null),
            ("GET", "/v1/files/retrieve", "retrieve", null, 200, null),
        ];
        Assert.Equal(
            expected,
            log.Select(entry => (
                entry.GetProperty("method").GetString(),
                entry.GetProperty("path").GetString(),
                entry.GetProperty("endpoint").GetString(),
                entry.TryGetProperty("task_id", out var id) ? id.GetString() : null,
                entry.GetProperty("status").GetInt32(),
                entry.TryGetProperty("fault", out var fault) ? fault.GetString() : null)));
        Assert.Equal(fileId, log[3].GetProperty("file_id").GetString());
        Assert.All(log, entry => Assert.True(entry.GetProperty("authorized").GetBoolean()));
        var times = log.Select(entry => DateTimeOffset.Parse(entry.GetProperty("at").GetString()!)).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", log[0].GetProperty("at").GetString());

        (await _http.DeleteAsync("/control/requests")).EnsureSuccessStatusCode();
        Assert.Empty(await RequestsAsync());
    }

    [Fact]
    public async Task RequestLog_UnderAThousandTasksPolledAtOnce_RecordsEveryRequest()
    {
        using var parallel = new SemaphoreSlim(32);
        async Task<string> SubmitAndPollAsync()
        {
            await parallel.WaitAsync();
            try
            {
                var taskId = await SubmitAsync();
                AssertSuccess(await QueryAsync(taskId));
                return taskId;
            }
            finally
            {
                parallel.Release();
            }
        }

        var taskIds = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => SubmitAndPollAsync()));

        Assert.Equal(1000, taskIds.Distinct().Count());
        var log = await RequestsAsync();
        Assert.Equal(2000, log.Length);
        Assert.All(log, entry => Assert.Equal(200, entry.GetProperty("status").GetInt32()));
        Assert.Equal(taskIds.Order(), log.Where(entry => entry.GetProperty("endpoint").GetString() == "query")
            .Select(entry => entry.GetProperty("task_id").GetString()!).Order());
    }
}
