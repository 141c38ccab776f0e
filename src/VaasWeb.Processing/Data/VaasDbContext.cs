using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Data;

/// <summary>
/// The one database: tasks, videos, generations, and the accounts (ASP.NET Core Identity) that use them. This type
/// is the SQLite model (its migrations are in Migrations/); <see cref="PostgresVaasDbContext"/> is the same model on
/// PostgreSQL with its own migrations. Code asks for this type either way.
/// </summary>
public class VaasDbContext : IdentityDbContext<IdentityUser>
{
    public VaasDbContext(DbContextOptions<VaasDbContext> options)
        : base(options)
    {
    }

    /// <summary>For the provider's own context, whose options and migrations are its own.</summary>
    protected VaasDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Video> Videos => Set<Video>();
    public DbSet<ProcessingTask> Tasks => Set<ProcessingTask>();
    public DbSet<TaskHistoryEntry> TaskHistory => Set<TaskHistoryEntry>();
    public DbSet<TaskStep> TaskSteps => Set<TaskStep>();
    public DbSet<Frame> Frames => Set<Frame>();
    public DbSet<AudioChunk> AudioChunks => Set<AudioChunk>();
    public DbSet<TextSegment> TextSegments => Set<TextSegment>();
    public DbSet<TextEmbedding> TextEmbeddings => Set<TextEmbedding>();
    public DbSet<Chapter> Chapters => Set<Chapter>();
    public DbSet<VideoGeneration> Generations => Set<VideoGeneration>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VaasDbContext).Assembly);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// The audit log is append-only for the app; the database refuses it too (triggers: the SQLite Accounts migration,
    /// the PostgreSQL Initial migration).
    /// </summary>
    private void RefuseAuditChanges()
    {
        if (ChangeTracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit entries cannot be changed or deleted.");
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Unix milliseconds: sortable and comparable in SQL on every provider (SQLite cannot order DateTimeOffset).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<TaskKind>().HaveConversion<TaskKindConverter>().HaveMaxLength(32);
    }
}
