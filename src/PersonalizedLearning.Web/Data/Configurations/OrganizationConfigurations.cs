using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class DistrictConfiguration : IEntityTypeConfiguration<District>
{
    public void Configure(EntityTypeBuilder<District> b)
    {
        b.Property(d => d.Name).HasMaxLength(200);
        b.Property(d => d.TimeZoneId).HasMaxLength(64);
        b.OwnsOne(d => d.Settings, s => s.ToJson());
    }
}

internal sealed class SchoolConfiguration : IEntityTypeConfiguration<School>
{
    public void Configure(EntityTypeBuilder<School> b)
    {
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.SourcedId).HasMaxLength(100);
        b.HasIndex(s => new { s.DistrictId, s.SourcedId }).IsUnique();
        b.HasOne<District>().WithMany().HasForeignKey(s => s.DistrictId);
    }
}

internal sealed class SchoolYearConfiguration : IEntityTypeConfiguration<SchoolYear>
{
    public void Configure(EntityTypeBuilder<SchoolYear> b)
    {
        b.Property(y => y.Name).HasMaxLength(50);
        b.Property(y => y.SourcedId).HasMaxLength(100);
        b.HasOne<District>().WithMany().HasForeignKey(y => y.DistrictId);
        b.HasMany(y => y.Terms).WithOne().HasForeignKey(t => t.SchoolYearId);
    }
}

internal sealed class TermConfiguration : IEntityTypeConfiguration<Term>
{
    public void Configure(EntityTypeBuilder<Term> b)
    {
        b.Property(t => t.Name).HasMaxLength(50);
        b.Property(t => t.SourcedId).HasMaxLength(100);
    }
}

internal sealed class CalendarEntryConfiguration : IEntityTypeConfiguration<CalendarEntry>
{
    public void Configure(EntityTypeBuilder<CalendarEntry> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(30);
        b.HasOne<District>().WithMany().HasForeignKey(c => c.DistrictId);
        b.HasOne<School>().WithMany().HasForeignKey(c => c.SchoolId);
        b.HasIndex(c => new { c.DistrictId, c.StartsOn });
    }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.PreferredLanguage).HasMaxLength(10);
        b.Property(u => u.SourcedId).HasMaxLength(100);
        b.HasOne<District>().WithMany().HasForeignKey(u => u.DistrictId);
        b.HasOne<School>().WithMany().HasForeignKey(u => u.SchoolId);
        b.HasIndex(u => u.SourcedId);
        b.HasIndex(u => u.SchoolId);
    }
}
