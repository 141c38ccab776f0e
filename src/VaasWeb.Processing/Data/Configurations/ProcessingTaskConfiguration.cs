using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class ProcessingTaskConfiguration : IEntityTypeConfiguration<ProcessingTask>
{
    public void Configure(EntityTypeBuilder<ProcessingTask> builder)
    {
        builder.ToTable("Tasks");
        builder.Property(t => t.CurrentStep).HasMaxLength(64);
        builder.Property(t => t.StepDetail).HasMaxLength(256);
        builder.Property(t => t.Title).HasMaxLength(200);
        builder.Property(t => t.ErrorCode).HasMaxLength(64);
        builder.Property(t => t.ErrorMessage).HasMaxLength(4000);
        builder.Property(t => t.CancelRequestedBy).HasMaxLength(256);
        builder.Property(t => t.WorkerId).HasMaxLength(256);
        builder.Property(t => t.OwnerId).HasMaxLength(64);
        builder.Property(t => t.OwnerName).HasMaxLength(256);
        builder.HasIndex(t => new { t.OwnerId, t.CreatedAt });
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasOne(t => t.Video).WithMany().HasForeignKey(t => t.VideoId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(t => t.History).WithOne().HasForeignKey(h => h.TaskId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.State, t.CreatedAt });
        builder.HasIndex(t => new { t.VideoId, t.Kind });
        // One pending or running ingestion per video, whoever asks at the same moment. Plain SQL that SQLite and
        // PostgreSQL both read (enums are stored by name).
        builder.HasIndex(t => t.VideoId)
            .IsUnique()
            .HasFilter("\"Kind\" = 'Ingestion' AND \"State\" IN ('Pending', 'InProgress')")
            .HasDatabaseName("IX_Tasks_OneActiveIngestionPerVideo");
        builder.Ignore(t => t.IsFinished);
    }
}
