using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class EarlyWarningFlagConfiguration : IEntityTypeConfiguration<EarlyWarningFlag>
{
    public void Configure(EntityTypeBuilder<EarlyWarningFlag> b)
    {
        b.ToTable("early_warning_flags");
        b.Property(f => f.Rule).HasConversion<string>().HasMaxLength(30);
        b.Property(f => f.Episode).HasMaxLength(200);
        b.Property(f => f.ResolutionNote).HasMaxLength(2000);
        b.HasOne<Student>().WithMany().HasForeignKey(f => f.StudentId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(f => f.ResolvedByUserId);
        // One flag per situation: raising is idempotent (INSERT ... ON CONFLICT DO NOTHING).
        b.HasIndex(f => new { f.StudentId, f.Rule, f.Episode }).IsUnique();
        b.HasIndex(f => f.StudentId).HasFilter("resolved_at IS NULL").HasDatabaseName("ix_early_warning_flags_open");
    }
}

internal sealed class InterventionConfiguration : IEntityTypeConfiguration<Intervention>
{
    public void Configure(EntityTypeBuilder<Intervention> b)
    {
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(i => i.ByWhom).HasMaxLength(200);
        b.Property(i => i.Notes).HasMaxLength(4000);
        b.Property(i => i.Outcome).HasMaxLength(2000);
        b.HasOne<Student>().WithMany().HasForeignKey(i => i.StudentId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(i => i.RecordedByUserId);
        b.HasIndex(i => new { i.StudentId, i.Day });
        b.HasIndex(i => i.FollowUpOn).HasFilter("follow_up_on IS NOT NULL");
    }
}
