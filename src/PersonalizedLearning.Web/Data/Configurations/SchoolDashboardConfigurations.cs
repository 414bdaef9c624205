using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.SchoolDashboard;

namespace PersonalizedLearning.Web.Data.Configurations;

/// <summary>School dashboard: students' mastery bands as of the last refresh, one row per student × area (0 = all).</summary>
internal sealed class StudentMasteryBandConfiguration : IEntityTypeConfiguration<StudentMasteryBand>
{
    public void Configure(EntityTypeBuilder<StudentMasteryBand> b)
    {
        b.ToTable("student_mastery_bands");
        // Student first: the dashboard and the drill-down join the school's students to their rows.
        b.HasKey(x => new { x.StudentId, x.AreaId });
        b.Property(x => x.StudentId).ValueGeneratedNever();
        b.Property(x => x.AreaId).ValueGeneratedNever();
        b.HasOne<Student>().WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Cascade);
        // No foreign key on the area: 0 stands for "all areas"; the rows are rebuilt on every refresh.
    }
}

/// <summary>School dashboard: evidence per section per week as of the last refresh.</summary>
internal sealed class SectionWeekActivityConfiguration : IEntityTypeConfiguration<SectionWeekActivity>
{
    public void Configure(EntityTypeBuilder<SectionWeekActivity> b)
    {
        b.ToTable("section_week_activity");
        b.HasKey(x => new { x.SectionId, x.Week });
        b.Property(x => x.SectionId).ValueGeneratedNever();
        b.HasOne<Section>().WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Cascade);
    }
}
