using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class AudioChunkConfiguration : IEntityTypeConfiguration<AudioChunk>
{
    public void Configure(EntityTypeBuilder<AudioChunk> builder)
    {
        builder.Property(c => c.Path).HasMaxLength(1024);
        builder.HasOne<Video>().WithMany().HasForeignKey(c => c.VideoId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.VideoId, c.Index }).IsUnique();
    }
}
