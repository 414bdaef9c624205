using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class MasteryMethodVersionConfiguration : IEntityTypeConfiguration<MasteryMethodVersion>
{
    public void Configure(EntityTypeBuilder<MasteryMethodVersion> b)
    {
        b.ToTable("mastery_method_versions");
        b.HasKey(v => new { v.FrameworkId, v.Version });
        b.Property(v => v.Method).HasConversion<string>().HasMaxLength(30);
        b.Property(v => v.MasteryPoints).HasPrecision(6, 3);
        b.Property(v => v.ChangedByUserId).HasMaxLength(450);
        b.HasOne<CompetencyFramework>().WithMany().HasForeignKey(v => v.FrameworkId);
    }
}

internal sealed class ReportCardBandConfiguration : IEntityTypeConfiguration<ReportCardBand>
{
    public void Configure(EntityTypeBuilder<ReportCardBand> b)
    {
        b.ToTable("report_card_bands");
        b.Property(x => x.From).HasPrecision(6, 2).HasColumnName("from_score");
        b.Property(x => x.To).HasPrecision(6, 2).HasColumnName("to_score");
        b.Property(x => x.Grade).HasMaxLength(ReportCardConversion.MaxGradeLength);
        b.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictId);
        b.HasIndex(x => new { x.DistrictId, x.From });
    }
}
