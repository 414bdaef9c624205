using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class StudentConfiguration : IEntityTypeConfiguration<Student>
{
    public void Configure(EntityTypeBuilder<Student> b)
    {
        b.Property(s => s.StudentNumber).HasMaxLength(50);
        b.Property(s => s.SourcedId).HasMaxLength(100);
        b.Property(s => s.FirstName).HasMaxLength(100);
        b.Property(s => s.LastName).HasMaxLength(100);
        b.Property(s => s.PreferredLanguage).HasMaxLength(10);
        b.Ignore(s => s.FullName);
        b.Property(s => s.Sex).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.RaceEthnicity).HasConversion<string>().HasMaxLength(40);
        b.HasOne<District>().WithMany().HasForeignKey(s => s.DistrictId);
        b.HasOne(s => s.School).WithMany().HasForeignKey(s => s.SchoolId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId);
        b.HasOne(s => s.Advisory).WithMany(a => a.Members).HasForeignKey(s => s.AdvisoryId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(s => new { s.DistrictId, s.SourcedId }).IsUnique();
        b.HasIndex(s => new { s.DistrictId, s.StudentNumber }).IsUnique();
        b.HasIndex(s => s.UserId).IsUnique();
        b.HasIndex(s => new { s.SchoolId, s.GradeLevel });
        b.HasIndex(s => s.AdvisoryId);
    }
}

internal sealed class GuardianLinkConfiguration : IEntityTypeConfiguration<GuardianLink>
{
    public void Configure(EntityTypeBuilder<GuardianLink> b)
    {
        b.Property(g => g.Relationship).HasConversion<string>().HasMaxLength(30);
        b.HasOne<AppUser>().WithMany().HasForeignKey(g => g.GuardianUserId);
        b.HasOne(g => g.Student).WithMany(s => s.GuardianLinks).HasForeignKey(g => g.StudentId);
        b.HasIndex(g => new { g.GuardianUserId, g.StudentId }).IsUnique();
        b.HasIndex(g => g.StudentId);
    }
}

internal sealed class SectionConfiguration : IEntityTypeConfiguration<Section>
{
    public void Configure(EntityTypeBuilder<Section> b)
    {
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.CourseName).HasMaxLength(200);
        b.Property(s => s.SourcedId).HasMaxLength(100);
        b.HasOne<School>().WithMany().HasForeignKey(s => s.SchoolId);
        b.HasOne<SchoolYear>().WithMany().HasForeignKey(s => s.SchoolYearId);
        b.HasMany(s => s.Teachers).WithOne().HasForeignKey(t => t.SectionId);
        b.HasIndex(s => new { s.SchoolId, s.SourcedId }).IsUnique();
    }
}

internal sealed class SectionTeacherConfiguration : IEntityTypeConfiguration<SectionTeacher>
{
    public void Configure(EntityTypeBuilder<SectionTeacher> b)
    {
        b.HasKey(t => new { t.SectionId, t.TeacherUserId });
        b.HasOne<AppUser>().WithMany().HasForeignKey(t => t.TeacherUserId);
        b.HasIndex(t => t.TeacherUserId);
    }
}

internal sealed class EnrollmentConfiguration : IEntityTypeConfiguration<Enrollment>
{
    public void Configure(EntityTypeBuilder<Enrollment> b)
    {
        b.HasKey(e => new { e.SectionId, e.StudentId });
        b.HasOne(e => e.Section).WithMany(s => s.Enrollments).HasForeignKey(e => e.SectionId);
        b.HasOne(e => e.Student).WithMany(s => s.Enrollments).HasForeignKey(e => e.StudentId);
        b.HasIndex(e => e.StudentId);
    }
}

internal sealed class AdvisoryConfiguration : IEntityTypeConfiguration<Advisory>
{
    public void Configure(EntityTypeBuilder<Advisory> b)
    {
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.SourcedId).HasMaxLength(100);
        b.HasOne<School>().WithMany().HasForeignKey(a => a.SchoolId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(a => a.AdvisorUserId);
        b.HasIndex(a => a.AdvisorUserId);
        b.HasIndex(a => a.SchoolId);
    }
}
