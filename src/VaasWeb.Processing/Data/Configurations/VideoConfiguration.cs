using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class VideoConfiguration : IEntityTypeConfiguration<Video>
{
    public void Configure(EntityTypeBuilder<Video> builder)
    {
        builder.Property(v => v.OriginalFileName).HasMaxLength(512);
        builder.Property(v => v.StoredPath).HasMaxLength(1024);
        builder.HasIndex(v => v.StoredPath).IsUnique();
        builder.Property(v => v.Sha256).HasMaxLength(64);
        // Uploads look for an earlier video with the same bytes.
        builder.HasIndex(v => v.Sha256);
        builder.Property(v => v.OwnerId).HasMaxLength(450);
        builder.Property(v => v.Container).HasMaxLength(128);
        builder.Property(v => v.VideoCodec).HasMaxLength(64);
        builder.Property(v => v.AudioCodec).HasMaxLength(64);
        builder.Property(v => v.ThumbnailPath).HasMaxLength(1024);
        builder.HasIndex(v => v.CreatedAt);
    }
}
