using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.Property(n => n.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(n => n.Email).HasConversion<string>().HasMaxLength(20);
        b.Property(n => n.DedupKey).HasMaxLength(200);
        b.Property(n => n.Facts).HasJsonConversion();
        b.HasOne<AppUser>().WithMany().HasForeignKey(n => n.RecipientUserId);
        b.HasOne<Student>().WithMany().HasForeignKey(n => n.StudentId);
        // Raising is INSERT … ON CONFLICT DO NOTHING: two nodes (or a retried transaction) never alert twice.
        b.HasIndex(n => new { n.RecipientUserId, n.DedupKey }).IsUnique();
        b.HasIndex(n => new { n.RecipientUserId, n.CreatedAt });
        b.HasIndex(n => n.CreatedAt).HasFilter("emailed_at IS NULL AND email <> 'Never'").HasDatabaseName("ix_notifications_email_due");
    }
}

internal sealed class AlertPreferenceConfiguration : IEntityTypeConfiguration<AlertPreference>
{
    public void Configure(EntityTypeBuilder<AlertPreference> b)
    {
        b.ToTable("alert_preferences");
        b.HasKey(p => p.UserId);
        b.Property(p => p.Email).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.MutedKinds).HasJsonConversion();
        b.HasOne<AppUser>().WithMany().HasForeignKey(p => p.UserId);
    }
}

internal sealed class MessageThreadConfiguration : IEntityTypeConfiguration<MessageThread>
{
    public void Configure(EntityTypeBuilder<MessageThread> b)
    {
        b.ToTable("message_threads");
        b.HasOne<Student>().WithMany().HasForeignKey(t => t.StudentId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(t => t.GuardianUserId);
        b.HasIndex(t => new { t.StudentId, t.GuardianUserId }).IsUnique();
    }
}

internal sealed class FamilyMessageConfiguration : IEntityTypeConfiguration<FamilyMessage>
{
    public void Configure(EntityTypeBuilder<FamilyMessage> b)
    {
        b.ToTable("family_messages");
        b.Property(m => m.Body).HasMaxLength(4000);
        b.HasOne<MessageThread>().WithMany().HasForeignKey(m => m.ThreadId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(m => m.AuthorUserId);
        b.HasIndex(m => new { m.ThreadId, m.SentAt });
    }
}
