using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Data;

public sealed class VaasDbContext(DbContextOptions<VaasDbContext> options) : DbContext(options)
{
    public DbSet<Video> Videos => Set<Video>();
    public DbSet<ProcessingTask> Tasks => Set<ProcessingTask>();
    public DbSet<TaskHistoryEntry> TaskHistory => Set<TaskHistoryEntry>();
    public DbSet<TaskStep> TaskSteps => Set<TaskStep>();
    public DbSet<Frame> Frames => Set<Frame>();
    public DbSet<AudioChunk> AudioChunks => Set<AudioChunk>();
    public DbSet<TextSegment> TextSegments => Set<TextSegment>();
    public DbSet<TextEmbedding> TextEmbeddings => Set<TextEmbedding>();
    public DbSet<VideoGeneration> Generations => Set<VideoGeneration>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VaasDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Unix milliseconds: sortable and comparable in SQL on every provider (SQLite cannot order DateTimeOffset).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}
