using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.Prefix).HasMaxLength(12);
        builder.Property(k => k.Hash).HasMaxLength(32);
        builder.HasIndex(k => k.Prefix).IsUnique();
        builder.HasIndex(k => k.UserId);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(k => k.IsRevoked);
    }
}
