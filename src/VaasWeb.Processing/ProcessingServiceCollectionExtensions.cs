using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Clips;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Health;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Ingestion.Steps;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Uploads;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing;

public static class ProcessingServiceCollectionExtensions
{
    /// <summary>Data, media tools, the task model and the Quartz jobs. The host adds an <see cref="ITaskEventSink"/>.</summary>
    public static IServiceCollection AddVaasProcessing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Storage:DataDirectory must name a folder.")
            .Validate(o => o.BusyTimeoutMilliseconds is >= 0 and <= 600_000, "Storage:BusyTimeoutMilliseconds must be between 0 and 600000.")
            .ValidateOnStart();
        services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section)
            .Validate(o => o.MaxConcurrentProcesses is >= 1 and <= 256, "Media:MaxConcurrentProcesses must be between 1 and 256.")
            .Validate(o => string.IsNullOrWhiteSpace(o.FfmpegFolder)
                           || (File.Exists(Path.Combine(o.FfmpegFolder, "ffmpeg")) && File.Exists(Path.Combine(o.FfmpegFolder, "ffprobe"))),
                "Media:FfmpegFolder must name a folder that holds both ffmpeg and ffprobe.")
            .ValidateOnStart();
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateOnStart();
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Upload:MaxBytes must be a positive number of bytes.")
            .Validate(o => o.MaxBytesByRole.All(r => Roles.IsKnown(Roles.All.FirstOrDefault(k => k.Equals(r.Key, StringComparison.OrdinalIgnoreCase))) && r.Value > 0),
                $"Upload:MaxBytesByRole takes the roles {string.Join(", ", Roles.All)}, each with a positive number of bytes.")
            .Validate(o => o.IncompleteExpiryHours is > 0 and <= 24 * 365, "Upload:IncompleteExpiryHours must be between 0 and 8760.")
            .Validate(o => o.BrowserChunkBytes >= 0, "Upload:BrowserChunkBytes must be 0 (one request per file) or a positive number of bytes.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>();
        services.AddOptions<MiniMaxOptions>().BindConfiguration(MiniMaxOptions.Section)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp),
                "MiniMax:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.PollIntervalSeconds is >= 5 and <= 30, "MiniMax:PollIntervalSeconds must be between 5 and 30 (MiniMax's guidance).")
            .Validate(o => o.SubmitPerMinute is >= 1 and <= 10_000, "MiniMax:SubmitPerMinute must be between 1 and 10000.")
            .Validate(o => o.TimeoutMinutes is > 0 and <= 24 * 60, "MiniMax:TimeoutMinutes must be above 0 and at most 1440.")
            .Validate(o => o.RequestTimeoutSeconds is > 0 and <= 600, "MiniMax:RequestTimeoutSeconds must be above 0 and at most 600.")
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "MiniMax:MaxRetries must be between 0 and 10.")
            .Validate(o => o.RetryDelaySeconds is > 0 and <= 600, "MiniMax:RetryDelaySeconds must be above 0 and at most 600.")
            .Validate(o => o.BreakerFailureRatio is > 0 and <= 1, "MiniMax:BreakerFailureRatio must be above 0 and at most 1.")
            .Validate(o => o.BreakerMinimumThroughput >= 2, "MiniMax:BreakerMinimumThroughput must be 2 or more.")
            .Validate(o => o.BreakerSamplingSeconds >= 0.5 && o.BreakerBreakSeconds >= 0.5, "MiniMax:BreakerSamplingSeconds and BreakerBreakSeconds must be 0.5 or more.")
            .Validate(o => o.MaxConcurrentPolls is >= 1 and <= 1024, "MiniMax:MaxConcurrentPolls must be between 1 and 1024.")
            .ValidateOnStart();

        services.AddDbContextFactory<VaasDbContext>((provider, builder) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            Directory.CreateDirectory(storage.ResolvedDataDirectory);
            var connectionString = configuration.GetConnectionString("Vaas");
            builder
                .UseSqlite(string.IsNullOrWhiteSpace(connectionString) ? storage.DefaultConnectionString : connectionString)
                .AddInterceptors(new SqlitePragmas(storage.BusyTimeoutMilliseconds))
                // EF Core logs every failed command as an error before the caller has decided what it means. Here
                // the caller decides: an expected race (two requests registering the same file, a unique index the
                // other one won) is handled and must not read as lost data, and anything unexpected still surfaces
                // as the exception, which the request pipeline or the job logs as an error.
                .ConfigureWarnings(warnings => warnings.Log(
                    (RelationalEventId.CommandError, LogLevel.Debug),
                    (RelationalEventId.TransactionError, LogLevel.Debug),
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITaskEventSink, NoTaskEvents>();
        services.AddSingleton(provider => WorkerIdentity.Resolve(configuration["Worker:Id"], provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddVaasAccounts();
        services.AddSingleton<RunningTasks>();
        services.AddSingleton<MediaStorage>();
        services.AddSingleton<ExternalTools>();
        services.AddSingleton<IMediaTool, FfmpegMediaTool>();
        services.AddSingleton<TaskLifecycle>();
        services.AddSingleton<TaskQueue>();
        services.AddSingleton<TaskCommands>();
        services.AddSingleton<VideoImporter>();
        services.AddSingleton<VideoDeletion>();
        services.AddSingleton<ResumableUploadStore>();

        services.AddMemoryCache();
        services.AddMiniMaxClient();
        services.AddSingleton<GenerationPoller>();
        services.AddTransient<GenerationService>();
        services.AddTransient<GenerationSubmitJob>();
        services.AddTransient<GenerationPollJob>();
        services.AddTransient<GenerationRetrieveJob>();

        services.AddIntelligence();
        services.AddOptions<ClipOptions>().BindConfiguration(ClipOptions.Section)
            .Validate(o => o.PaddingSeconds is >= 0 and <= 600, "Clips:PaddingSeconds must be between 0 and 600.")
            .Validate(o => o.MaxSeconds is >= 1 and <= 86_400, "Clips:MaxSeconds must be between 1 and 86400.")
            .Validate(o => o.MaxAgeHours > 0, "Clips:MaxAgeHours must be above 0.")
            .ValidateOnStart();
        services.AddSingleton<ITextIndex, SqliteTextIndex>();
        services.AddTransient<SearchService>();
        services.AddTransient<VideoQuestions>();
        services.AddSingleton<ClipPlanner>();
        services.AddSingleton<ClipService>();

        // The order of registration is the order the steps run in.
        services.AddTransient<IIngestionStep, ProbeStep>();
        services.AddTransient<IIngestionStep, FramesStep>();
        services.AddTransient<IIngestionStep, FrameTextStep>();
        services.AddTransient<IIngestionStep, CaptionsStep>();
        services.AddTransient<IIngestionStep, AudioStep>();
        services.AddTransient<IIngestionStep, TranscriptStep>();
        services.AddTransient<IIngestionStep, IndexStep>();
        services.AddTransient<IIngestionStep, EmbeddingsStep>();
        services.AddTransient<IngestionPipeline>();
        services.AddTransient<QueueSweepJob>();

        // Hosted services start in registration order: schema first, then recovery, then the scheduler.
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService<TaskRecovery>();
        services.AddHostedService<GenerationRecovery>();
        services.AddQuartz(quartz =>
        {
            quartz.UseInMemoryStore();
            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = 32);
            quartz.UseExecutionLimits((provider, limits) => limits.ForGroup(
                IngestionJob.ExecutionGroup, provider.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxConcurrentJobs));
            quartz.ScheduleJob<ExpiredUploadsJob>(
                trigger => trigger.WithIdentity("expired-uploads", "maintenance")
                    .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(10)).RepeatForever()),
                job => job.WithIdentity(ExpiredUploadsJob.Key));
            quartz.ScheduleJob<QueueSweepJob>(
                trigger => trigger.WithIdentity("queue-sweep", "maintenance")
                    .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()),
                job => job.WithIdentity(QueueSweepJob.Key));
            quartz.ScheduleJob<ExpiredClipsJob>(
                trigger => trigger.WithIdentity("expired-clips", "maintenance")
                    .StartAt(DateTimeOffset.UtcNow.AddMinutes(5))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(30)).RepeatForever()),
                job => job.WithIdentity(ExpiredClipsJob.Key));
            // Both tick every second and do nothing when there is nothing due: the submit job sends what the rate
            // gate allows, the poll job asks MiniMax about each generation whose interval has passed.
            quartz.ScheduleJob<GenerationSubmitJob>(
                trigger => trigger.WithIdentity("generation-submit", "generation")
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).RepeatForever()),
                job => job.WithIdentity(GenerationSubmitJob.Key));
            quartz.ScheduleJob<GenerationPollJob>(
                trigger => trigger.WithIdentity("generation-poll", "generation")
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).RepeatForever()),
                job => job.WithIdentity(GenerationPollJob.Key));
        });
        // Running jobs see the host stopping, kill their ffmpeg and hand their task back; Quartz waits for that.
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<FfmpegHealthCheck>("ffmpeg")
            .AddCheck<ReadersHealthCheck>("readers");
        return services;
    }
}
