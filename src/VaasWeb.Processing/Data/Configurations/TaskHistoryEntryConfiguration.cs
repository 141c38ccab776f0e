using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class TaskHistoryEntryConfiguration : IEntityTypeConfiguration<TaskHistoryEntry>
{
    public void Configure(EntityTypeBuilder<TaskHistoryEntry> builder)
    {
        builder.ToTable("TaskHistory");
        builder.Property(h => h.Step).HasMaxLength(64);
        builder.Property(h => h.Reason).HasMaxLength(4000);
        builder.HasIndex(h => new { h.TaskId, h.Id });
    }
}
