using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Webhooks;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("WebhookDeliveries");
        builder.Property(d => d.Event).HasMaxLength(32);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        builder.Property(d => d.ClaimedBy).HasMaxLength(64);
        // No key to the task: a delivery outlives a deleted video's tasks (its body is already written).
        builder.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        // The sender's look for due work, and the log's newest first per endpoint.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.EndpointId, d.CreatedAt });
    }
}
