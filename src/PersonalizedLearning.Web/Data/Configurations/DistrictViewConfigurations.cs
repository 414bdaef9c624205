using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.DistrictView;

namespace PersonalizedLearning.Web.Data.Configurations;

/// <summary>District view: the pre-aggregated school_stats table, one row per school.</summary>
internal sealed class SchoolStatsConfiguration : IEntityTypeConfiguration<SchoolStats>
{
    public void Configure(EntityTypeBuilder<SchoolStats> b)
    {
        b.ToTable("school_stats");
        b.HasKey(s => s.SchoolId);
        b.Property(s => s.SchoolId).ValueGeneratedNever();
        b.HasOne<School>().WithOne().HasForeignKey<SchoolStats>(s => s.SchoolId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<District>().WithMany().HasForeignKey(s => s.DistrictId);
        b.HasIndex(s => s.DistrictId);
    }
}
