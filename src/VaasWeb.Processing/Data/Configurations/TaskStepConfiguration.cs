using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class TaskStepConfiguration : IEntityTypeConfiguration<TaskStep>
{
    public void Configure(EntityTypeBuilder<TaskStep> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(64);
        builder.Property(s => s.Detail).HasMaxLength(4000);
        builder.HasOne<ProcessingTask>().WithMany().HasForeignKey(s => s.TaskId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.TaskId, s.Attempt, s.Ordinal });
    }
}
