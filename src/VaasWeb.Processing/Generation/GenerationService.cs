using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Processing.Generation;

/// <summary>What someone asks for; everything but the prompt (or a first frame) has a default.</summary>
public sealed record GenerationInput(
    string? Prompt,
    string? Model = null,
    int? Duration = null,
    string? Resolution = null,
    bool? PromptOptimizer = null,
    string? FirstFrameDataUrl = null,
    long? FirstFrameId = null,
    byte[]? FirstFrameBytes = null,
    string? NarrationText = null,
    string? VoiceId = null,
    Accounts.Actor? Owner = null);

/// <summary>A request that MiniMax would refuse, or that names something that does not exist; nothing was stored.</summary>
public sealed class GenerationInputException(IReadOnlyList<string> problems) : Exception(string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>A generation and its task, as the API and the pages show it.</summary>
public sealed record GenerationView(TaskSnapshot Task, VideoGeneration Generation);

/// <summary>
/// Takes generation requests: checks them, stores the request and its first frame, and queues the task for the
/// submit job. Nothing is sent from here; the submit job owns the rate limit and the one-send rule.
/// </summary>
public sealed partial class GenerationService(
    IDbContextFactory<VaasDbContext> dbFactory,
    IOptions<MiniMaxOptions> options,
    MiniMaxClient client,
    IMediaTool media,
    MediaStorage storage,
    TaskLifecycle lifecycle,
    TaskQueue queue,
    IMemoryCache cache,
    Accounts.AuditTrail audit,
    ILogger<GenerationService> logger)
{
    /// <summary>MiniMax wants the first frame's short side above 300 px and its shape between 2:5 and 5:2.</summary>
    private const int MinShortSide = 300;
    private const int MaxLongSide = 2048;
    private const double MaxAspect = 2.5;

    public const string WaitingForSlot = "waiting for a MiniMax submit slot";

    public bool IsConfigured => options.Value.IsConfigured;

    public async Task<ProcessingTask> CreateAsync(GenerationInput input, CancellationToken cancellationToken)
    {
        var model = GenerationRules.Find(input.Model ?? GenerationRules.DefaultModel.Name);
        var resolution = input.Resolution?.Trim().ToUpperInvariant()
                         ?? (model?.Resolutions.Contains("768P") == true ? "768P" : model?.Resolutions[0]);
        var duration = input.Duration ?? 6;
        var firstFrameGiven = input.FirstFrameDataUrl is not null || input.FirstFrameId is not null || input.FirstFrameBytes is not null;
        var narration = string.IsNullOrWhiteSpace(input.NarrationText) ? null : input.NarrationText.Trim();
        var problems = GenerationRules.Check(input.Prompt, input.Model ?? GenerationRules.DefaultModel.Name, duration, resolution, firstFrameGiven, narration, input.VoiceId).ToList();
        if (new[] { input.FirstFrameDataUrl is not null, input.FirstFrameId is not null, input.FirstFrameBytes is not null }.Count(given => given) > 1)
        {
            problems.Add("give the first frame one way only: a data URL, a frame id, or a file.");
        }

        if (narration is not null && problems.Count == 0)
        {
            await CheckVoiceAsync(input.VoiceId!.Trim(), problems, cancellationToken);
        }

        if (problems.Count > 0)
        {
            throw new GenerationInputException(problems);
        }

        var now = lifecycle.Now;
        var spec = new GenerationSpec((input.Prompt ?? "").Trim(), model!.Name, duration, resolution!, input.PromptOptimizer ?? true,
            input.FirstFrameId, narration, narration is null ? null : input.VoiceId!.Trim());
        var task = ProcessingTask.Create(TaskKind.Generation, null, "generation requested", now, GenerationRules.Excerpt(spec.Prompt, 80) ?? "Video from a picture", input.Owner);
        task.NoteWaiting(WaitingForSlot, now);
        var folder = storage.ToAbsolute(storage.GenerationRelativeDirectory(task.Id));
        Directory.CreateDirectory(folder);
        try
        {
            var firstFrame = firstFrameGiven ? await StoreFirstFrameAsync(input, task.Id, folder, cancellationToken) : null;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.Tasks.Add(task);
            db.Generations.Add(new VideoGeneration(task.Id, spec, firstFrame, now));
            if (input.Owner is { } owner)
            {
                audit.Add(db, owner, Accounts.AuditActions.GenerationCreate, "task", task.Id.ToString(), $"{spec.Model}, {spec.DurationSeconds} s, {spec.Resolution}: {task.Title}");
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            // Nothing committed: the first frame must not stay behind without its request.
            Directory.Delete(folder, recursive: true);
            throw;
        }

        logger.LogInformation("Generation {TaskId} queued ({Model}, {Duration} s, {Resolution})", task.Id, spec.Model, spec.DurationSeconds, spec.Resolution);
        await lifecycle.PublishAsync(task);
        await queue.EnqueueOrLeaveForSweepAsync(task);
        return task;
    }

    public async Task<GenerationView?> GetAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var generation = await db.Generations.AsNoTracking().FirstOrDefaultAsync(g => g.TaskId == taskId, cancellationToken);
        if (generation is null)
        {
            return null;
        }

        var task = await db.Tasks.AsNoTracking().Include(t => t.Video).FirstAsync(t => t.Id == taskId, cancellationToken);
        return new GenerationView(TaskSnapshot.Of(task), generation);
    }

    /// <summary>MiniMax's voices for narration, asked once every ten minutes.</summary>
    public async Task<IReadOnlyList<MiniMaxVoice>> GetVoicesAsync(CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(nameof(GetVoicesAsync), out IReadOnlyList<MiniMaxVoice>? voices) && voices is not null)
        {
            return voices;
        }

        voices = await client.GetVoicesAsync(cancellationToken);
        cache.Set(nameof(GetVoicesAsync), voices, TimeSpan.FromMinutes(10));
        return voices;
    }

    private async Task CheckVoiceAsync(string voiceId, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            var voices = await GetVoicesAsync(cancellationToken);
            if (voices.All(v => v.Id != voiceId))
            {
                problems.Add($"voice_id '{voiceId}' is not one of MiniMax's voices for this key (see GET /api/generations/voices).");
            }
        }
        catch (MiniMaxException e)
        {
            // The voice list being out of reach must not block the request; MiniMax checks the voice again.
            logger.LogWarning("Could not list MiniMax voices to check {VoiceId}: {Error}", voiceId, e.Message);
        }
    }

    /// <summary>The first frame as a JPEG within MiniMax's limits, stored with the request; its path relative to the media root.</summary>
    private async Task<string> StoreFirstFrameAsync(GenerationInput input, Guid taskId, string folder, CancellationToken cancellationToken)
    {
        string source;
        var upload = Path.Combine(folder, "first-frame-upload");
        if (input.FirstFrameId is { } frameId)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var frame = await db.Frames.AsNoTracking().FirstOrDefaultAsync(f => f.Id == frameId, cancellationToken)
                        ?? throw new GenerationInputException([$"There is no frame {frameId} (frames are replaced when a video is ingested again)."]);
            source = storage.ToAbsolute(frame.Path);
        }
        else
        {
            var bytes = input.FirstFrameBytes ?? DecodeDataUrl(input.FirstFrameDataUrl!);
            if (bytes.Length > GenerationRules.MaxFirstFrameBytes)
            {
                throw new GenerationInputException([$"The first frame is {bytes.Length / 1024 / 1024} MB; MiniMax takes at most 20 MB."]);
            }

            await File.WriteAllBytesAsync(upload, bytes, cancellationToken);
            source = upload;
        }

        var relative = storage.GenerationRelativeDirectory(taskId) + "/first-frame.jpg";
        try
        {
            var (width, height) = await media.PrepareStillAsync(source, storage.ToAbsolute(relative), MinShortSide, MaxLongSide, cancellationToken);
            if ((double)Math.Max(width, height) / Math.Min(width, height) > MaxAspect)
            {
                throw new GenerationInputException([$"The first frame is {width}×{height}; MiniMax needs a shape between 2:5 and 5:2."]);
            }
        }
        catch (MediaException e)
        {
            throw new GenerationInputException([$"The first frame is not usable: {e.Message}"]);
        }
        finally
        {
            File.Delete(upload);
        }

        return relative;
    }

    private static byte[] DecodeDataUrl(string dataUrl)
    {
        var match = DataUrl().Match(dataUrl);
        if (!match.Success)
        {
            throw new GenerationInputException(["first_frame must be a data URL of a JPEG, PNG or WebP picture (data:image/jpeg;base64,...)."]);
        }

        try
        {
            return Convert.FromBase64String(match.Groups["data"].Value);
        }
        catch (FormatException)
        {
            throw new GenerationInputException(["first_frame's base64 data is not valid base64."]);
        }
    }

    [GeneratedRegex(@"^data:image/(?:jpeg|jpg|png|webp);base64,(?<data>[A-Za-z0-9+/=\s]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex DataUrl();
}
