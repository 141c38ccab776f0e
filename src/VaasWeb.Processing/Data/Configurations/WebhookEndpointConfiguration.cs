using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Webhooks;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.ToTable("WebhookEndpoints");
        builder.Property(e => e.Url).HasMaxLength(2048);
        builder.Property(e => e.ProtectedSecret).HasMaxLength(2048);
        builder.Property(e => e.Events).HasMaxLength(256);
        builder.HasIndex(e => e.OwnerId);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(e => e.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(e => e.EventList);
    }
}
