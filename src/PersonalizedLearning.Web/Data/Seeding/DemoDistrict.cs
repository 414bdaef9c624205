using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Seeding;

/// <summary>A demo account: the role it shows, its email (user name) and a short description.</summary>
public sealed record DemoLogin(string Role, string Email, string Description);

/// <summary>
/// The synthetic Cedar Valley School District: two schools, 595 students, 30 teachers (25 of them advisors), families,
/// two frameworks, eight weeks of evidence and check-ins, and plans in every state. Deterministic (fixed seed, fixed
/// lists); only the dates follow "today" in the district's time zone. Every account's password is <see cref="Password"/>.
/// Besides the six <see cref="Logins"/>, <see cref="DualRoleEmail"/> (Marcus Reed) is a high-school teacher who is also
/// the guardian of a middle-school student, for trying a user with two roles.
/// </summary>
public static class DemoDistrict
{
    public const string Password = "CedarValley-Demo-2026";

    /// <summary>Marcus Reed: a high-school history teacher (not an advisor) and the parent of Jordan Reed, grade 6.</summary>
    public const string DualRoleEmail = "marcus.reed@cedarvalley.example";

    private const long SeedLockKey = 20261;

    /// <summary>One demo account per role.</summary>
    public static IReadOnlyList<DemoLogin> Logins { get; } =
    [
        new(Roles.Student, DemoText.StudentEmail, "Maya Ortiz, grade 7"),
        new(Roles.Teacher, DemoText.TeacherEmail, "Daniel Kim, middle-school math teacher"),
        new(Roles.Advisor, DemoText.AdvisorEmail, "Rosa Alvarez, Maya's advisor and science teacher"),
        new(Roles.Guardian, DemoText.GuardianEmail, "Elena Ortiz, mother of Maya and Mateo (Spanish)"),
        new(Roles.Principal, DemoText.PrincipalEmail, "Dr. James Whitfield, middle-school principal"),
        new(Roles.DistrictAdmin, DemoText.AdminEmail, "Priya Natarajan, district administrator"),
    ];

    /// <summary>
    /// Seeds the synthetic Cedar Valley School District unless a district already exists (idempotent). Returns true if it seeded.
    /// </summary>
    public static Task<bool> SeedAsync(AppDbContext db, TimeProvider clock, ILogger logger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        // The context may retry on transient failures; the whole seed is one retriable unit in one transaction.
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(token => SeedOnceAsync(db, clock, logger, token), ct);
    }

    /// <summary>The demo district's report-card conversion on the 1–4 scale.</summary>
    private static IEnumerable<ReportCardBand> ReportCardBands(int districtId) =>
    [
        new ReportCardBand { DistrictId = districtId, From = 3.50m, To = 4.00m, Grade = "A" },
        new ReportCardBand { DistrictId = districtId, From = 2.50m, To = 3.49m, Grade = "B" },
        new ReportCardBand { DistrictId = districtId, From = 1.50m, To = 2.49m, Grade = "C" },
        new ReportCardBand { DistrictId = districtId, From = 1.00m, To = 1.49m, Grade = "D" },
    ];

    private static async Task<bool> SeedOnceAsync(AppDbContext db, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var started = Stopwatch.GetTimestamp();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two nodes starting together must not both seed: the second waits here, then sees the district.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", ct);
        if (await db.Districts.AnyAsync(ct))
        {
            DemoLog.Skipped(logger);
            return false;
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(DemoBuilder.TimeZoneId, out var found) ? found : TimeZoneInfo.Utc;
        // Hashing is slow by design: hash once and share the hash (every demo account has the same password).
        var hash = new PasswordHasher<AppUser>().HashPassword(new AppUser { DisplayName = "demo" }, Password);
        var demo = new DemoBuilder(clock.GetUtcNow(), zone, hash);
        DemoLog.Generated(logger, Elapsed(started));

        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            db.Add(demo.District);
            await db.SaveChangesAsync(ct);
            demo.BindDistrict();

            db.AddRange(demo.Schools);
            db.Add(demo.Year);
            db.AddRange(demo.CalendarEntries);
            db.AddRange(demo.Frameworks);
            db.AddRange(demo.ParentStandards);
            var roleIds = await EnsureRolesAsync(db, ct);
            await db.SaveChangesAsync(ct);
            demo.BindOrganization();

            db.AddRange(demo.Users);
            db.AddRange(demo.UserRoles.Select(r => new IdentityUserRole<string> { UserId = r.User.Id, RoleId = roleIds[r.Role] }));
            db.AddRange(demo.ChildStandards);
            db.AddRange(demo.Advisories);
            db.AddRange(demo.Sections);
            await db.SaveChangesAsync(ct);
            demo.BindPeople();

            db.AddRange(demo.Students);
            db.AddRange(demo.Plans);
            await db.SaveChangesAsync(ct);
            demo.BindStudents();

            db.AddRange(demo.Profiles);
            db.AddRange(PlanTemplates(demo.District.Id));
            // Mastery settings: version 1 of each framework's method, and the report-card conversion.
            db.AddRange(demo.Frameworks.Select(f => new MasteryMethodVersion
            {
                FrameworkId = f.Id,
                Version = f.MethodVersion,
                Method = f.Method,
                Parameter = f.MethodParameter,
                MasteryPoints = f.Levels.Single(l => l.IsMastery).Points,
                ChangedAt = clock.GetUtcNow(),
            }));
            db.AddRange(ReportCardBands(demo.District.Id));
            await db.SaveChangesAsync(ct);
            DemoLog.Saved(logger, Elapsed(started));

            var evidence = await DemoCopy.EvidenceAsync(db, demo.Evidence, ct);
            var rollups = await DemoCopy.RollupsAsync(db, demo.Rollups, ct);
            var checkIns = await DemoCopy.CheckInsAsync(db, demo.CheckIns, ct);
            await DemoFamily.SeedAsync(db, clock.GetUtcNow(), ct); // Family: messages and alerts
            await tx.CommitAsync(ct);

            DemoLog.Seeded(logger, demo.District.Id, demo.Students.Count, demo.StaffCount, demo.GuardianCount,
                demo.Sections.Count, demo.Advisories.Count, demo.ParentStandards.Count + demo.ChildStandards.Count,
                demo.Plans.Count, evidence, rollups, checkIns, Elapsed(started));
            return true;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>District plan templates for new plans: one per grade band.</summary>
    private static IEnumerable<PlanTemplate> PlanTemplates(int districtId) =>
    [
        new()
        {
            DistrictId = districtId, Name = "Middle school plan (grades 6–8)", LowestGrade = 6, HighestGrade = 8,
            Aspirations = "What I want to explore this year, and what I might want to do after school:",
            Goals =
            [
                new("A math skill I want to master", "Math opens doors in every career.", "Practice with my teacher's playlists and check in weekly.", 10),
                new("A personal quality I want to grow", "Being organized and persistent helps me in every class.", "Set a weekly routine and review it in advisory.", 8),
            ],
        },
        new()
        {
            DistrictId = districtId, Name = "High school plan (grades 9–12)", LowestGrade = 9, HighestGrade = 12,
            Aspirations = "My college and career goals, and how this year moves me toward them:",
            Goals =
            [
                new("A skill my postsecondary path needs", "It brings me closer to the college or career I want.", "Project work with a mentor or an internship.", 12),
                new("A communication goal", "Clear writing and speaking matter wherever I go.", "Draft, get feedback in advisory, revise.", 8),
            ],
        },
    ];

    /// <summary>The ids of the six roles, adding the ones that do not exist yet.</summary>
    private static async Task<Dictionary<string, string>> EnsureRolesAsync(AppDbContext db, CancellationToken ct)
    {
        var existing = await db.Roles.AsNoTracking()
            .Where(r => r.NormalizedName != null)
            .ToDictionaryAsync(r => r.NormalizedName!, r => r.Id, ct);
        var ids = new Dictionary<string, string>();
        foreach (var role in Roles.All)
        {
            var normalized = role.ToUpperInvariant();
            if (!existing.TryGetValue(normalized, out var id))
            {
                id = DemoBuilder.StableGuid("role:" + role);
                db.Add(new IdentityRole { Id = id, Name = role, NormalizedName = normalized, ConcurrencyStamp = id });
            }
            ids[role] = id;
        }
        return ids;
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

internal static partial class DemoLog
{
    [LoggerMessage(LogLevel.Information, "A district exists; the demo district is not seeded")]
    public static partial void Skipped(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Demo district generated in memory in {ElapsedMs} ms")]
    public static partial void Generated(ILogger logger, long elapsedMs);

    [LoggerMessage(LogLevel.Information, "Demo district rows saved through EF in {ElapsedMs} ms")]
    public static partial void Saved(ILogger logger, long elapsedMs);

    [LoggerMessage(LogLevel.Information,
        "Seeded the demo district {DistrictId}: {Students} students, {Staff} staff, {Guardians} guardians, {Sections} sections, "
        + "{Advisories} advisories, {Standards} standards, {Plans} plans, {Evidence} evidence, {Rollups} rollups, "
        + "{CheckIns} check-ins in {ElapsedMs} ms")]
    public static partial void Seeded(ILogger logger, int districtId, int students, int staff, int guardians, int sections,
        int advisories, int standards, int plans, long evidence, long rollups, long checkIns, long elapsedMs);
}
