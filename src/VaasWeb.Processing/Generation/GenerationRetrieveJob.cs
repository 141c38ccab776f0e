using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Quartz;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Processing.Generation;

/// <summary>
/// Stores what MiniMax made: a fresh download URL for every try, the file streamed into the media root and
/// checked against MiniMax's byte count, a Video (queued for ingestion by default); then, if asked for, the
/// narration made with t2a_v2 and laid over it as one more Video. A transient failure tries again after a poll
/// interval until the generation's deadline; cancelling stops the download at once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class GenerationRetrieveJob(
    IDbContextFactory<VaasDbContext> dbFactory,
    TaskLifecycle lifecycle,
    TaskRunner runner,
    GenerationRetrievals retrievals,
    MiniMaxClient client,
    VideoImporter importer,
    IMediaTool media,
    MediaStorage storage,
    IOptions<MiniMaxOptions> options,
    ILogger<GenerationRetrieveJob> logger) : IJob
{
    public const string NarrationFileName = "narration.mp3";
    public const string Group = "generation-retrieval";

    /// <summary>A shutdown leaves the task in progress on purpose: the next start fetches the file again (MiniMax keeps it for hours).</summary>
    private static readonly TaskRunPolicy Policy = new("storing the result", StopsWithHost: true, OnShutdown: OnShutdown.LeaveRunning);

    /// <summary>A refused link is replaced by a fresh one; a short file is fetched again.</summary>
    private static readonly ResiliencePipeline FreshDownload = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<DownloadUrlExpiredException>().Handle<IncompleteDownloadException>(),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(500),
        })
        .Build();

    public static JobKey KeyFor(Guid taskId) => new(taskId.ToString("N"), Group);

    public static IJobDetail Describe(Guid taskId) => JobBuilder.Create<GenerationRetrieveJob>().WithIdentity(KeyFor(taskId)).Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var taskId = TaskQueue.TaskIdOf(context);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            var phase = await db.Generations.Where(g => g.TaskId == taskId).Select(g => (GenerationPhase?)g.Phase).FirstOrDefaultAsync(cancellationToken);
            if (task is not { State: TaskState.InProgress } || phase is not (GenerationPhase.Retrieving or GenerationPhase.Narrating))
            {
                return;
            }
        }

        // The task is already this node's (the poller or the submit job handed it over): no claim.
        await runner.RunAsync(taskId, claimed: null, Policy, async run =>
        {
            try
            {
                return await RunAsync(run);
            }
            catch (Exception e) when (IsTransient(e))
            {
                await TryAgainLaterAsync(taskId, e.Message);
                return TaskOutcome.HandedOn;
            }
        }, cancellationToken);
    }

    private async Task<TaskOutcome> RunAsync(TaskRun run)
    {
        var generation = await LoadAsync(run.TaskId, run.Token);
        if (generation.Phase == GenerationPhase.Retrieving)
        {
            await RetrieveAsync(generation, run.Progress, run.Token);
            generation = await LoadAsync(run.TaskId, run.Token);
        }

        if (generation.Phase == GenerationPhase.Narrating)
        {
            await NarrateAsync(generation, run.Token);
        }

        var done = await LoadAsync(run.TaskId, CancellationToken.None);
        logger.LogInformation("Generation {TaskId} stored as video {VideoId}", run.TaskId, done.NarratedVideoId ?? done.ResultVideoId);
        return TaskOutcome.Completed(done.NarratedVideoId is null
            ? "completed: the generated video is stored"
            : "completed: the generated video and its narrated cut are stored");
    }

    private async Task RetrieveAsync(VideoGeneration generation, TaskProgress progress, CancellationToken cancellationToken)
    {
        var temporary = storage.NewIncomingPath();
        try
        {
            var downloaded = await FreshDownload.ExecuteAsync(async ct =>
            {
                var file = await client.RetrieveAsync(generation.FileId!, ct);
                await using var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                // Hashed as it is written, so the file is not read a second time for its SHA-256.
                using var sha = SHA256.Create();
                await using var hashing = new CryptoStream(output, sha, CryptoStreamMode.Write, leaveOpen: true);
                // Reported on the downloading thread: Progress<T> posts to the thread pool, and a report arriving after
                // the download would write the task while the import below records the result in it.
                var fraction = new StepProgress<long>(written => progress.Report(GenerationSteps.Download,
                    60 + 30 * (file.Bytes > 0 ? Math.Min(1, (double)written / file.Bytes) : 0)));
                var written = await client.DownloadAsync(file.DownloadUrl!, hashing, fraction, ct);
                if (file.Bytes > 0 && written != file.Bytes)
                {
                    throw new IncompleteDownloadException(written, file.Bytes);
                }

                await hashing.FlushFinalBlockAsync(ct);
                return (Bytes: written, Sha256: Convert.ToHexStringLower(sha.Hash!));
            }, cancellationToken);

            var (bytes, sha256) = downloaded;
            await importer.ImportGeneratedAsync(temporary, NameOf(generation, narrated: false), bytes, sha256, options.Value.IngestResults,
                async (db, video) =>
                {
                    var (task, stored) = await LoadForUpdateAsync(db, generation.TaskId);
                    stored.Stored(video.Id, bytes);
                    task.AttachVideo(video, lifecycle.Now);
                    task.ReportStep(stored.WantsNarration ? GenerationSteps.Narrate : GenerationSteps.Download,
                        GenerationSteps.ProgressOf(stored.Phase), $"stored {bytes:N0} bytes", lifecycle.Now);
                    return task;
                }, cancellationToken);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task NarrateAsync(VideoGeneration generation, CancellationToken cancellationToken)
    {
        var folder = storage.ToAbsolute(storage.GenerationRelativeDirectory(generation.TaskId));
        Directory.CreateDirectory(folder);
        var audio = Path.Combine(folder, NarrationFileName);
        if (!File.Exists(audio))
        {
            // Speech is charged per character: made once per run and kept, so a retry of the mux does not pay again.
            SpeechAudio speech;
            try
            {
                speech = await client.TextToSpeechAsync(generation.NarrationText!, generation.VoiceId!, cancellationToken);
            }
            catch (MiniMaxException e) when (e.MayHaveReachedServer)
            {
                throw new TaskFailureException(ErrorCodes.NarrationOutcomeUnknown,
                    $"The narration request may have reached MiniMax, but no usable answer came back ({e.Message}); the generated video is stored. Re-run to try the narration again.");
            }
            var partial = audio + ".part";
            await File.WriteAllBytesAsync(partial, speech.Bytes, cancellationToken);
            File.Move(partial, audio, overwrite: true);
        }

        Video source;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            source = await db.Videos.AsNoTracking().FirstOrDefaultAsync(v => v.Id == generation.ResultVideoId, cancellationToken)
                     ?? throw new TaskFailureException(ErrorCodes.VideoMissing, "The generated video was deleted before its narration was added.");
        }

        var temporary = storage.NewIncomingPath();
        try
        {
            await media.MuxAudioAsync(storage.ToAbsolute(source.StoredPath), audio, temporary, source.DurationSeconds ?? generation.DurationSeconds, cancellationToken);
            var size = new FileInfo(temporary).Length;
            await importer.ImportGeneratedAsync(temporary, NameOf(generation, narrated: true), size, await Sha256Async(temporary, cancellationToken),
                options.Value.IngestResults,
                async (db, video) =>
                {
                    var (task, stored) = await LoadForUpdateAsync(db, generation.TaskId);
                    stored.Narrated(video.Id);
                    // The narrated cut is what was asked for: the task (and its card's Play link) points at it.
                    task.AttachVideo(video, lifecycle.Now);
                    task.ReportStep(GenerationSteps.Narrate, 99, "narrated cut stored", lifecycle.Now);
                    return task;
                }, cancellationToken);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task TryAgainLaterAsync(Guid taskId, string error)
    {
        var generation = await LoadAsync(taskId, CancellationToken.None);
        var delay = options.Value.RetrieveRetry;
        if (generation.DeadlineAt is { } deadline && lifecycle.Now + delay > deadline)
        {
            await runner.EndFailedAsync(taskId, new TaskFailureException(ErrorCodes.Timeout, $"The generated video could not be stored before the deadline: {error}"), Policy);
            return;
        }

        var change = await lifecycle.ChangeRunningAsync(taskId, async (db, task, now) =>
        {
            if (task.FailIfCancelRequested(now))
            {
                return true;
            }

            var stored = await db.Generations.FindAsync(taskId);
            stored!.NoteTrouble(error);
            return task.ReportStep(task.CurrentStep ?? GenerationSteps.Download, task.Progress, $"{error}; trying again in {delay.TotalSeconds:0} s", now);
        });
        if (change is { Changed: true, Task.State: TaskState.InProgress })
        {
            logger.LogInformation("Generation {TaskId}: storing the result failed for now ({Error}); trying again in {Delay}", taskId, error, delay);
            await retrievals.ScheduleAsync(taskId, delay);
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        MiniMaxException m => m.IsTransient,
        DownloadUrlExpiredException or IncompleteDownloadException => true,
        // Someone changed the task at the same moment (a cancel request): the next try sees it.
        DbUpdateConcurrencyException => true,
        IOException => true,
        _ => false,
    };

    private async Task<VideoGeneration> LoadAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Generations.AsNoTracking().FirstAsync(g => g.TaskId == taskId, cancellationToken);
    }

    private static async Task<(ProcessingTask Task, VideoGeneration Generation)> LoadForUpdateAsync(VaasDbContext db, Guid taskId)
    {
        var task = await db.Tasks.Include(t => t.Video).FirstAsync(t => t.Id == taskId);
        if (task.State != TaskState.InProgress || task.CancelRequestedAt is not null)
        {
            throw new OperationCanceledException("The task was cancelled while its result was being stored.");
        }

        return (task, await db.Generations.FirstAsync(g => g.TaskId == taskId));
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    private static string NameOf(VideoGeneration generation, bool narrated) =>
        $"{GenerationRules.Excerpt(generation.Prompt, 60) ?? "generated video"}{(narrated ? " (narrated)" : "")}.mp4";
}

/// <summary>Fewer bytes arrived than MiniMax said the file has.</summary>
public sealed class IncompleteDownloadException(long received, long expected)
    : Exception($"The download ended after {received:N0} of {expected:N0} bytes.");
