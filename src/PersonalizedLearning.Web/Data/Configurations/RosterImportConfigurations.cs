using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class RosterImportConfiguration : IEntityTypeConfiguration<RosterImport>
{
    public void Configure(EntityTypeBuilder<RosterImport> b)
    {
        b.Property(r => r.FileName).HasMaxLength(260);
        b.Property(r => r.Mode).HasMaxLength(10);
        b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Summary).HasColumnType("jsonb");
        b.HasOne<District>().WithMany().HasForeignKey(r => r.DistrictId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(r => r.UserId);
        b.HasIndex(r => new { r.DistrictId, r.StartedAt });
    }
}

internal sealed class GuardianInvitationConfiguration : IEntityTypeConfiguration<GuardianInvitation>
{
    public void Configure(EntityTypeBuilder<GuardianInvitation> b)
    {
        b.Property(i => i.CodeHash).HasMaxLength(64);
        b.HasOne<AppUser>().WithMany().HasForeignKey(i => i.UserId);
        b.HasIndex(i => i.CodeHash).IsUnique();
        b.HasIndex(i => i.UserId);
    }
}
