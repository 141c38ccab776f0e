using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Ingestion.Steps;
using VaasWeb.Processing.Settings;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Ingestion as a kind of task: its settings, its steps, its job and how many run at once.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddCheckedOptions<IngestionOptions, IngestionOptionsValidator>(IngestionOptions.Section);

        // The order of registration is each step's place (its row's ordinal); the lane each step declares says what may
        // run beside it (IngestionPlan): probe → [frames → frame_text → captions] ‖ [audio → transcript] → chapters → index → embeddings.
        services.AddTransient<IIngestionStep, ProbeStep>();
        services.AddTransient<IIngestionStep, FramesStep>();
        services.AddTransient<IIngestionStep, FrameTextStep>();
        services.AddTransient<IIngestionStep, CaptionsStep>();
        services.AddTransient<IIngestionStep, AudioStep>();
        services.AddTransient<IIngestionStep, TranscriptStep>();
        services.AddTransient<IIngestionStep, ChaptersStep>();
        services.AddTransient<IIngestionStep, IndexStep>();
        services.AddTransient<IIngestionStep, EmbeddingsStep>();
        services.AddTransient<IngestionPipeline>();
        services.AddTransient<IngestionJob>();

        services.AddTaskKind<IngestionKind>();
        services.AddQuartz(quartz => quartz.UseExecutionLimits((provider, limits) => limits.ForGroup(
            IngestionJob.ExecutionGroup, provider.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxConcurrentJobs)));
        return services;
    }
}
