using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class VideoGenerationConfiguration : IEntityTypeConfiguration<VideoGeneration>
{
    public void Configure(EntityTypeBuilder<VideoGeneration> builder)
    {
        builder.ToTable("Generations");
        builder.HasKey(g => g.TaskId);
        builder.HasOne<ProcessingTask>().WithOne().HasForeignKey<VideoGeneration>(g => g.TaskId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(g => g.Prompt).HasMaxLength(GenerationRules.MaxPromptLength);
        builder.Property(g => g.Model).HasMaxLength(64);
        builder.Property(g => g.Resolution).HasMaxLength(16);
        builder.Property(g => g.FirstFramePath).HasMaxLength(512);
        builder.Property(g => g.NarrationText).HasMaxLength(GenerationRules.MaxNarrationLength);
        builder.Property(g => g.VoiceId).HasMaxLength(256);
        builder.Property(g => g.MiniMaxTaskId).HasMaxLength(64);
        builder.Property(g => g.MiniMaxStatus).HasMaxLength(32);
        builder.Property(g => g.FileId).HasMaxLength(64);
        builder.Property(g => g.LastError).HasMaxLength(1000);
        builder.HasIndex(g => g.SubmittedAt);
        builder.Ignore(g => g.WantsNarration);
    }
}
