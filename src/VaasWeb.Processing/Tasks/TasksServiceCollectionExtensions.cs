using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Cluster;
using VaasWeb.Processing.Settings;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Tasks;

public static class TasksServiceCollectionExtensions
{
    /// <summary>
    /// The task model and its machinery, whatever the kind: the state writer, the run wrapper, the queue, commands and
    /// reads, recovery at start, the queue sweep, and the scheduler itself. Kinds add themselves with <see cref="AddTaskKind{THandler}"/>.
    /// </summary>
    public static IServiceCollection AddTasks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<TasksOptions, TasksOptionsValidator>(TasksOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITaskEventSink, NoTaskEvents>();
        services.AddSingleton(provider => WorkerIdentity.Resolve(configuration["Worker:Id"], provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<RunningTasks>();
        services.AddSingleton<TaskLifecycle>();
        services.AddSingleton<TaskKinds>();
        services.AddSingleton<TaskQueue>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<CrashedRuns>();
        services.AddSingleton<TaskCommands>();
        services.AddSingleton<TaskQueries>();

        // Recovery runs after the schema (registered before) and before the scheduler starts (registered after).
        services.AddHostedService<TaskRecovery>();
        var cluster = ClusterMode.From(configuration);
        services.AddSingleton(cluster);
        services.AddQuartz(quartz =>
        {
            if (cluster.IsClustered)
            {
                var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
                ClusterScheduler.UseClusteredStore(quartz, cluster, WorkerIdentity.Resolve(configuration["Worker:Id"], storage));
            }
            else
            {
                quartz.UseInMemoryStore();
            }

            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = 32);
        });
        if (cluster.IsClustered)
        {
            ClusterScheduler.AddNodeServices(services);
        }

        services.AddRecurringJob<QueueSweepJob>(QueueSweepJob.Key, every: TimeSpan.FromMinutes(1), firstAfter: TimeSpan.FromMinutes(1));
        TasksOptions stalls;
        try
        {
            stalls = configuration.GetSection(TasksOptions.Section).Get<TasksOptions>() ?? new TasksOptions();
        }
        catch (InvalidOperationException)
        {
            // A value that is not a number: the checked options say so, naming the setting, when the host starts.
            stalls = new TasksOptions();
        }

        services.AddRecurringJob<StallWatchJob>(StallWatchJob.Key, every: stalls.CheckInterval, firstAfter: stalls.CheckInterval);
        // Running jobs see the host stopping, kill their tools and hand their task back; Quartz waits for that.
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>Runs <typeparamref name="TJob"/> every <paramref name="every"/> (the first time after <paramref name="firstAfter"/>, or at once).</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, JobKey key, TimeSpan every, TimeSpan? firstAfter = null)
        where TJob : class, IJob
    {
        services.AddTransient<TJob>();
        services.AddQuartz(quartz => quartz.ScheduleJob<TJob>(
            trigger =>
            {
                trigger.WithIdentity(key.Name, key.Group).WithSimpleSchedule(s => s.WithInterval(every).RepeatForever());
                if (firstAfter is { } delay)
                {
                    trigger.StartAt(DateTimeOffset.UtcNow + delay);
                }
            },
            job => job.WithIdentity(key)));
        return services;
    }

    /// <summary>Adds a kind of task: the queue, recovery and the sweep ask <typeparamref name="THandler"/> about its tasks.</summary>
    public static IServiceCollection AddTaskKind<THandler>(this IServiceCollection services)
        where THandler : class, ITaskKindHandler
    {
        services.AddSingleton<ITaskKindHandler, THandler>();
        return services;
    }
}
