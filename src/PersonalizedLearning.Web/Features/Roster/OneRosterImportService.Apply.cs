using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Roster;

public sealed partial class OneRosterImportService
{
    private sealed class Applier(NpgsqlConnection connection, int districtId, Viewer me, DateTimeOffset now)
    {
        public async Task<int> ExecAsync(string sql, CancellationToken ct)
        {
            await using var command = Command(sql);
            return await command.ExecuteNonQueryAsync(ct);
        }

        /// <summary>Runs a statement whose result is one row of counts.</summary>
        public async Task<long[]> CountsAsync(string sql, CancellationToken ct)
        {
            await using var command = Command(sql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var counts = new long[reader.FieldCount];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = reader.IsDBNull(i) ? 0 : Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }
            return counts;
        }

        private NpgsqlCommand Command(string sql)
        {
            var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("d", districtId);
            command.Parameters.AddWithValue("me", me.UserId);
            command.Parameters.AddWithValue("role", me.RoleList);
            command.Parameters.AddWithValue("now", now);
            command.CommandTimeout = 600;
            return command;
        }

        public async Task CopyAsync<T>(string table, string columns, IEnumerable<T> rows, Func<NpgsqlBinaryImporter, T, CancellationToken, Task> write, CancellationToken ct)
        {
            await using (var importer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var row in rows)
                {
                    await importer.StartRowAsync(ct);
                    await write(importer, row, ct);
                }
                await importer.CompleteAsync(ct);
            }
            await ExecAsync($"ANALYZE {table}", ct);
        }
    }

    private static Task Text(NpgsqlBinaryImporter w, string? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static Task Int(NpgsqlBinaryImporter w, int? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value.Value, NpgsqlDbType.Integer, ct);

    private static Task Bool(NpgsqlBinaryImporter w, bool? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value.Value, NpgsqlDbType.Boolean, ct);

    private const string AuditChanged = """
        INSERT INTO access_audit (at, user_id, role, student_id, action, outcome)
        SELECT @now, @me, @role, id, 'roster.import', 'Allowed' FROM changed
        """;

    private async Task<(IReadOnlyList<RosterEntitySummary>, IReadOnlyList<InvitationCode>, int)> ApplyAsync(
        AppDbContext db, Viewer me, int districtId, RosterPlan plan, string fileName, DateTimeOffset started,
        IProgress<RosterImportProgress>? progress, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var a = new Applier(connection, districtId, me, now);
        var bulk = (string file) => plan.ModeOf(file) == RosterFileMode.Bulk;
        async Task Step(string name, int percent)
        {
            progress?.Report(new RosterImportProgress(RosterImportPhase.Applying, percent));
            if (AfterApplyStep is not null)
            {
                await AfterApplyStep(name);
            }
            ct.ThrowIfCancellationRequested();
        }

        // Two imports for one district run one after the other.
        await a.ExecAsync("SELECT pg_advisory_xact_lock(7007, @d)", ct);

        // Schools and academic sessions: a few rows, through EF.
        var schools = await db.Schools.Where(s => s.DistrictId == districtId).ToListAsync(ct);
        var schoolSummary = plan.For("Schools");
        var grades = plan.Students.Where(s => s.School is not null && s.Grade is not null).GroupBy(s => s.School!)
            .ToDictionary(g => g.Key, g => (Low: g.Min(s => s.Grade!.Value), High: g.Max(s => s.Grade!.Value)));
        foreach (var org in plan.Schools)
        {
            var school = schools.FirstOrDefault(s => s.SourcedId == org.SourcedId);
            if (school is null)
            {
                if (!org.Active)
                {
                    schoolSummary.Skip("Roster.Skip.DeletedUnknown");
                    continue;
                }
                var range = grades.GetValueOrDefault(org.SourcedId, (0, 12));
                school = new School { DistrictId = districtId, Name = org.Name, SourcedId = org.SourcedId, LowestGrade = range.Item1, HighestGrade = range.Item2 };
                db.Schools.Add(school);
                schools.Add(school);
                schoolSummary.Created++;
            }
            else if (school.Active && !org.Active)
            {
                school.Active = false;
                schoolSummary.Deactivated++;
            }
            else if (school.Name != org.Name || school.Active != org.Active)
            {
                (school.Name, school.Active) = (org.Name, org.Active);
                schoolSummary.Updated++;
            }
            else
            {
                schoolSummary.Unchanged++;
            }
        }
        if (bulk(OneRosterImportReader.Orgs))
        {
            var listed = plan.Schools.Select(s => s.SourcedId).ToHashSet(StringComparer.Ordinal);
            foreach (var school in schools.Where(s => s.Active && !listed.Contains(s.SourcedId)))
            {
                school.Active = false;
                schoolSummary.Deactivated++;
            }
        }
        await db.SaveChangesAsync(ct);
        var schoolIds = schools.ToDictionary(s => s.SourcedId, s => s.Id, StringComparer.Ordinal);
        int? SchoolId(string? sourcedId) => sourcedId is not null && schoolIds.TryGetValue(sourcedId, out var id) ? id : null;

        var years = await db.SchoolYears.Include(y => y.Terms).Where(y => y.DistrictId == districtId).ToListAsync(ct);
        var yearSummary = plan.For("SchoolYears");
        var termSummary = plan.For("Terms");
        foreach (var session in plan.Sessions.Where(s => s.Parent is null))
        {
            var year = years.FirstOrDefault(y => y.SourcedId == session.SourcedId)
                ?? years.FirstOrDefault(y => y.SourcedId is null && y.StartsOn == session.Starts && y.EndsOn == session.Ends);
            if (!session.Active)
            {
                yearSummary.Skip("Roster.Skip.SessionsKept");
                continue;
            }
            if (year is null)
            {
                year = new SchoolYear { DistrictId = districtId, Name = Clip(session.Title, 50), StartsOn = session.Starts, EndsOn = session.Ends, SourcedId = session.SourcedId };
                db.SchoolYears.Add(year);
                years.Add(year);
                yearSummary.Created++;
            }
            else if (year.SourcedId != session.SourcedId || year.Name != Clip(session.Title, 50) || year.StartsOn != session.Starts || year.EndsOn != session.Ends)
            {
                (year.SourcedId, year.Name, year.StartsOn, year.EndsOn) = (session.SourcedId, Clip(session.Title, 50), session.Starts, session.Ends);
                yearSummary.Updated++;
            }
            else
            {
                yearSummary.Unchanged++;
            }
        }
        foreach (var session in plan.Sessions.Where(s => s.Parent is not null))
        {
            if (!session.Active)
            {
                termSummary.Skip("Roster.Skip.SessionsKept");
                continue;
            }
            var year = years.First(y => y.SourcedId == session.Parent || y.Terms.Any(t => t.SourcedId == session.Parent));
            var term = years.SelectMany(y => y.Terms).FirstOrDefault(t => t.SourcedId == session.SourcedId)
                ?? year.Terms.FirstOrDefault(t => t.SourcedId is null && t.StartsOn == session.Starts && t.EndsOn == session.Ends);
            if (term is null)
            {
                year.Terms.Add(new Term { Name = Clip(session.Title, 50), StartsOn = session.Starts, EndsOn = session.Ends, SourcedId = session.SourcedId });
                termSummary.Created++;
            }
            else if (term.SourcedId != session.SourcedId || term.Name != Clip(session.Title, 50) || term.StartsOn != session.Starts || term.EndsOn != session.Ends || term.SchoolYearId != year.Id)
            {
                (term.SourcedId, term.Name, term.StartsOn, term.EndsOn, term.SchoolYearId) = (session.SourcedId, Clip(session.Title, 50), session.Starts, session.Ends, year.Id);
                termSummary.Updated++;
            }
            else
            {
                termSummary.Unchanged++;
            }
        }
        await db.SaveChangesAsync(ct);
        var yearOfSession = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var year in years)
        {
            if (year.SourcedId is not null)
            {
                yearOfSession[year.SourcedId] = year.Id;
            }
            foreach (var term in year.Terms.Where(t => t.SourcedId is not null))
            {
                yearOfSession[term.SourcedId!] = year.Id;
            }
        }
        await Step("sessions", 10);

        // People: binary COPY into temporary tables, then set-based statements.
        await a.ExecAsync("""
            CREATE TEMP TABLE t_users (sourced_id text PRIMARY KEY, display_name text NOT NULL, email text, school_id int,
                roles text[] NOT NULL, active bool NOT NULL, is_student bool NOT NULL) ON COMMIT DROP;
            CREATE TEMP TABLE t_students (sourced_id text PRIMARY KEY, number text NOT NULL, first_name text NOT NULL,
                last_name text NOT NULL, grade int, school_id int, active bool NOT NULL) ON COMMIT DROP;
            CREATE TEMP TABLE t_groups (sourced_id text PRIMARY KEY, sex text, race text, has_demographics bool NOT NULL,
                ell bool, iep bool) ON COMMIT DROP;
            CREATE TEMP TABLE t_links (guardian text NOT NULL, student text NOT NULL, relationship text NOT NULL) ON COMMIT DROP;
            CREATE TEMP TABLE t_sections (sourced_id text PRIMARY KEY, school_id int NOT NULL, school_year_id int NOT NULL,
                name text NOT NULL, course_name text, active bool NOT NULL) ON COMMIT DROP;
            CREATE TEMP TABLE t_enrollments (section text NOT NULL, person text NOT NULL, teacher bool NOT NULL, active bool NOT NULL) ON COMMIT DROP;
            """, ct);
        await a.CopyAsync("t_users", "sourced_id, display_name, email, school_id, roles, active, is_student", plan.Users, async (w, u, t) =>
        {
            await w.WriteAsync(u.SourcedId, NpgsqlDbType.Text, t);
            await w.WriteAsync(Clip(u.DisplayName, 200), NpgsqlDbType.Text, t);
            await Text(w, u.Email, t);
            await Int(w, SchoolId(u.School), t);
            await w.WriteAsync(u.Roles, NpgsqlDbType.Array | NpgsqlDbType.Text, t);
            await w.WriteAsync(u.Active, NpgsqlDbType.Boolean, t);
            await w.WriteAsync(u.Student, NpgsqlDbType.Boolean, t);
        }, ct);
        await a.CopyAsync("t_students", "sourced_id, number, first_name, last_name, grade, school_id, active", plan.Students, async (w, s, t) =>
        {
            await w.WriteAsync(s.SourcedId, NpgsqlDbType.Text, t);
            await w.WriteAsync(Clip(s.Number, 50), NpgsqlDbType.Text, t);
            await w.WriteAsync(Clip(s.First, 100), NpgsqlDbType.Text, t);
            await w.WriteAsync(Clip(s.Last, 100), NpgsqlDbType.Text, t);
            await Int(w, s.Grade, t);
            await Int(w, SchoolId(s.School), t);
            await w.WriteAsync(s.Active, NpgsqlDbType.Boolean, t);
        }, ct);
        await a.CopyAsync("t_groups", "sourced_id, sex, race, has_demographics, ell, iep", plan.Groups, async (w, g, t) =>
        {
            await w.WriteAsync(g.SourcedId, NpgsqlDbType.Text, t);
            await Text(w, g.Sex?.ToString(), t);
            await Text(w, g.Race?.ToString(), t);
            await w.WriteAsync(g.HasDemographics, NpgsqlDbType.Boolean, t);
            await Bool(w, g.EnglishLearner, t);
            await Bool(w, g.Iep, t);
        }, ct);
        await a.CopyAsync("t_links", "guardian, student, relationship", plan.Links, async (w, l, t) =>
        {
            await w.WriteAsync(l.Guardian, NpgsqlDbType.Text, t);
            await w.WriteAsync(l.Student, NpgsqlDbType.Text, t);
            await w.WriteAsync(l.Relationship.ToString(), NpgsqlDbType.Text, t);
        }, ct);
        var sectionSummary = plan.For("Sections");
        var sectionRows = new List<(PlanSection Section, int SchoolId, int YearId)>();
        foreach (var s in plan.Sections)
        {
            if (SchoolId(s.School) is { } school && yearOfSession.TryGetValue(s.Session, out var year))
            {
                sectionRows.Add((s, school, year));
            }
            else
            {
                sectionSummary.Skip("Roster.Skip.SessionsKept");
            }
        }
        await a.CopyAsync("t_sections", "sourced_id, school_id, school_year_id, name, course_name, active", sectionRows, async (w, s, t) =>
        {
            await w.WriteAsync(s.Section.SourcedId, NpgsqlDbType.Text, t);
            await w.WriteAsync(s.SchoolId, NpgsqlDbType.Integer, t);
            await w.WriteAsync(s.YearId, NpgsqlDbType.Integer, t);
            await w.WriteAsync(Clip(s.Section.Name, 200), NpgsqlDbType.Text, t);
            await Text(w, s.Section.Course is null ? null : Clip(s.Section.Course, 200), t);
            await w.WriteAsync(s.Section.Active, NpgsqlDbType.Boolean, t);
        }, ct);
        await a.CopyAsync("t_enrollments", "section, person, teacher, active", plan.Enrollments, async (w, e, t) =>
        {
            await w.WriteAsync(e.Section, NpgsqlDbType.Text, t);
            await w.WriteAsync(e.User, NpgsqlDbType.Text, t);
            await w.WriteAsync(e.Teacher, NpgsqlDbType.Boolean, t);
            await w.WriteAsync(e.Active, NpgsqlDbType.Boolean, t);
        }, ct);
        await Step("staged", 30);

        await ApplyAccountsAsync(a, plan, bulk(OneRosterImportReader.Users), ct);
        await Step("accounts", 45);
        await ApplyStudentsAsync(a, plan, bulk(OneRosterImportReader.Users), ct);
        await Step("students", 60);
        await ApplyLinksAsync(a, plan, bulk(OneRosterImportReader.Users), ct);
        await Step("links", 70);
        await ApplySectionsAsync(a, plan, bulk(OneRosterImportReader.Classes), bulk(OneRosterImportReader.Enrollments), ct);
        await Step("sections", 85);
        var invitations = await InvitationsAsync(db, connection, districtId, now, ct);
        await Step("invitations", 95);

        IReadOnlyList<RosterEntitySummary> summary =
            [.. SummaryEntities.Select(plan.For)];
        var history = History(districtId, me, fileName, plan.Mode, started, RosterImportOutcome.Applied, 0, summary);
        history.FinishedAt = clock.GetUtcNow();
        db.RosterImports.Add(history);
        await db.SaveChangesAsync(ct);
        return (summary, invitations, history.Id);
    }

    /// <summary>The entities of the summary, in the order the page shows them.</summary>
    public static readonly string[] SummaryEntities =
        ["Schools", "SchoolYears", "Terms", "Accounts", "Students", "StudentGroups", "GuardianLinks", "Sections", "SectionTeachers", "Enrollments"];

    private static string Clip(string value, int length) => value.Length > length ? value[..length] : value;

    private static async Task ApplyAccountsAsync(Applier a, RosterPlan plan, bool bulk, CancellationToken ct)
    {
        await a.ExecAsync("""
            INSERT INTO roles (id, name, normalized_name, concurrency_stamp)
            SELECT gen_random_uuid()::text, r, upper(r), gen_random_uuid()::text
            FROM unnest(ARRAY['Student','Teacher','Advisor','Guardian','Principal','DistrictAdmin']) r
            WHERE NOT EXISTS (SELECT 1 FROM roles x WHERE x.name = r);
            CREATE TEMP TABLE t_users_new ON COMMIT DROP AS
            SELECT u.id, u.active AS was_active,
                   CASE WHEN t.active THEN t.display_name ELSE u.display_name END AS display_name,
                   coalesce(t.email, u.email) AS email,
                   coalesce(t.school_id, u.school_id) AS school_id,
                   t.active
            FROM t_users t JOIN users u ON u.district_id = @d AND u.sourced_id = t.sourced_id;
            """, ct);
        var accounts = plan.For("Accounts");
        var changed = await a.CountsAsync("""
            WITH changed AS (
                UPDATE users u SET display_name = n.display_name, email = n.email, normalized_email = upper(n.email),
                    user_name = coalesce(n.email, u.user_name), normalized_user_name = upper(coalesce(n.email, u.user_name)),
                    school_id = n.school_id, active = n.active,
                    security_stamp = CASE WHEN u.active AND NOT n.active THEN gen_random_uuid()::text ELSE u.security_stamp END,
                    concurrency_stamp = gen_random_uuid()::text
                FROM t_users_new n
                WHERE u.id = n.id AND (u.display_name, u.email, u.school_id, u.active) IS DISTINCT FROM (n.display_name, n.email, n.school_id, n.active)
                RETURNING n.was_active, n.active)
            SELECT count(*) FILTER (WHERE NOT (was_active AND NOT active)), count(*) FILTER (WHERE was_active AND NOT active) FROM changed
            """, ct);
        var created = await a.ExecAsync("""
            INSERT INTO users (id, district_id, display_name, preferred_language, school_id, sourced_id, active, user_name,
                normalized_user_name, email, normalized_email, email_confirmed, password_hash, security_stamp, concurrency_stamp,
                phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT gen_random_uuid()::text, @d, t.display_name, 'en', t.school_id, t.sourced_id, true, t.email, upper(t.email),
                t.email, upper(t.email), false, NULL, gen_random_uuid()::text, gen_random_uuid()::text, false, false, true, 0
            FROM t_users t
            WHERE t.active AND (NOT t.is_student OR t.email IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM users u WHERE u.district_id = @d AND u.sourced_id = t.sourced_id)
            """, ct);
        await a.ExecAsync("""
            INSERT INTO user_roles (user_id, role_id)
            SELECT u.id, r.id FROM t_users t
            JOIN users u ON u.district_id = @d AND u.sourced_id = t.sourced_id
            CROSS JOIN LATERAL unnest(t.roles) AS granted(name)
            JOIN roles r ON r.name = granted.name
            WHERE t.active
            ON CONFLICT DO NOTHING
            """, ct);
        var deactivated = bulk ? await a.ExecAsync("""
            UPDATE users u SET active = false, security_stamp = gen_random_uuid()::text, concurrency_stamp = gen_random_uuid()::text
            WHERE u.district_id = @d AND u.sourced_id IS NOT NULL AND u.active AND u.id <> @me
              AND NOT EXISTS (SELECT 1 FROM t_users t WHERE t.sourced_id = u.sourced_id)
            """, ct) : 0;
        var listed = (int)(await a.CountsAsync("SELECT count(*) FROM t_users_new", ct))[0];
        accounts.Created += created;
        accounts.Updated += (int)changed[0];
        accounts.Deactivated += (int)changed[1] + deactivated;
        accounts.Unchanged += listed - (int)changed[0] - (int)changed[1];
    }

    private static async Task ApplyStudentsAsync(Applier a, RosterPlan plan, bool bulk, CancellationToken ct)
    {
        await a.ExecAsync("""
            CREATE TEMP TABLE t_students_new ON COMMIT DROP AS
            SELECT s.id, s.active AS was_active,
                   CASE WHEN t.active THEN t.number ELSE s.student_number END AS student_number,
                   CASE WHEN t.active THEN t.first_name ELSE s.first_name END AS first_name,
                   CASE WHEN t.active THEN t.last_name ELSE s.last_name END AS last_name,
                   CASE WHEN t.active THEN coalesce(t.grade, s.grade_level) ELSE s.grade_level END AS grade_level,
                   CASE WHEN t.active THEN coalesce(t.school_id, s.school_id) ELSE s.school_id END AS school_id,
                   coalesce(s.user_id, (SELECT u.id FROM users u WHERE u.district_id = @d AND u.sourced_id = t.sourced_id LIMIT 1)) AS user_id,
                   t.active
            FROM t_students t JOIN students s ON s.district_id = @d AND s.sourced_id = t.sourced_id;
            """, ct);
        var students = plan.For("Students");
        var changed = await a.CountsAsync($"""
            WITH changed AS (
                UPDATE students s SET student_number = n.student_number, first_name = n.first_name, last_name = n.last_name,
                    grade_level = n.grade_level, school_id = n.school_id, user_id = n.user_id, active = n.active
                FROM t_students_new n
                WHERE s.id = n.id AND (s.student_number, s.first_name, s.last_name, s.grade_level, s.school_id, s.user_id, s.active)
                    IS DISTINCT FROM (n.student_number, n.first_name, n.last_name, n.grade_level, n.school_id, n.user_id, n.active)
                RETURNING s.id, n.was_active, n.active),
            audit AS ({AuditChanged})
            SELECT count(*) FILTER (WHERE NOT (was_active AND NOT active)), count(*) FILTER (WHERE was_active AND NOT active) FROM changed
            """, ct);
        var created = await a.CountsAsync($"""
            WITH changed AS (
                INSERT INTO students (district_id, school_id, user_id, student_number, sourced_id, first_name, last_name, grade_level,
                    preferred_language, active, english_learner, has_iep)
                SELECT @d, t.school_id, (SELECT u.id FROM users u WHERE u.district_id = @d AND u.sourced_id = t.sourced_id LIMIT 1),
                    t.number, t.sourced_id, t.first_name, t.last_name, coalesce(t.grade, 0), 'en', true, false, false
                FROM t_students t
                WHERE t.active AND NOT EXISTS (SELECT 1 FROM students s WHERE s.district_id = @d AND s.sourced_id = t.sourced_id)
                RETURNING id),
            audit AS ({AuditChanged})
            SELECT count(*) FROM changed
            """, ct);
        long deactivated = 0;
        if (bulk)
        {
            deactivated = (await a.CountsAsync($"""
                WITH changed AS (
                    UPDATE students s SET active = false
                    WHERE s.district_id = @d AND s.active AND NOT EXISTS (SELECT 1 FROM t_students t WHERE t.sourced_id = s.sourced_id)
                    RETURNING s.id),
                audit AS ({AuditChanged})
                SELECT count(*) FROM changed
                """, ct))[0];
        }
        var listed = (int)(await a.CountsAsync("SELECT count(*) FROM t_students_new", ct))[0];
        students.Created += (int)created[0];
        students.Updated += (int)changed[0];
        students.Deactivated += (int)(changed[1] + deactivated);
        students.Unchanged += listed - (int)changed[0] - (int)changed[1];

        var groups = plan.For("StudentGroups");
        var grouped = await a.CountsAsync($"""
            WITH n AS (
                SELECT s.id,
                       CASE WHEN g.has_demographics THEN g.sex ELSE s.sex END AS sex,
                       CASE WHEN g.has_demographics THEN g.race ELSE s.race_ethnicity END AS race,
                       coalesce(g.ell, s.english_learner) AS ell, coalesce(g.iep, s.has_iep) AS iep
                FROM t_groups g JOIN students s ON s.district_id = @d AND s.sourced_id = g.sourced_id),
            changed AS (
                UPDATE students s SET sex = n.sex, race_ethnicity = n.race, english_learner = n.ell, has_iep = n.iep
                FROM n WHERE s.id = n.id AND (s.sex, s.race_ethnicity, s.english_learner, s.has_iep) IS DISTINCT FROM (n.sex, n.race, n.ell, n.iep)
                RETURNING s.id),
            audit AS ({AuditChanged})
            SELECT count(*), (SELECT count(*) FROM n) FROM changed
            """, ct);
        groups.Updated += (int)grouped[0];
        groups.Unchanged += (int)(grouped[1] - grouped[0]);
    }

    private static async Task ApplyLinksAsync(Applier a, RosterPlan plan, bool bulk, CancellationToken ct)
    {
        var links = plan.For("GuardianLinks");
        var counts = await a.CountsAsync("""
            WITH listed AS (
                SELECT u.id AS guardian_id, s.id AS student_id, t.relationship FROM t_links t
                JOIN users u ON u.district_id = @d AND u.sourced_id = t.guardian
                JOIN students s ON s.district_id = @d AND s.sourced_id = t.student),
            created AS (
                INSERT INTO guardian_links (guardian_user_id, student_id, relationship, custody_restricted)
                SELECT guardian_id, student_id, relationship, false FROM listed
                ON CONFLICT (guardian_user_id, student_id) DO NOTHING
                RETURNING 1)
            SELECT (SELECT count(*) FROM created), (SELECT count(*) FROM listed)
            """, ct);
        var updated = await a.ExecAsync("""
            UPDATE guardian_links g SET relationship = t.relationship
            FROM t_links t
            JOIN users u ON u.district_id = @d AND u.sourced_id = t.guardian
            JOIN students s ON s.district_id = @d AND s.sourced_id = t.student
            WHERE g.guardian_user_id = u.id AND g.student_id = s.id AND g.relationship <> t.relationship
            """, ct);
        var removed = bulk ? await a.ExecAsync("""
            DELETE FROM guardian_links g
            USING users u, students s
            WHERE g.guardian_user_id = u.id AND g.student_id = s.id AND u.district_id = @d AND s.district_id = @d
              AND u.sourced_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM t_links t WHERE t.guardian = u.sourced_id AND t.student = s.sourced_id)
            """, ct) : 0;
        links.Created += (int)counts[0];
        links.Updated += updated;
        links.Deactivated += removed;
        links.Unchanged += (int)(counts[1] - counts[0]) - updated;
    }

    private static async Task ApplySectionsAsync(Applier a, RosterPlan plan, bool bulkClasses, bool bulkEnrollments, CancellationToken ct)
    {
        const string DistrictSections = "sections sec JOIN schools sc ON sc.id = sec.school_id AND sc.district_id = @d";
        var sections = plan.For("Sections");
        var changed = await a.CountsAsync($"""
            WITH n AS (
                SELECT sec.id, sec.active AS was_active,
                       CASE WHEN t.active THEN t.school_id ELSE sec.school_id END AS school_id,
                       CASE WHEN t.active THEN t.school_year_id ELSE sec.school_year_id END AS school_year_id,
                       CASE WHEN t.active THEN t.name ELSE sec.name END AS name,
                       CASE WHEN t.active THEN coalesce(t.course_name, sec.course_name) ELSE sec.course_name END AS course_name,
                       t.active
                FROM t_sections t JOIN {DistrictSections} ON sec.sourced_id = t.sourced_id),
            changed AS (
                UPDATE sections s SET school_id = n.school_id, school_year_id = n.school_year_id, name = n.name,
                    course_name = n.course_name, active = n.active
                FROM n WHERE s.id = n.id AND (s.school_id, s.school_year_id, s.name, s.course_name, s.active)
                    IS DISTINCT FROM (n.school_id, n.school_year_id, n.name, n.course_name, n.active)
                RETURNING n.was_active, n.active)
            SELECT count(*) FILTER (WHERE NOT (was_active AND NOT active)), count(*) FILTER (WHERE was_active AND NOT active),
                   (SELECT count(*) FROM n) FROM changed
            """, ct);
        var created = await a.ExecAsync($"""
            INSERT INTO sections (school_id, school_year_id, name, course_name, sourced_id, active)
            SELECT t.school_id, t.school_year_id, t.name, coalesce(t.course_name, t.name), t.sourced_id, true
            FROM t_sections t
            WHERE t.active AND NOT EXISTS (SELECT 1 FROM {DistrictSections} WHERE sec.sourced_id = t.sourced_id)
            """, ct);
        var deactivated = bulkClasses ? await a.ExecAsync($"""
            UPDATE sections s SET active = false
            FROM schools sc
            WHERE sc.id = s.school_id AND sc.district_id = @d AND s.active
              AND NOT EXISTS (SELECT 1 FROM t_sections t WHERE t.sourced_id = s.sourced_id)
            """, ct) : 0;
        sections.Created += created;
        sections.Updated += (int)changed[0];
        sections.Deactivated += (int)changed[1] + deactivated;
        sections.Unchanged += (int)(changed[2] - changed[0] - changed[1]);

        // Students: enrollments are deactivated, never deleted (the learning records stay with the student).
        const string Pairs = $"""
            SELECT sec.id AS section_id, st.id AS student_id, t.active FROM t_enrollments t
            JOIN {DistrictSections} ON sec.sourced_id = t.section
            JOIN students st ON st.district_id = @d AND st.sourced_id = t.person
            WHERE NOT t.teacher
            """;
        var enrollments = plan.For("Enrollments");
        var enrollmentCounts = await a.CountsAsync($"""
            WITH listed AS ({Pairs}),
            changed AS (
                UPDATE enrollments e SET active = l.active FROM listed l
                WHERE e.section_id = l.section_id AND e.student_id = l.student_id AND e.active <> l.active
                RETURNING l.active),
            created AS (
                INSERT INTO enrollments (section_id, student_id, active)
                SELECT section_id, student_id, true FROM listed WHERE active
                ON CONFLICT (section_id, student_id) DO NOTHING
                RETURNING 1)
            SELECT (SELECT count(*) FROM created), count(*) FILTER (WHERE active), count(*) FILTER (WHERE NOT active),
                   (SELECT count(*) FROM listed) FROM changed
            """, ct);
        var enrollmentsGone = bulkEnrollments ? await a.ExecAsync($"""
            UPDATE enrollments e SET active = false
            FROM sections sec JOIN schools sc ON sc.id = sec.school_id AND sc.district_id = @d
            WHERE e.section_id = sec.id AND e.active
              AND NOT EXISTS (SELECT 1 FROM t_enrollments t JOIN students st ON st.district_id = @d AND st.sourced_id = t.person
                              WHERE NOT t.teacher AND t.section = sec.sourced_id AND st.id = e.student_id)
            """, ct) : 0;
        enrollments.Created += (int)enrollmentCounts[0];
        enrollments.Updated += (int)enrollmentCounts[1];
        enrollments.Deactivated += (int)enrollmentCounts[2] + enrollmentsGone;
        enrollments.Unchanged += (int)(enrollmentCounts[3] - enrollmentCounts[0] - enrollmentCounts[1] - enrollmentCounts[2]);

        // Teachers of a section: a plain assignment, removed when the roster removes it.
        var teachers = plan.For("SectionTeachers");
        var teacherCounts = await a.CountsAsync($"""
            WITH listed AS (
                SELECT sec.id AS section_id, u.id AS user_id, t.active FROM t_enrollments t
                JOIN {DistrictSections} ON sec.sourced_id = t.section
                JOIN users u ON u.district_id = @d AND u.sourced_id = t.person
                WHERE t.teacher),
            removed AS (
                DELETE FROM section_teachers x USING listed l
                WHERE x.section_id = l.section_id AND x.teacher_user_id = l.user_id AND NOT l.active
                RETURNING 1),
            created AS (
                INSERT INTO section_teachers (section_id, teacher_user_id)
                SELECT section_id, user_id FROM listed WHERE active
                ON CONFLICT DO NOTHING
                RETURNING 1)
            SELECT (SELECT count(*) FROM created), (SELECT count(*) FROM removed), (SELECT count(*) FROM listed)
            """, ct);
        var teachersGone = bulkEnrollments ? await a.ExecAsync($"""
            DELETE FROM section_teachers x
            USING sections sec, schools sc, users u
            WHERE x.section_id = sec.id AND sc.id = sec.school_id AND sc.district_id = @d AND u.id = x.teacher_user_id
              AND NOT EXISTS (SELECT 1 FROM t_enrollments t WHERE t.teacher AND t.active AND t.section = sec.sourced_id AND t.person = u.sourced_id)
            """, ct) : 0;
        teachers.Created += (int)teacherCounts[0];
        teachers.Deactivated += (int)teacherCounts[1] + teachersGone;
        teachers.Unchanged += (int)(teacherCounts[2] - teacherCounts[0] - teacherCounts[1]);
    }

    /// <summary>
    /// Guardians the roster gave no email, who have no password and no open invitation, get a one-time code. The codes
    /// are returned once (for printing); only their SHA-256 hashes are stored.
    /// </summary>
    private async Task<IReadOnlyList<InvitationCode>> InvitationsAsync(AppDbContext db, NpgsqlConnection connection, int districtId, DateTimeOffset now, CancellationToken ct)
    {
        var guardians = new List<(string Id, string SourcedId, string Name, string Students)>();
        await using (var command = new NpgsqlCommand("""
            SELECT u.id, u.sourced_id, u.display_name,
                   coalesce((SELECT string_agg(s.first_name || ' ' || s.last_name, ', ' ORDER BY s.last_name, s.first_name)
                             FROM guardian_links g JOIN students s ON s.id = g.student_id
                             WHERE g.guardian_user_id = u.id AND s.active), '')
            FROM t_users t JOIN users u ON u.district_id = @d AND u.sourced_id = t.sourced_id
            WHERE t.active AND 'Guardian' = ANY(t.roles) AND u.email IS NULL AND u.password_hash IS NULL
              AND NOT EXISTS (SELECT 1 FROM guardian_invitations i WHERE i.user_id = u.id AND i.redeemed_at IS NULL AND i.expires_at > @now)
            ORDER BY u.display_name
            """, connection))
        {
            command.Parameters.AddWithValue("d", districtId);
            command.Parameters.AddWithValue("now", now);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                guardians.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        var codes = new List<InvitationCode>();
        foreach (var g in guardians)
        {
            var code = GuardianInvitations.NewCode();
            db.GuardianInvitations.Add(new GuardianInvitation
            {
                UserId = g.Id,
                CodeHash = GuardianInvitations.Hash(code),
                CreatedAt = now,
                ExpiresAt = now.AddDays(options.Value.InvitationDays),
            });
            codes.Add(new InvitationCode(g.Name, g.SourcedId, code, g.Students));
        }
        await db.SaveChangesAsync(ct);
        return codes;
    }
}
