using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OneOff.Dashboard.Audit;

namespace OneOff.Dashboard.Data;

/// <summary>Users, roles, run records and the audit log in one SQLite database under the data root.</summary>
public sealed class DashboardDbContext(DbContextOptions<DashboardDbContext> options) : IdentityDbContext<DashboardUser>(options)
{
    public DbSet<RunRecord> Runs => Set<RunRecord>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>
    /// SQLite's <c>julianday(t)</c> (days since the Julian epoch, fractional) in a query, so that a duration
    /// (finished or now, minus started) sorts in the database. Only for LINQ queries.
    /// </summary>
    public static double? JulianDay(DateTime? utc) => throw new NotSupportedException($"{nameof(JulianDay)} runs only inside a database query ({utc}).");

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasDbFunction(() => JulianDay(default)).HasName("julianday").IsBuiltIn();
        var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        var utcNullable = new ValueConverter<DateTime?, DateTime?>(v => v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
        builder.Entity<RunRecord>(run =>
        {
            run.ToTable("Runs");
            run.HasKey(r => r.Id);
            run.Property(r => r.Id).HasMaxLength(64);
            run.Property(r => r.IdempotencyKey).HasMaxLength(64);
            run.HasIndex(r => r.IdempotencyKey).IsUnique();
            run.Property(r => r.CreatedBy).HasMaxLength(256);
            run.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            run.HasIndex(r => r.State);
            run.HasIndex(r => r.CreatedUtc);
            // The run list filters by who started a run and sorts or filters by best N.
            run.HasIndex(r => new { r.CreatedBy, r.CreatedUtc });
            run.HasIndex(r => r.BestNHidden);
            run.Property(r => r.CreatedUtc).HasConversion(utc);
            run.Property(r => r.StartedUtc).HasConversion(utcNullable);
            run.Property(r => r.FinishedUtc).HasConversion(utcNullable);
            run.Property(r => r.RunnerHandle).HasMaxLength(256);
            run.Property(r => r.OutputsDamaged).HasMaxLength(2048);
            run.Property(r => r.RunnerNote).HasMaxLength(1024);
            run.Property(r => r.Phase).HasMaxLength(128);
            run.Property(r => r.LastSeenUtc).HasConversion(utcNullable);
        });
        builder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable("AuditLog");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Utc).HasConversion(utc);
            entry.HasIndex(e => e.Utc);
            entry.Property(e => e.Action).HasConversion<string>().HasMaxLength(32);
            entry.HasIndex(e => e.Action);
            entry.Property(e => e.Actor).HasMaxLength(AuditEntry.NameLength);
            entry.Property(e => e.AttemptedUserName).HasMaxLength(AuditEntry.NameLength);
            entry.Property(e => e.ClientIp).HasMaxLength(AuditEntry.AddressLength);
            entry.Property(e => e.Target).HasMaxLength(AuditEntry.NameLength);
            entry.Property(e => e.Detail).HasMaxLength(AuditEntry.DetailLength);
        });
    }
}
