using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class FrameConfiguration : IEntityTypeConfiguration<Frame>
{
    public void Configure(EntityTypeBuilder<Frame> builder)
    {
        builder.Property(f => f.Path).HasMaxLength(1024);
        builder.HasOne<Video>().WithMany().HasForeignKey(f => f.VideoId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => new { f.VideoId, f.Index }).IsUnique();
    }
}
