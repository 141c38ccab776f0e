using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        // No foreign keys: an entry outlives the user, task or video it names.
        builder.ToTable("AuditLog");
        builder.Property(a => a.UserId).HasMaxLength(64);
        builder.Property(a => a.Actor).HasMaxLength(256);
        builder.Property(a => a.Address).HasMaxLength(64);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.TargetKind).HasMaxLength(32);
        builder.Property(a => a.TargetId).HasMaxLength(64);
        builder.Property(a => a.Detail).HasMaxLength(1000);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.Actor, a.At });
        builder.HasIndex(a => new { a.Action, a.At });
        builder.HasIndex(a => new { a.TargetId, a.At });
    }
}
