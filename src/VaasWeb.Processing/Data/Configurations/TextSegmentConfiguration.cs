using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Data.Configurations;

internal sealed class TextSegmentConfiguration : IEntityTypeConfiguration<TextSegment>
{
    public void Configure(EntityTypeBuilder<TextSegment> builder)
    {
        builder.Property(s => s.Text).HasMaxLength(8000);
        builder.Property(s => s.WordStarts).HasMaxLength(16000);
        builder.HasOne<Video>().WithMany().HasForeignKey(s => s.VideoId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.VideoId, s.StartSeconds });
    }
}

internal sealed class TextEmbeddingConfiguration : IEntityTypeConfiguration<TextEmbedding>
{
    public void Configure(EntityTypeBuilder<TextEmbedding> builder)
    {
        builder.HasKey(e => e.TextSegmentId);
        builder.HasOne<TextSegment>().WithOne().HasForeignKey<TextEmbedding>(e => e.TextSegmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => e.VideoId);
    }
}

internal sealed class ChapterConfiguration : IEntityTypeConfiguration<Chapter>
{
    public void Configure(EntityTypeBuilder<Chapter> builder)
    {
        builder.Property(c => c.Title).HasMaxLength(Chapter.MaxTitleLength);
        builder.Property(c => c.Summary).HasMaxLength(Chapter.MaxSummaryLength);
        builder.HasOne<Video>().WithMany().HasForeignKey(c => c.VideoId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.VideoId, c.Index }).IsUnique();
    }
}
