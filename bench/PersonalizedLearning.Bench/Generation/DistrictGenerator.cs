using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Bench.Generation;

/// <summary>
/// Generates the large synthetic district into an empty database with the app's own schema (the real EF migrations):
/// schools, staff, guardians, students, sections, advisories, two frameworks with 300 standards, evidence, a school
/// year of check-ins and plans, all with PostgreSQL binary COPY (table and column names from the EF model via
/// <see cref="DemoCopy"/>); the rollups are then computed set-based in SQL from the evidence, with the same
/// decaying-average arithmetic as the app's calculator. Deterministic (fixed seed). Synthetic names only.
/// </summary>
public static class DistrictGenerator
{
    public const int FrameworkALeaves = 60;
    private const int FrameworkAStrands = 10;
    private const int FrameworkBGroups = 20;
    private const int Periods = 6;
    private const int SectionSize = 35;
    private const int DecayRate = 65;
    private static readonly string[] Courses = ["Mathematics", "Learning goals seminar", "Science", "English", "History", "Arts"];
    private static readonly string[] First =
        ["Avery", "Blake", "Casey", "Dana", "Emery", "Finley", "Gray", "Harper", "Indy", "Jordan", "Kai", "Logan", "Morgan",
         "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Taylor", "Uma", "Val", "Wren", "Xen", "Yael", "Zion"];
    private static readonly string[] Last =
        ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ivy", "Juniper", "Kapok", "Larch", "Maple",
         "Nutmeg", "Oak", "Pine", "Quince", "Rowan", "Spruce", "Teak", "Umber", "Vine", "Willow", "Yew", "Zelkova"];

    public static async Task<(DistrictFacts Facts, IReadOnlyList<ResultRow> Rows)> GenerateAsync(BenchOptions options, CancellationToken ct)
    {
        var size = options.Size;
        var total = Stopwatch.StartNew();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Owner"] = options.OwnerConnection,
            ["ConnectionStrings:App"] = options.AppConnection,
            ["Database:AppRole"] = new NpgsqlConnectionStringBuilder(options.AppConnection).Username,
        }).Build();

        BenchContext.Log($"generator: resetting schema and applying the app's migrations ({size.Name} size)");
        await using (var reset = new NpgsqlConnection(options.OwnerConnection))
        {
            await reset.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;", reset);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        NpgsqlConnection.ClearAllPools();
        await DatabaseSetup.MigrateAsync(config, NullLogger.Instance, ct);

        await using var db = DatabaseSetup.OwnerContext(config);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var plan = new Layout(size, DateOnly.FromDateTime(DateTime.UtcNow));
        var phases = new List<(string Phase, long Rows, TimeSpan Took)>();

        // Small reference tables through EF (a few hundred rows).
        var sw = Stopwatch.StartNew();
        var district = new District { Name = "Synthetic Bench District", TimeZoneId = "UTC" };
        db.Add(district);
        await db.SaveChangesAsync(ct);
        var year = new SchoolYear { DistrictId = district.Id, Name = $"{plan.YearStart.Year}-{plan.YearStart.Year + 1}", StartsOn = plan.YearStart, EndsOn = plan.YearStart.AddMonths(10) };
        db.Add(year);
        var schools = Enumerable.Range(0, size.Schools).Select(i => new School
        {
            DistrictId = district.Id,
            Name = $"Bench School {i + 1:000}",
            SourcedId = $"sch-{i + 1:000}",
            LowestGrade = 6,
            HighestGrade = 12,
        }).ToList();
        db.AddRange(schools);
        var roleIds = await EnsureRolesAsync(db, ct);
        var frameworks = Frameworks(district.Id);
        db.AddRange(frameworks);
        await db.SaveChangesAsync(ct);
        var (leavesA, leavesB) = await StandardsAsync(db, frameworks, ct);
        phases.Add(("reference tables (EF)", schools.Count + leavesA.Length + leavesB.Length, sw.Elapsed));

        await using var conn = new NpgsqlConnection(options.OwnerConnection);
        await conn.OpenAsync(ct);
        var hash = new PasswordHasher<AppUser>().HashPassword(new AppUser { DisplayName = "bench" }, DistrictFacts.Password);
        plan.Assign(schools.Select(s => s.Id).ToArray());

        async Task Phase(string name, Func<long> copy)
        {
            var t = Stopwatch.StartNew();
            var n = await Task.Run(copy, ct);
            phases.Add((name, n, t.Elapsed));
            BenchContext.Log($"generator: {name}: {n:#,0} rows in {t.Elapsed.TotalSeconds:0.0} s");
        }

        await Phase("users", () => Copy(conn, db, typeof(AppUser), plan.Users(district.Id, hash),
            [nameof(AppUser.Id), nameof(AppUser.DistrictId), nameof(AppUser.DisplayName), nameof(AppUser.PreferredLanguage),
             nameof(AppUser.SchoolId), nameof(AppUser.SourcedId), nameof(AppUser.Active), nameof(AppUser.UserName),
             nameof(AppUser.NormalizedUserName), nameof(AppUser.Email), nameof(AppUser.NormalizedEmail), nameof(AppUser.EmailConfirmed),
             nameof(AppUser.PasswordHash), nameof(AppUser.SecurityStamp), nameof(AppUser.ConcurrencyStamp),
             nameof(AppUser.PhoneNumberConfirmed), nameof(AppUser.TwoFactorEnabled), nameof(AppUser.LockoutEnabled), nameof(AppUser.AccessFailedCount)],
            (w, u) =>
            {
                w.Write(u.Id, NpgsqlDbType.Text); w.Write(u.DistrictId, NpgsqlDbType.Integer); w.Write(u.DisplayName, NpgsqlDbType.Text);
                w.Write(u.PreferredLanguage, NpgsqlDbType.Text);
                if (u.SchoolId is { } s) { w.Write(s, NpgsqlDbType.Integer); } else { w.WriteNull(); }
                w.Write(u.SourcedId!, NpgsqlDbType.Text); w.Write(true, NpgsqlDbType.Boolean);
                w.Write(u.Email!, NpgsqlDbType.Text); w.Write(u.NormalizedEmail!, NpgsqlDbType.Text);
                w.Write(u.Email!, NpgsqlDbType.Text); w.Write(u.NormalizedEmail!, NpgsqlDbType.Text); w.Write(true, NpgsqlDbType.Boolean);
                w.Write(hash, NpgsqlDbType.Text); w.Write(u.SecurityStamp!, NpgsqlDbType.Text); w.Write(u.ConcurrencyStamp!, NpgsqlDbType.Text);
                w.Write(false, NpgsqlDbType.Boolean); w.Write(false, NpgsqlDbType.Boolean); w.Write(true, NpgsqlDbType.Boolean); w.Write(0, NpgsqlDbType.Integer);
            }));
        await Phase("user roles", () => Copy(conn, db, typeof(IdentityUserRole<string>), plan.UserRoles(roleIds),
            [nameof(IdentityUserRole<string>.UserId), nameof(IdentityUserRole<string>.RoleId)],
            (w, r) => { w.Write(r.UserId, NpgsqlDbType.Text); w.Write(r.RoleId, NpgsqlDbType.Text); }));
        await Phase("advisories", () => Copy(conn, db, typeof(Advisory), plan.Advisories(),
            [nameof(Advisory.Id), nameof(Advisory.SchoolId), nameof(Advisory.Name), nameof(Advisory.AdvisorUserId), nameof(Advisory.SourcedId), nameof(Advisory.Active)],
            (w, a) =>
            {
                w.Write(a.Id, NpgsqlDbType.Integer); w.Write(a.SchoolId, NpgsqlDbType.Integer); w.Write(a.Name, NpgsqlDbType.Text);
                w.Write(a.Advisor, NpgsqlDbType.Text); w.Write($"adv-{a.Id}", NpgsqlDbType.Text); w.Write(true, NpgsqlDbType.Boolean);
            }));
        await Phase("students", () => Copy(conn, db, typeof(Student), Enumerable.Range(0, size.Students),
            [nameof(Student.Id), nameof(Student.DistrictId), nameof(Student.SchoolId), nameof(Student.UserId), nameof(Student.StudentNumber),
             nameof(Student.SourcedId), nameof(Student.FirstName), nameof(Student.LastName), nameof(Student.GradeLevel),
             nameof(Student.PreferredLanguage), nameof(Student.AdvisoryId), nameof(Student.Active)],
            (w, i) =>
            {
                w.Write(i + 1, NpgsqlDbType.Integer); w.Write(district.Id, NpgsqlDbType.Integer); w.Write(plan.SchoolOf[i], NpgsqlDbType.Integer);
                w.Write(Layout.StudentUserId(i), NpgsqlDbType.Text); w.Write($"S{i + 1:000000}", NpgsqlDbType.Text); w.Write($"stu-{i + 1:000000}", NpgsqlDbType.Text);
                w.Write(First[i % First.Length], NpgsqlDbType.Text); w.Write(Last[i / First.Length % Last.Length] + "-" + (i / 650 + 1), NpgsqlDbType.Text);
                w.Write(6 + i % 7, NpgsqlDbType.Integer); w.Write(i % 5 == 0 ? "es" : "en", NpgsqlDbType.Text);
                w.Write(plan.AdvisoryOf[i], NpgsqlDbType.Integer); w.Write(true, NpgsqlDbType.Boolean);
            }));
        await Phase("guardian links", () => Copy(conn, db, typeof(GuardianLink), plan.GuardianLinks(),
            [nameof(GuardianLink.GuardianUserId), nameof(GuardianLink.StudentId), nameof(GuardianLink.Relationship), nameof(GuardianLink.CustodyRestricted)],
            (w, g) =>
            {
                w.Write(g.Guardian, NpgsqlDbType.Text); w.Write(g.StudentId, NpgsqlDbType.Integer);
                w.Write(nameof(GuardianRelationship.Parent), NpgsqlDbType.Text); w.Write(g.Restricted, NpgsqlDbType.Boolean);
            }));
        await Phase("sections", () => Copy(conn, db, typeof(Section), plan.Sections,
            [nameof(Section.Id), nameof(Section.SchoolId), nameof(Section.SchoolYearId), nameof(Section.Name), nameof(Section.CourseName), nameof(Section.SourcedId), nameof(Section.Active)],
            (w, s) =>
            {
                w.Write(s.Id, NpgsqlDbType.Integer); w.Write(s.SchoolId, NpgsqlDbType.Integer); w.Write(year.Id, NpgsqlDbType.Integer);
                w.Write($"{Courses[s.Period]} {s.Id}", NpgsqlDbType.Text); w.Write(Courses[s.Period], NpgsqlDbType.Text);
                w.Write($"sec-{s.Id}", NpgsqlDbType.Text); w.Write(true, NpgsqlDbType.Boolean);
            }));
        await Phase("section teachers", () => Copy(conn, db, typeof(SectionTeacher), plan.Sections,
            [nameof(SectionTeacher.SectionId), nameof(SectionTeacher.TeacherUserId)],
            (w, s) => { w.Write(s.Id, NpgsqlDbType.Integer); w.Write(s.Teacher, NpgsqlDbType.Text); }));
        await Phase("enrollments", () => Copy(conn, db, typeof(Enrollment), plan.Enrollments(),
            [nameof(Enrollment.SectionId), nameof(Enrollment.StudentId), nameof(Enrollment.Active)],
            (w, e) => { w.Write(e.SectionId, NpgsqlDbType.Integer); w.Write(e.StudentId, NpgsqlDbType.Integer); w.Write(true, NpgsqlDbType.Boolean); }));
        await Phase("evidence", () => Copy(conn, db, typeof(Evidence), plan.Evidence(leavesA, leavesB),
            [nameof(Evidence.StudentId), nameof(Evidence.StandardId), nameof(Evidence.Score), nameof(Evidence.Source), nameof(Evidence.RecordedByUserId),
             nameof(Evidence.SectionId), nameof(Evidence.ObservedAt), nameof(Evidence.RecordedAt), nameof(Evidence.Note)],
            (w, e) =>
            {
                w.Write(e.StudentId, NpgsqlDbType.Integer); w.Write(e.StandardId, NpgsqlDbType.Integer); w.Write(e.Score, NpgsqlDbType.Numeric);
                w.Write(nameof(EvidenceSource.TeacherAssessment), NpgsqlDbType.Text); w.Write(e.Teacher, NpgsqlDbType.Text);
                w.Write(e.SectionId, NpgsqlDbType.Integer); w.Write(e.ObservedAt, NpgsqlDbType.TimestampTz);
                w.Write(e.ObservedAt.AddMinutes(5), NpgsqlDbType.TimestampTz); w.Write("", NpgsqlDbType.Text);
            }));
        await Phase("check-ins", () => Copy(conn, db, typeof(CheckIn), plan.CheckIns(),
            [nameof(CheckIn.StudentId), nameof(CheckIn.AdvisoryId), nameof(CheckIn.Day), nameof(CheckIn.Attendance), nameof(CheckIn.Mood),
             nameof(CheckIn.Progress), nameof(CheckIn.TodayGoal), nameof(CheckIn.NeedsHelp), nameof(CheckIn.HelpWith), nameof(CheckIn.AdvisorNote),
             nameof(CheckIn.AdvisorNoteShared), nameof(CheckIn.RecordedAt), nameof(CheckIn.BackfillReason)],
            (w, c) =>
            {
                w.Write(c.StudentId, NpgsqlDbType.Integer); w.Write(c.AdvisoryId, NpgsqlDbType.Integer); w.Write(c.Day, NpgsqlDbType.Date);
                w.Write(c.Mood == 0 ? nameof(CheckInAttendance.Absent) : nameof(CheckInAttendance.Present), NpgsqlDbType.Text);
                if (c.Mood == 0) { w.WriteNull(); } else { w.Write(c.Mood, NpgsqlDbType.Integer); }
                w.Write("", NpgsqlDbType.Text); w.Write("", NpgsqlDbType.Text); w.Write(c.Mood == 1, NpgsqlDbType.Boolean); w.Write("", NpgsqlDbType.Text);
                w.Write("", NpgsqlDbType.Text); w.Write(false, NpgsqlDbType.Boolean);
                w.Write(new DateTimeOffset(c.Day.ToDateTime(new TimeOnly(8, 30)), TimeSpan.Zero), NpgsqlDbType.TimestampTz); w.Write("", NpgsqlDbType.Text);
            }));
        var now = DateTimeOffset.UtcNow;
        await Phase("plans", () => Copy(conn, db, typeof(LearningPlan), Enumerable.Range(0, size.Students),
            [nameof(LearningPlan.StudentId), nameof(LearningPlan.SchoolYearId), nameof(LearningPlan.Status), nameof(LearningPlan.Aspirations),
             nameof(LearningPlan.Reflection), nameof(LearningPlan.CreatedAt), nameof(LearningPlan.UpdatedAt)],
            (w, i) =>
            {
                w.Write(i + 1, NpgsqlDbType.Integer); w.Write(year.Id, NpgsqlDbType.Integer);
                // The plan editors (scenario 7) are the first students: their plans are drafts they may edit.
                w.Write((i < size.PlanEditors ? PlanStatus.Draft : (PlanStatus)(i % 5)).ToString(), NpgsqlDbType.Text);
                w.Write("Become a synthetic engineer", NpgsqlDbType.Text); w.Write("", NpgsqlDbType.Text);
                w.Write(now, NpgsqlDbType.TimestampTz); w.Write(now, NpgsqlDbType.TimestampTz);
            }));

        var t = Stopwatch.StartNew();
        var rollups = await ExecAsync(conn, RollupSql, ct);
        phases.Add(("rollups (set-based SQL)", rollups, t.Elapsed));
        BenchContext.Log($"generator: rollups: {rollups:#,0} rows in {t.Elapsed.TotalSeconds:0.0} s");
        t.Restart();
        await ExecAsync(conn, """
            SELECT setval(pg_get_serial_sequence('students', 'id'), (SELECT max(id) FROM students));
            SELECT setval(pg_get_serial_sequence('sections', 'id'), (SELECT max(id) FROM sections));
            SELECT setval(pg_get_serial_sequence('advisories', 'id'), (SELECT max(id) FROM advisories));
            """, ct);
        await ExecAsync(conn, "VACUUM (ANALYZE)", ct);
        try
        {
            // Start the scenarios from a clean checkpoint when allowed (CHECKPOINT needs superuser or pg_checkpoint).
            await ExecAsync(conn, "CHECKPOINT", ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            BenchContext.Log("generator: no CHECKPOINT (the owner role may not); continuing");
        }
        phases.Add(("sequences, VACUUM ANALYZE, CHECKPOINT", 0, t.Elapsed));

        var facts = await DistrictFacts.LoadAsync(options.OwnerConnection, ct);
        var rowsLoaded = phases.Sum(p => p.Rows);
        var copyPhases = phases.Where(p => p.Phase is "evidence");
        var evidenceRate = copyPhases.Sum(p => p.Rows) / Math.Max(copyPhases.Sum(p => p.Took.TotalSeconds), 1e-9);
        BenchContext.Log($"generator: {rowsLoaded:#,0} rows in {total.Elapsed.TotalSeconds:0.0} s");
        var note = string.Join("; ", phases.Select(p => $"{p.Phase} {p.Rows:#,0} in {p.Took.TotalSeconds:0.0} s"));
        return (facts,
        [
            new ResultRow("0", $"Generate district ({size.Name}): load time, all tables",
                new Figure(0, 0, rowsLoaded / total.Elapsed.TotalSeconds, 0, "rows"), null, null,
                $"reported ({total.Elapsed.TotalSeconds:0} s total)", null, note),
            new ResultRow("0", "Generate: evidence binary COPY (indexed table)", new Figure(0, 0, evidenceRate, 0, "rows"), null, null, "reported", null),
        ]);
    }

    /// <summary>
    /// Rollups from the evidence in one statement: the decaying average unrolled (weight of the k-th of n scores is
    /// r·(1−r)^(n−k), the first keeps (1−r)^(n−1)), rounded to 4 places as the app's calculator does.
    /// </summary>
    private static readonly string RollupSql = $"""
        INSERT INTO mastery_rollups (student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at, method, method_version, updated_at)
        SELECT student_id, standard_id, s, s >= 3, n, last, 'DecayingAverage', {MasteryCalculator.Version}, now()
        FROM (
            SELECT student_id, standard_id, max(n) AS n, max(observed_at) AS last,
                   round(sum(score * CASE WHEN k = 1 THEN power(1 - {DecayRate / 100m}::numeric, n - 1)
                                          ELSE {DecayRate / 100m}::numeric * power(1 - {DecayRate / 100m}::numeric, n - k) END), 4) AS s
            FROM (
                SELECT student_id, standard_id, score, observed_at,
                       row_number() OVER (PARTITION BY student_id, standard_id ORDER BY observed_at, recorded_at, id) AS k,
                       count(*) OVER (PARTITION BY student_id, standard_id) AS n
                FROM evidence WHERE voided_at IS NULL
            ) ordered
            GROUP BY student_id, standard_id
        ) r
        """;

    private static long Copy<T>(NpgsqlConnection conn, AppDbContext model, Type entity, IEnumerable<T> rows, string[] properties,
        Action<NpgsqlBinaryImporter, T> write)
    {
        using var writer = conn.BeginBinaryImport(DemoCopy.Command(model, entity, properties));
        foreach (var row in rows)
        {
            writer.StartRow();
            write(writer, row);
        }
        return (long)writer.Complete();
    }

    private static async Task<long> ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<Dictionary<string, string>> EnsureRolesAsync(AppDbContext db, CancellationToken ct)
    {
        var existing = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Name!, r => r.Id, ct);
        foreach (var role in Roles.All.Where(r => !existing.ContainsKey(r)))
        {
            var r = new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() };
            db.Roles.Add(r);
            existing[role] = r.Id;
        }
        return existing;
    }

    private static List<CompetencyFramework> Frameworks(int districtId)
    {
        CompetencyFramework F(string name, string code) => new()
        {
            DistrictId = districtId,
            Name = name,
            Code = code,
            Method = MasteryMethod.DecayingAverage,
            MethodParameter = DecayRate,
            Levels =
            [
                new MasteryLevel { Points = 1, Name = "Beginning", Color = "#c62828" },
                new MasteryLevel { Points = 2, Name = "Developing", Color = "#ef6c00" },
                new MasteryLevel { Points = 3, Name = "Proficient", Color = "#2e7d32", IsMastery = true },
                new MasteryLevel { Points = 4, Name = "Advanced", Color = "#1565c0" },
            ],
        };
        return [F("Bench Mathematics 6-12", "BM"), F("Bench Learning Goals", "BLG")];
    }

    /// <summary>Framework A: 10 strands × 6 = 60 leaves (70 standards); B: 20 groups with 230 in all. 300 standards.</summary>
    private static async Task<(int[] A, int[] B)> StandardsAsync(AppDbContext db, List<CompetencyFramework> frameworks, CancellationToken ct)
    {
        async Task<int[]> Build(CompetencyFramework f, int groups, int leaves)
        {
            var parents = Enumerable.Range(0, groups).Select(g => new Standard
            {
                FrameworkId = f.Id,
                Code = $"{f.Code}.{g + 1}",
                Statement = $"Strand {g + 1} of {f.Name}",
                SortOrder = g * 100,
            }).ToList();
            db.AddRange(parents);
            await db.SaveChangesAsync(ct);
            var children = Enumerable.Range(0, leaves).Select(i => new Standard
            {
                FrameworkId = f.Id,
                ParentId = parents[i % groups].Id,
                Code = $"{f.Code}.{i % groups + 1}.{i / groups + 1}",
                Statement = $"Synthetic standard {i + 1} of {f.Name}",
                SortOrder = i % groups * 100 + i / groups + 1,
            }).ToList();
            db.AddRange(children);
            await db.SaveChangesAsync(ct);
            return [.. children.OrderBy(c => c.SortOrder).Select(c => c.Id)];
        }
        return (await Build(frameworks[0], FrameworkAStrands, FrameworkALeaves),
                await Build(frameworks[1], FrameworkBGroups, 300 - FrameworkALeaves - FrameworkAStrands - FrameworkBGroups));
    }
}
