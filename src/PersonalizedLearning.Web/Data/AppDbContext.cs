using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<District> Districts => Set<District>();
    public DbSet<School> Schools => Set<School>();
    public DbSet<SchoolYear> SchoolYears => Set<SchoolYear>();
    public DbSet<Term> Terms => Set<Term>();
    public DbSet<CalendarEntry> CalendarEntries => Set<CalendarEntry>();
    public DbSet<Student> Students => Set<Student>();
    public DbSet<GuardianLink> GuardianLinks => Set<GuardianLink>();
    public DbSet<Section> Sections => Set<Section>();
    public DbSet<SectionTeacher> SectionTeachers => Set<SectionTeacher>();
    public DbSet<Enrollment> Enrollments => Set<Enrollment>();
    public DbSet<Advisory> Advisories => Set<Advisory>();
    public DbSet<CompetencyFramework> Frameworks => Set<CompetencyFramework>();
    public DbSet<MasteryLevel> MasteryLevels => Set<MasteryLevel>();
    public DbSet<Standard> Standards => Set<Standard>();
    public DbSet<Evidence> Evidence => Set<Evidence>();
    public DbSet<MasteryRollup> MasteryRollups => Set<MasteryRollup>();
    public DbSet<LearnerProfile> LearnerProfiles => Set<LearnerProfile>();
    public DbSet<LearningPlan> Plans => Set<LearningPlan>();
    public DbSet<PlanGoal> PlanGoals => Set<PlanGoal>();
    public DbSet<PlanMilestone> PlanMilestones => Set<PlanMilestone>();
    public DbSet<PlanRevision> PlanRevisions => Set<PlanRevision>();
    public DbSet<PlanSignOff> PlanSignOffs => Set<PlanSignOff>();
    public DbSet<PlanComment> PlanComments => Set<PlanComment>();
    public DbSet<PlanTemplate> PlanTemplates => Set<PlanTemplate>();
    public DbSet<CheckIn> CheckIns => Set<CheckIn>();
    public DbSet<EarlyWarningFlag> Flags => Set<EarlyWarningFlag>();
    public DbSet<Intervention> Interventions => Set<Intervention>();
    // Mastery settings and report-card conversion
    public DbSet<MasteryMethodVersion> MethodVersions => Set<MasteryMethodVersion>();
    public DbSet<ReportCardBand> ReportCardBands => Set<ReportCardBand>();
    // Family: alerts, alert settings, guardian–advisor messages
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<AlertPreference> AlertPreferences => Set<AlertPreference>();
    public DbSet<MessageThread> MessageThreads => Set<MessageThread>();
    public DbSet<FamilyMessage> FamilyMessages => Set<FamilyMessage>();
    public DbSet<AccessAudit> AccessAudit => Set<AccessAudit>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    // OneRoster import
    public DbSet<RosterImport> RosterImports => Set<RosterImport>();
    public DbSet<GuardianInvitation> GuardianInvitations => Set<GuardianInvitation>();

    // District view: pre-aggregated school numbers
    public DbSet<Features.DistrictView.SchoolStats> SchoolStats => Set<Features.DistrictView.SchoolStats>();

    // School dashboard: pre-aggregates refreshed with school_stats
    public DbSet<Features.SchoolDashboard.StudentMasteryBand> StudentMasteryBands => Set<Features.SchoolDashboard.StudentMasteryBand>();
    public DbSet<Features.SchoolDashboard.SectionWeekActivity> SectionWeekActivity => Set<Features.SchoolDashboard.SectionWeekActivity>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<AppUser>().ToTable("users");
        builder.Entity<IdentityRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}
