using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// Bulk evidence import from CSV. Validates the whole file first (every problem by line and column) and applies
/// nothing when there is any problem; otherwise applies it in one transaction: binary COPY into a temporary table,
/// one INSERT … SELECT of the rows not already there (same student, standard, observed time, source and score, or
/// the same external id), one set-based rollup recompute for the touched student × standard pairs, one audit row per
/// touched student and batched change events. Never uses the change tracker for rows.
/// </summary>
public sealed class EvidenceImportService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, DistrictClock clock, ILogger<EvidenceImportService> logger)
{
    /// <summary>The largest upload the import page accepts.</summary>
    public const long MaxFileBytes = 100L * 1024 * 1024;

    /// <summary>Ids per change-feed notification: "id,id,…:evidence" stays well under pg_notify's 8000-byte payload.</summary>
    internal const int NotifyBatch = 600;

    public async Task<EvidenceImportResult> ImportAsync(Stream csv, IProgress<EvidenceImportProgress>? progress, CancellationToken ct) =>
        await ImportAsync(await currentUser.GetAsync(), csv, progress, ct);

    /// <summary>Checks a file without applying it: the problems a real import would report.</summary>
    public async Task<EvidenceImportResult> ValidateAsync(Viewer importer, Stream csv, IProgress<EvidenceImportProgress>? progress, CancellationToken ct)
    {
        var (read, failed) = await ReadAsync(importer, csv, progress, ct);
        return failed ?? new EvidenceImportResult(false, read!.Rows.Count, 0, 0, 0, 0, [], 0);
    }

    /// <summary>Validates, then applies in one transaction. A teacher imports for students in their sections; a district admin for the district.</summary>
    public async Task<EvidenceImportResult> ImportAsync(
        Viewer importer, Stream csv, IProgress<EvidenceImportProgress>? progress, CancellationToken ct)
    {
        var clockStart = Stopwatch.GetTimestamp();
        var phases = new PhaseClock();
        var (read, failed) = await ReadAsync(importer, csv, progress, ct);
        phases.Mark("read");
        if (failed is not null)
        {
            logger.LogInformation("Evidence import by {UserId} refused: {ProblemCount} problems", importer.UserId, failed.ProblemCount);
            return failed;
        }
        var rows = read!.Rows;
        var frameworks = read.Frameworks;
        var result = await dbf.InTransactionAsync((db, token) => ApplyAsync(db, importer, rows, frameworks, clock.Time.GetUtcNow(), progress, phases.Retry(), token), ct);
        phases.Mark("commit");
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Done, rows.Count, 100));
        logger.LogInformation(
            "Evidence import by {UserId}: {Rows} rows, {Added} added, {AlreadyThere} already there, {Students} students, {Rollups} rollups in {Elapsed} ms ({Phases})",
            importer.UserId, result.Rows, result.Added, result.AlreadyThere, result.StudentsTouched, result.RollupsUpdated,
            (long)Stopwatch.GetElapsedTime(clockStart).TotalMilliseconds, string.Join(", ", phases.Phases));
        return result with { Phases = phases.Phases };
    }

    /// <summary>A template CSV whose example rows name one of the importer's students and a standard of the district.</summary>
    public async Task<string> TemplateAsync(Viewer me, CancellationToken ct)
    {
        var lookups = await LookupsAsync(me, ct);
        var student = lookups?.Lookups.ByNumber.Keys.Order(StringComparer.Ordinal).FirstOrDefault() ?? "100001";
        var framework = lookups?.Frameworks.OrderBy(f => f.Code, StringComparer.Ordinal).FirstOrDefault();
        var standard = framework?.StandardsByCode.Keys.Where(c => c.Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? framework?.StandardsByCode.Keys.FirstOrDefault() ?? "STD.1";
        return EvidenceImportReader.Template(student, framework?.Code ?? "FRAMEWORK", standard, (lookups?.Lookups.Today ?? DateOnly.FromDateTime(clock.Time.GetUtcNow().UtcDateTime)).AddDays(-1));
    }

    private sealed record Read(IReadOnlyList<ImportRow> Rows, IReadOnlyList<ImportFramework> Frameworks);

    private async Task<(Read? Read, EvidenceImportResult? Failed)> ReadAsync(
        Viewer importer, Stream csv, IProgress<EvidenceImportProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Reading, 0, 0));
        var lookups = await LookupsAsync(importer, ct);
        if (lookups is null)
        {
            return (null, EvidenceImportResult.Failed([new EvidenceImportProblem(0, "", "Import.Problem.NotAllowed")], 1));
        }
        // Parsing is CPU-bound and synchronous (Sep's rows are spans): run it off the caller's context.
        var read = await Task.Run(() => EvidenceImportReader.Read(csv, lookups.Value.Lookups,
            (rows, fraction) => progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Reading, rows, fraction * 40)), ct), ct);
        if (read.ProblemCount > 0)
        {
            return (null, EvidenceImportResult.Failed(read.Problems, read.ProblemCount, read.Rows.Count));
        }
        return (new Read(read.Rows, lookups.Value.Frameworks), null);
    }

    /// <summary>Code → id maps, loaded once: the students the importer may record for and the district's frameworks.</summary>
    private async Task<(ImportLookups Lookups, IReadOnlyList<ImportFramework> Frameworks)?> LookupsAsync(Viewer me, CancellationToken ct)
    {
        var isAdmin = me.Is(Roles.DistrictAdmin);
        if (!isAdmin && !me.Is(Roles.Teacher))
        {
            return null;
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var districtId = await db.DistrictIdAsync(me, ct);
        if (districtId is null)
        {
            return null;
        }
        // A district admin: the district; a teacher: students enrolled in their own active sections (never their advisees).
        var students = await db.Students.AsNoTracking().VisibleTo(db, me)
            .Where(s => s.DistrictId == districtId)
            .Where(s => isAdmin || s.Enrollments.Any(e => e.Active && e.Section!.Active && e.Section.Teachers.Any(t => t.TeacherUserId == me.UserId)))
            .Select(s => new { s.Id, s.StudentNumber, s.SourcedId })
            .ToListAsync(ct);
        var frameworks = (await db.Frameworks.AsNoTracking().Where(f => f.DistrictId == districtId)
                .Select(f => new
                {
                    f.Id,
                    f.Code,
                    f.Method,
                    f.MethodParameter,
                    Points = f.Levels.Select(l => l.Points).ToList(),
                    Mastery = f.Levels.Where(l => l.IsMastery).Select(l => (decimal?)l.Points).FirstOrDefault(),
                    Standards = f.Standards.Select(s => new { s.Id, s.Code }).ToList(),
                })
                .ToListAsync(ct))
            .Where(f => f.Points.Count > 0)
            .Select(f => new ImportFramework(f.Id, f.Code, f.Points.Min(), f.Points.Max(), f.Method, f.MethodParameter, f.Mastery,
                f.Standards.GroupBy(s => s.Code, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase)))
            .ToList();
        var zone = await clock.TimeZoneAsync(ct);
        var lookups = new ImportLookups(students.Select(s => (s.Id, s.StudentNumber, s.SourcedId)), frameworks, clock.Today(zone), zone);
        return (lookups, frameworks);
    }

    private static async Task<EvidenceImportResult> ApplyAsync(
        AppDbContext db, Viewer me, IReadOnlyList<ImportRow> rows, IReadOnlyList<ImportFramework> frameworks,
        DateTimeOffset now, IProgress<EvidenceImportProgress>? progress, PhaseClock phases, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);

        // Interactive writers insert evidence (ROW EXCLUSIVE) and then recompute their pair's rollup; this mode waits
        // for those in flight and holds new ones until commit, so every rollup sees every committed evidence.
        // Two imports serialize here too, so the second of two identical files adds nothing.
        await ExecuteAsync(connection, """
            LOCK TABLE evidence IN SHARE ROW EXCLUSIVE MODE;
            CREATE TEMP TABLE import_rows (
                line int NOT NULL, student_id int NOT NULL, standard_id int NOT NULL, score numeric(6,3) NOT NULL,
                source varchar(30) NOT NULL, observed_at timestamptz NOT NULL, note varchar(2000) NOT NULL, external_id varchar(100)
            ) ON COMMIT DROP;
            CREATE TEMP TABLE import_methods (
                standard_id int PRIMARY KEY, method varchar(30) NOT NULL, parameter int NOT NULL, mastery_points numeric
            ) ON COMMIT DROP;
            CREATE TEMP TABLE import_touched (student_id int NOT NULL, standard_id int NOT NULL) ON COMMIT DROP;
            """, ct);

        phases.Mark("lock");
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Staging, rows.Count, 40));
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY import_rows (line, student_id, standard_id, score, source, observed_at, note, external_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            var sourceNames = Enum.GetValues<EvidenceSource>().ToDictionary(s => s, s => s.ToString());
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(r.Line, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.StudentId, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.StandardId, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.Score, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(sourceNames[r.Source], NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(r.ObservedAt, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(r.Note, NpgsqlDbType.Varchar, ct);
                if (r.ExternalId is null)
                {
                    await copy.WriteNullAsync(ct);
                }
                else
                {
                    await copy.WriteAsync(r.ExternalId, NpgsqlDbType.Varchar, ct);
                }
                if (i % 50_000 == 49_999)
                {
                    progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Staging, rows.Count, 40 + (15.0 * i / rows.Count)));
                }
            }
            await copy.CompleteAsync(ct);
        }
        await using (var methods = await connection.BeginBinaryImportAsync(
            "COPY import_methods (standard_id, method, parameter, mastery_points) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var f in frameworks)
            {
                foreach (var standardId in f.StandardsByCode.Values.Distinct())
                {
                    await methods.StartRowAsync(ct);
                    await methods.WriteAsync(standardId, NpgsqlDbType.Integer, ct);
                    await methods.WriteAsync(f.Method.ToString(), NpgsqlDbType.Varchar, ct);
                    await methods.WriteAsync(f.MethodParameter, NpgsqlDbType.Integer, ct);
                    if (f.MasteryPoints is { } points)
                    {
                        await methods.WriteAsync(points, NpgsqlDbType.Numeric, ct);
                    }
                    else
                    {
                        await methods.WriteNullAsync(ct);
                    }
                }
            }
            await methods.CompleteAsync(ct);
        }

        phases.Mark("copy");
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Adding, rows.Count, 55));
        var (added, pairs) = await AddNewEvidenceAsync(connection, me.UserId, now, ct);
        phases.Mark("add");

        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Rollups, rows.Count, 75));
        var rollups = pairs == 0 ? 0 : await ExecuteAsync(connection, RollupSql, ct,
            new NpgsqlParameter<int>("version", MasteryCalculator.Version), new NpgsqlParameter<DateTimeOffset>("now", now));

        phases.Mark("rollups");
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Finishing, rows.Count, 95));
        var students = pairs == 0 ? 0 : await ExecuteAsync(connection, """
            INSERT INTO access_audit (at, user_id, role, student_id, action, outcome)
            SELECT @now, @user, @role, s.student_id, 'evidence-imported', 'Allowed'
            FROM (SELECT DISTINCT student_id FROM import_touched) s
            """, ct,
            new NpgsqlParameter<DateTimeOffset>("now", now), new NpgsqlParameter<string>("user", me.UserId),
            new NpgsqlParameter<string>("role", me.RoleList));
        if (students > 0)
        {
            // Change events, batched: "id,id,…:evidence" (ChangeFeed fans each id out); delivered only on commit.
            await ExecuteAsync(connection, $"""
                SELECT pg_notify('{ChangeFeed.Channel}', string_agg(student_id::text, ',') || ':evidence')
                FROM (SELECT student_id, (row_number() OVER (ORDER BY student_id) - 1) / {NotifyBatch} AS batch
                      FROM (SELECT DISTINCT student_id FROM import_touched) d) s
                GROUP BY batch
                """, ct);
        }
        phases.Mark("audit+notify");
        return new EvidenceImportResult(true, rows.Count, added, rows.Count - added, students, rollups, [], 0);
    }

    private static async Task<(int Added, int Pairs)> AddNewEvidenceAsync(NpgsqlConnection connection, string userId, DateTimeOffset now, CancellationToken ct)
    {
        // "The same" evidence: same student, standard, observed time, source and score (voided or not), or the same
        // external id. Inserted in file order, so rows of one pair observed at the same time keep the file's order.
        await using var command = new NpgsqlCommand("""
            WITH added AS (
                INSERT INTO evidence (student_id, standard_id, score, source, recorded_by_user_id, section_id, observed_at, recorded_at, note, external_id)
                SELECT i.student_id, i.standard_id, i.score, i.source, @user, NULL, i.observed_at, @now, i.note, i.external_id
                FROM import_rows i
                WHERE NOT EXISTS (
                        SELECT 1 FROM evidence e
                        WHERE e.student_id = i.student_id AND e.standard_id = i.standard_id AND e.observed_at = i.observed_at
                          AND e.source = i.source AND e.score = i.score)
                  AND (i.external_id IS NULL OR NOT EXISTS (SELECT 1 FROM evidence e WHERE e.external_id = i.external_id))
                ORDER BY i.line
                RETURNING student_id, standard_id),
            touched AS (
                INSERT INTO import_touched (student_id, standard_id)
                SELECT DISTINCT student_id, standard_id FROM added
                RETURNING 1)
            SELECT (SELECT count(*) FROM added)::int, (SELECT count(*) FROM touched)::int
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("user", userId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>
    /// The rollups of the touched pairs, set-based, with MasteryCalculator's arithmetic: evidence ordered by observed
    /// time, then recording time, then id; weights as the calculator makes them (divisions rounded to 28 decimals like
    /// System.Decimal), the sum rounded to 4 decimals half-to-even like Math.Round.
    /// </summary>
    internal const string RollupSql = """
        WITH ev AS (
            SELECT e.student_id, e.standard_id, e.score, e.observed_at, m.method, m.parameter, m.mastery_points,
                   (row_number() OVER p - 1)::int AS i,
                   (count(*) OVER w)::int AS n,
                   (count(*) FILTER (WHERE e.score >= m.mastery_points) OVER w)::int AS at_mastery
            FROM import_touched t
            JOIN evidence e ON e.student_id = t.student_id AND e.standard_id = t.standard_id AND e.voided_at IS NULL
            JOIN import_methods m ON m.standard_id = t.standard_id
            WINDOW w AS (PARTITION BY e.student_id, e.standard_id),
                   p AS (PARTITION BY e.student_id, e.standard_id ORDER BY e.observed_at, e.recorded_at, e.id)
        ),
        raw AS (
            SELECT student_id, standard_id, method, max(mastery_points) AS mastery_points, max(n) AS n, max(observed_at) AS last_at,
                CASE method
                    WHEN 'DecayingAverage' THEN sum(score * CASE WHEN i = 0
                        THEN power(round(1 - parameter / 100.0, 30), n - 1)
                        ELSE round(parameter / 100.0, 30) * power(round(1 - parameter / 100.0, 30), n - 1 - i) END)
                    WHEN 'WeightedAverage' THEN sum(score * CASE WHEN n = 1 THEN 1 WHEN i = n - 1 THEN parameter / 100.0
                        ELSE round((100 - parameter) / (100.000000000000000000000000000000 * (n - 1)), 28) END)
                    WHEN 'MostRecent' THEN sum(CASE WHEN i = n - 1 THEN score ELSE 0 END)
                    WHEN 'Highest' THEN max(score)
                    WHEN 'Average' THEN sum(score * round(1.000000000000000000000000000000 / n, 28))
                    WHEN 'NTimesAtMastery' THEN CASE WHEN max(at_mastery) >= greatest(1, max(parameter))
                        THEN sum(CASE WHEN score >= mastery_points THEN score * round(1.000000000000000000000000000000 / at_mastery, 28) ELSE 0 END)
                        END
                END AS raw
            FROM ev
            GROUP BY student_id, standard_id, method
        ),
        scored AS (
            SELECT *, CASE
                    WHEN raw IS NULL THEN NULL
                    WHEN raw * 10000 - trunc(raw * 10000) = 0.5 THEN (trunc(raw * 10000) + mod(trunc(raw * 10000), 2)) / 10000
                    ELSE round(raw, 4)
                END AS score
            FROM raw
        )
        INSERT INTO mastery_rollups (student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at, method, method_version, updated_at)
        SELECT student_id, standard_id, score, coalesce(score >= mastery_points, false), n, last_at, method, @version, @now
        FROM scored
        ON CONFLICT (student_id, standard_id) DO UPDATE SET
            score = excluded.score, at_mastery = excluded.at_mastery, evidence_count = excluded.evidence_count,
            last_evidence_at = excluded.last_evidence_at, method = excluded.method, method_version = excluded.method_version,
            updated_at = excluded.updated_at
        """;

    /// <summary>Wall time per phase: each <see cref="Mark"/> closes the phase that began at the previous one.</summary>
    private sealed class PhaseClock
    {
        private readonly List<EvidenceImportPhase> phases = [];
        private long last = Stopwatch.GetTimestamp();
        private int kept;

        public IReadOnlyList<EvidenceImportPhase> Phases => phases;

        /// <summary>Called at the start of each transaction attempt: a retried attempt replaces the phases of the failed one.</summary>
        public PhaseClock Retry()
        {
            if (kept == 0)
            {
                kept = phases.Count;
            }
            phases.RemoveRange(kept, phases.Count - kept);
            return this;
        }

        public void Mark(string name)
        {
            var now = Stopwatch.GetTimestamp();
            phases.Add(new EvidenceImportPhase(name, Stopwatch.GetElapsedTime(last, now).TotalMilliseconds));
            last = now;
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
