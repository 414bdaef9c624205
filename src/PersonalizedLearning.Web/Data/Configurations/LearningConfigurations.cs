using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class FrameworkConfiguration : IEntityTypeConfiguration<CompetencyFramework>
{
    public void Configure(EntityTypeBuilder<CompetencyFramework> b)
    {
        b.ToTable("competency_frameworks");
        b.Property(f => f.Name).HasMaxLength(200);
        b.Property(f => f.Code).HasMaxLength(50);
        b.Property(f => f.CaseIdentifier).HasMaxLength(100);
        b.Property(f => f.Method).HasConversion<string>().HasMaxLength(30);
        b.HasOne<District>().WithMany().HasForeignKey(f => f.DistrictId);
        b.HasMany(f => f.Levels).WithOne().HasForeignKey(l => l.FrameworkId);
        b.HasMany(f => f.Standards).WithOne(s => s.Framework).HasForeignKey(s => s.FrameworkId);
        b.HasIndex(f => new { f.DistrictId, f.Code }).IsUnique();
        // Mastery settings: concurrency on xmin, who changed the settings last.
        b.Property(f => f.Version).IsRowVersion();
        b.Property(f => f.MethodVersion).HasDefaultValue(1);
        b.Property(f => f.SettingsChangedByUserId).HasMaxLength(450);
    }
}

internal sealed class MasteryLevelConfiguration : IEntityTypeConfiguration<MasteryLevel>
{
    public void Configure(EntityTypeBuilder<MasteryLevel> b)
    {
        b.Property(l => l.Name).HasMaxLength(100);
        b.Property(l => l.Color).HasMaxLength(20);
        b.Property(l => l.Points).HasPrecision(6, 3);
        b.HasIndex(l => new { l.FrameworkId, l.Points }).IsUnique();
    }
}

internal sealed class StandardConfiguration : IEntityTypeConfiguration<Standard>
{
    public void Configure(EntityTypeBuilder<Standard> b)
    {
        b.Property(s => s.Code).HasMaxLength(50);
        b.Property(s => s.Statement).HasMaxLength(2000);
        b.Property(s => s.GradeLevels).HasMaxLength(50);
        b.Property(s => s.CaseIdentifier).HasMaxLength(100);
        b.HasOne<Standard>().WithMany().HasForeignKey(s => s.ParentId);
        b.HasMany(s => s.Prerequisites).WithMany()
            .UsingEntity("standard_prerequisites",
                r => r.HasOne(typeof(Standard)).WithMany().HasForeignKey("prerequisite_id"),
                l => l.HasOne(typeof(Standard)).WithMany().HasForeignKey("standard_id"));
        b.HasIndex(s => new { s.FrameworkId, s.Code }).IsUnique();
        b.HasIndex(s => s.CaseIdentifier);
    }
}

internal sealed class EvidenceConfiguration : IEntityTypeConfiguration<Evidence>
{
    public void Configure(EntityTypeBuilder<Evidence> b)
    {
        b.ToTable("evidence");
        b.Property(e => e.Score).HasPrecision(6, 3);
        b.Property(e => e.Source).HasConversion<string>().HasMaxLength(30);
        b.Property(e => e.Note).HasMaxLength(2000);
        b.Property(e => e.ExternalId).HasMaxLength(100);
        b.Property(e => e.VoidReason).HasMaxLength(500);
        b.HasOne<Student>().WithMany().HasForeignKey(e => e.StudentId);
        b.HasOne<Standard>().WithMany().HasForeignKey(e => e.StandardId);
        b.HasOne<Section>().WithMany().HasForeignKey(e => e.SectionId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(e => e.RecordedByUserId);
        b.HasIndex(e => new { e.StudentId, e.StandardId, e.ObservedAt });
        b.HasIndex(e => new { e.SectionId, e.RecordedAt });
        b.HasIndex(e => e.ExternalId).IsUnique().HasFilter("external_id IS NOT NULL");
    }
}

internal sealed class MasteryRollupConfiguration : IEntityTypeConfiguration<MasteryRollup>
{
    public void Configure(EntityTypeBuilder<MasteryRollup> b)
    {
        b.HasKey(r => new { r.StudentId, r.StandardId });
        b.Property(r => r.Score).HasPrecision(8, 4);
        b.Property(r => r.Method).HasConversion<string>().HasMaxLength(30);
        b.HasOne<Student>().WithMany().HasForeignKey(r => r.StudentId);
        b.HasOne<Standard>().WithMany().HasForeignKey(r => r.StandardId);
        b.HasIndex(r => r.StandardId);
    }
}

internal sealed class LearnerProfileConfiguration : IEntityTypeConfiguration<LearnerProfile>
{
    public void Configure(EntityTypeBuilder<LearnerProfile> b)
    {
        b.HasKey(p => p.StudentId);
        b.HasOne<Student>().WithOne().HasForeignKey<LearnerProfile>(p => p.StudentId);
        foreach (var text in new[] { "Strengths", "Challenges", "Interests", "Aspirations", "LearningPreferences", "Motivation", "SupportNotes" })
        {
            b.Property<string>(text).HasMaxLength(4000);
        }
        b.Property(p => p.Version).IsRowVersion();
    }
}

internal sealed class LearningPlanConfiguration : IEntityTypeConfiguration<LearningPlan>
{
    public void Configure(EntityTypeBuilder<LearningPlan> b)
    {
        b.ToTable("learning_plans");
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(p => p.Aspirations).HasMaxLength(4000);
        b.Property(p => p.Reflection).HasMaxLength(4000);
        b.Property(p => p.Version).IsRowVersion();
        b.HasOne(p => p.Student).WithMany().HasForeignKey(p => p.StudentId);
        b.HasOne<SchoolYear>().WithMany().HasForeignKey(p => p.SchoolYearId);
        b.HasMany(p => p.Goals).WithOne().HasForeignKey(g => g.PlanId);
        b.HasMany(p => p.Milestones).WithOne().HasForeignKey(m => m.PlanId);
        b.HasIndex(p => new { p.StudentId, p.SchoolYearId }).IsUnique();
        b.HasIndex(p => new { p.SchoolYearId, p.Status });
    }
}

internal sealed class PlanGoalConfiguration : IEntityTypeConfiguration<PlanGoal>
{
    public void Configure(EntityTypeBuilder<PlanGoal> b)
    {
        b.Property(g => g.Title).HasMaxLength(200);
        b.Property(g => g.WhyItMatters).HasMaxLength(2000);
        b.Property(g => g.Strategy).HasMaxLength(2000);
        b.Property(g => g.Status).HasConversion<string>().HasMaxLength(30);
        b.HasMany(g => g.Standards).WithMany()
            .UsingEntity("plan_goal_standards",
                r => r.HasOne(typeof(Standard)).WithMany().HasForeignKey("standard_id"),
                l => l.HasOne(typeof(PlanGoal)).WithMany().HasForeignKey("goal_id"));
    }
}

internal sealed class PlanMilestoneConfiguration : IEntityTypeConfiguration<PlanMilestone>
{
    public void Configure(EntityTypeBuilder<PlanMilestone> b) => b.Property(m => m.Title).HasMaxLength(200);
}

internal sealed class CheckInConfiguration : IEntityTypeConfiguration<CheckIn>
{
    public void Configure(EntityTypeBuilder<CheckIn> b)
    {
        b.Property(c => c.Attendance).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Progress).HasMaxLength(2000);
        b.Property(c => c.TodayGoal).HasMaxLength(500);
        b.Property(c => c.HelpWith).HasMaxLength(1000);
        b.Property(c => c.AdvisorNote).HasMaxLength(2000);
        b.Property(c => c.BackfillReason).HasMaxLength(500);
        b.HasOne<Student>().WithMany().HasForeignKey(c => c.StudentId);
        b.HasOne<Advisory>().WithMany().HasForeignKey(c => c.AdvisoryId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(c => c.RecordedByUserId);
        b.HasIndex(c => new { c.StudentId, c.Day }).IsUnique();
        b.HasIndex(c => new { c.AdvisoryId, c.Day });
    }
}

internal sealed class AccessAuditConfiguration : IEntityTypeConfiguration<AccessAudit>
{
    public void Configure(EntityTypeBuilder<AccessAudit> b)
    {
        b.ToTable("access_audit");
        b.Property(a => a.UserId).HasMaxLength(450);
        b.Property(a => a.Role).HasMaxLength(200);
        b.Property(a => a.Action).HasMaxLength(100);
        b.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(20);
        // No foreign keys: the log must outlive what it records, and a denied request may name a missing student.
        b.HasIndex(a => new { a.StudentId, a.At });
        b.HasIndex(a => new { a.UserId, a.At });
    }
}
