using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class PlanRevisionConfiguration : IEntityTypeConfiguration<PlanRevision>
{
    public void Configure(EntityTypeBuilder<PlanRevision> b)
    {
        b.Property(r => r.Role).HasMaxLength(200);
        b.Property(r => r.Changes).HasJsonConversion();
        b.Property(r => r.Snapshot).HasJsonConversion();
        b.HasOne<LearningPlan>().WithMany().HasForeignKey(r => r.PlanId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(r => r.UserId);
        b.HasIndex(r => new { r.PlanId, r.At });
    }
}

internal sealed class PlanSignOffConfiguration : IEntityTypeConfiguration<PlanSignOff>
{
    public void Configure(EntityTypeBuilder<PlanSignOff> b)
    {
        b.ToTable("plan_sign_offs");
        b.Property(s => s.Action).HasConversion<string>().HasMaxLength(30);
        b.Property(s => s.Role).HasMaxLength(200);
        b.Property(s => s.Note).HasMaxLength(2000);
        b.HasOne<LearningPlan>().WithMany().HasForeignKey(s => s.PlanId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId);
        b.HasIndex(s => new { s.PlanId, s.At });
    }
}

internal sealed class PlanCommentConfiguration : IEntityTypeConfiguration<PlanComment>
{
    public void Configure(EntityTypeBuilder<PlanComment> b)
    {
        b.Property(c => c.AuthorRole).HasMaxLength(200);
        b.Property(c => c.Body).HasMaxLength(PlanComment.BodyLimit);
        b.HasOne<LearningPlan>().WithMany().HasForeignKey(c => c.PlanId);
        b.HasOne<PlanGoal>().WithMany().HasForeignKey(c => c.GoalId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<AppUser>().WithMany().HasForeignKey(c => c.AuthorUserId);
        b.HasIndex(c => new { c.PlanId, c.At });
    }
}

internal sealed class PlanTemplateConfiguration : IEntityTypeConfiguration<PlanTemplate>
{
    public void Configure(EntityTypeBuilder<PlanTemplate> b)
    {
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.Aspirations).HasMaxLength(PlanContent.TextLimit);
        b.Property(t => t.Goals).HasJsonConversion();
        b.HasOne<District>().WithMany().HasForeignKey(t => t.DistrictId);
        b.HasOne<School>().WithMany().HasForeignKey(t => t.SchoolId);
    }
}
