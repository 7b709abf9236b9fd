using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OneOff.Dashboard.Data;

/// <summary>Users, roles and run records in one SQLite database under the data root.</summary>
public sealed class DashboardDbContext(DbContextOptions<DashboardDbContext> options) : IdentityDbContext<DashboardUser>(options)
{
    public DbSet<RunRecord> Runs => Set<RunRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
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
            run.Property(r => r.CreatedUtc).HasConversion(utc);
            run.Property(r => r.StartedUtc).HasConversion(utcNullable);
            run.Property(r => r.FinishedUtc).HasConversion(utcNullable);
            run.Property(r => r.RunnerHandle).HasMaxLength(256);
        });
    }
}
