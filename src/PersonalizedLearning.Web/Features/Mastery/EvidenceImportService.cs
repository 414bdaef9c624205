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
        // Pair order before the transaction: the sort holds no lock.
        var rows = InPairOrder(read!.Rows);
        phases.Mark("sort");
        var frameworks = read.Frameworks;
        var result = await dbf.InTransactionAsync((db, token) => ApplyAsync(db, importer, rows, frameworks, clock.Time.GetUtcNow(), progress, phases.Retry(), token), ct);
        phases.Mark("commit");
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Done, rows.Length, 100));
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
        AppDbContext db, Viewer me, ImportRow[] rows, IReadOnlyList<ImportFramework> frameworks,
        DateTimeOffset now, IProgress<EvidenceImportProgress>? progress, PhaseClock phases, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);

        // Interactive writers insert evidence (ROW EXCLUSIVE) and then recompute their pair's rollup; this mode waits
        // for those in flight and holds new ones until commit, so every rollup sees every committed evidence and no
        // row can appear between the "already there" check and the COPY. Two imports serialize here too, so the
        // second of two identical files adds nothing.
        await ExecuteAsync(connection, """
            LOCK TABLE evidence IN SHARE ROW EXCLUSIVE MODE;
            SET LOCAL work_mem = '256MB';
            CREATE TEMP TABLE import_touched (student_id int NOT NULL, standard_id int NOT NULL) ON COMMIT DROP;
            CREATE TEMP TABLE import_rollups (
                student_id int NOT NULL, standard_id int NOT NULL, score numeric(8,4), at_mastery boolean NOT NULL,
                evidence_count int NOT NULL, last_evidence_at timestamptz, method varchar(30) NOT NULL
            ) ON COMMIT DROP;
            """, ct);
        phases.Mark("lock");

        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Staging, rows.Length, 40));
        var already = await AlreadyThereAsync(connection, rows, ct);
        phases.Mark("match");

        // Only the new rows, straight into evidence with binary COPY (the reference path), in pair order (see
        // InPairOrder: rows of one pair observed at the same time keep the file's order, so their ids do too).
        // Synchronous writes on a worker thread: the importer buffers, and an await per field costs more than the copy itself.
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Adding, rows.Length, 55));
        // The touched student × standard pairs, in order (rows come in pair order): for the rollups, audit and change events.
        var touched = new List<long>();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY evidence (student_id, standard_id, score, source, recorded_by_user_id, section_id, observed_at, recorded_at, note, external_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            // No timeout (like the statements' CommandTimeout = 0): the server checks foreign keys and maintains the
            // indexes while rows stream in, so the final acknowledgement of a large file can take longer than the
            // connection's default 30 s, and a timeout would abort and retry the whole transaction.
            copy.Timeout = TimeSpan.Zero;
            await Task.Run(() =>
            {
                var sourceNames = Enum.GetValues<EvidenceSource>().ToDictionary(s => s, s => s.ToString());
                for (var i = 0; i < rows.Length; i++)
                {
                    if (already[i])
                    {
                        continue;
                    }
                    var r = rows[i];
                    var pair = ((long)r.StudentId << 32) | (uint)r.StandardId;
                    if (touched.Count == 0 || touched[^1] != pair)
                    {
                        touched.Add(pair);
                    }
                    copy.StartRow();
                    copy.Write(r.StudentId, NpgsqlDbType.Integer);
                    copy.Write(r.StandardId, NpgsqlDbType.Integer);
                    copy.Write(r.Score, NpgsqlDbType.Numeric);
                    copy.Write(sourceNames[r.Source], NpgsqlDbType.Varchar);
                    copy.Write(me.UserId, NpgsqlDbType.Text);
                    copy.WriteNull();
                    copy.Write(r.ObservedAt, NpgsqlDbType.TimestampTz);
                    copy.Write(now, NpgsqlDbType.TimestampTz);
                    copy.Write(r.Note, NpgsqlDbType.Varchar);
                    if (r.ExternalId is null)
                    {
                        copy.WriteNull();
                    }
                    else
                    {
                        copy.Write(r.ExternalId, NpgsqlDbType.Varchar);
                    }
                    if (i % 50_000 == 49_999)
                    {
                        ct.ThrowIfCancellationRequested();
                        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Adding, rows.Length, 55 + (20.0 * i / rows.Length)));
                    }
                }
            }, ct);
            await copy.CompleteAsync(ct);
        }
        var added = rows.Length - already.Count(a => a);
        phases.Mark("copy");

        var pairs = touched.ToArray();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY import_touched (student_id, standard_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            copy.Timeout = TimeSpan.Zero;
            await Task.Run(() =>
            {
                foreach (var pair in pairs)
                {
                    copy.StartRow();
                    copy.Write((int)(pair >> 32), NpgsqlDbType.Integer);
                    copy.Write((int)pair, NpgsqlDbType.Integer);
                }
            }, ct);
            await copy.CompleteAsync(ct);
        }
        // Temporary tables have no statistics until analyzed: without them the planner guesses their size.
        await ExecuteAsync(connection, "ANALYZE import_touched", ct);
        phases.Mark("pairs");

        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Rollups, rows.Length, 75));
        var rollups = pairs.Length == 0 ? 0 : await RollupsAsync(connection, pairs, frameworks, now, ct);
        phases.Mark("rollups");
        progress?.Report(new EvidenceImportProgress(EvidenceImportStage.Finishing, rows.Length, 95));
        var students = touched.Count == 0 ? 0 : await ExecuteAsync(connection, """
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
        return new EvidenceImportResult(true, rows.Length, added, rows.Length - added, students, rollups, [], 0);
    }

    /// <summary>
    /// The rows sorted by student, standard and observed time; rows with the same three keep the file's order (the
    /// line index is the last key, so the sort is stable). The file comes in any order, and every probe of the
    /// (student, standard, observed) index, every insert into it and every rollup upsert then lands on the page its
    /// predecessor just touched instead of a random one; the rollups read and write pairs in the same order. The
    /// evidence ids follow this order, which keeps the calculator's tie-break (observed, recorded, id) in file order.
    /// </summary>
    internal static ImportRow[] InPairOrder(IReadOnlyList<ImportRow> rows)
    {
        var keys = new (long Pair, long Observed, int Line)[rows.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var r = rows[i];
            keys[i] = (((long)r.StudentId << 32) | (uint)r.StandardId, r.ObservedAt.UtcTicks, i);
        }
        Array.Sort(keys);
        var sorted = new ImportRow[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            sorted[i] = rows[keys[i].Line];
        }
        return sorted;
    }

    /// <summary>
    /// Which rows are already there: "the same" evidence has the same student, standard, observed time, source and
    /// score (voided or not), or the same external id. One round trip: the file's keys go as arrays, and each is
    /// looked up through the (student, standard, observed) index or the unique external id index — a cost that grows
    /// with the file, never with the history.
    /// </summary>
    private static async Task<bool[]> AlreadyThereAsync(NpgsqlConnection connection, ImportRow[] rows, CancellationToken ct)
    {
        var n = rows.Length;
        var students = new int[n];
        var standards = new int[n];
        var observed = new DateTimeOffset[n];
        var sources = new string[n];
        var scores = new decimal[n];
        var withId = new List<int>();
        var externalIds = new List<string>();
        var sourceNames = Enum.GetValues<EvidenceSource>().ToDictionary(s => s, s => s.ToString());
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            students[i] = r.StudentId;
            standards[i] = r.StandardId;
            observed[i] = r.ObservedAt;
            sources[i] = sourceNames[r.Source];
            scores[i] = r.Score;
            if (r.ExternalId is not null)
            {
                withId.Add(i);
                externalIds.Add(r.ExternalId);
            }
        }
        // WITH ORDINALITY numbers the rows 1..n in array order; the planner assumes a small unnest, so each row is
        // an index probe (nested loop), never a scan of the evidence table.
        await using var command = new NpgsqlCommand("""
            SELECT u.i::int - 1
            FROM unnest(@students, @standards, @observed, @sources, @scores) WITH ORDINALITY AS u(student_id, standard_id, observed_at, source, score, i)
            WHERE EXISTS (
                SELECT 1 FROM evidence e
                WHERE e.student_id = u.student_id AND e.standard_id = u.standard_id AND e.observed_at = u.observed_at
                  AND e.source = u.source AND e.score = u.score)
            UNION ALL
            SELECT x.i
            FROM unnest(@withId, @externalIds) AS x(i, external_id)
            WHERE EXISTS (SELECT 1 FROM evidence e WHERE e.external_id = x.external_id)
            """, connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter<int[]>("students", students));
        command.Parameters.Add(new NpgsqlParameter<int[]>("standards", standards));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("observed", observed));
        command.Parameters.Add(new NpgsqlParameter<string[]>("sources", sources) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter<decimal[]>("scores", scores));
        command.Parameters.Add(new NpgsqlParameter<int[]>("withId", [.. withId]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("externalIds", [.. externalIds]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        var already = new bool[n];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            already[reader.GetInt32(0)] = true;
        }
        return already;
    }

    /// <summary>
    /// The rollups of the touched pairs by <see cref="MasteryCalculator"/>, the documented method in its one place:
    /// the pairs' non-voided evidence streams out by binary COPY (one index probe per pair), each pair is calculated in
    /// memory, the results stream back into a temp table by binary COPY, and one INSERT … ON CONFLICT applies them.
    /// </summary>
    private static async Task<int> RollupsAsync(
        NpgsqlConnection connection, long[] pairs, IReadOnlyList<ImportFramework> frameworks, DateTimeOffset now, CancellationToken ct)
    {
        var methodOf = new Dictionary<int, ImportFramework>();
        foreach (var f in frameworks)
        {
            foreach (var standardId in f.StandardsByCode.Values)
            {
                methodOf.TryAdd(standardId, f);
            }
        }
        var evidence = new Dictionary<long, List<ScoredEvidence>>(pairs.Length);
        await Task.Run(() =>
        {
            using var export = connection.BeginBinaryExport("""
                COPY (SELECT e.student_id, e.standard_id, e.id, e.score, e.observed_at, e.recorded_at
                      FROM import_touched t
                      JOIN evidence e ON e.student_id = t.student_id AND e.standard_id = t.standard_id AND e.voided_at IS NULL)
                TO STDOUT (FORMAT BINARY)
                """);
            export.Timeout = TimeSpan.Zero;
            while (export.StartRow() != -1)
            {
                var pair = ((long)export.Read<int>(NpgsqlDbType.Integer) << 32) | (uint)export.Read<int>(NpgsqlDbType.Integer);
                var scored = new ScoredEvidence(export.Read<long>(NpgsqlDbType.Bigint), export.Read<decimal>(NpgsqlDbType.Numeric),
                    export.Read<DateTimeOffset>(NpgsqlDbType.TimestampTz), export.Read<DateTimeOffset>(NpgsqlDbType.TimestampTz));
                if (!evidence.TryGetValue(pair, out var list))
                {
                    evidence[pair] = list = new List<ScoredEvidence>(4);
                }
                list.Add(scored);
            }
        }, ct);

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY import_rollups (student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at, method) FROM STDIN (FORMAT BINARY)", ct))
        {
            copy.Timeout = TimeSpan.Zero;
            await Task.Run(() =>
            {
                var methodNames = Enum.GetValues<MasteryMethod>().ToDictionary(m => m, m => m.ToString());
                foreach (var pair in pairs)
                {
                    var (studentId, standardId) = ((int)(pair >> 32), (int)pair);
                    var f = methodOf[standardId];
                    var mine = evidence.GetValueOrDefault(pair) ?? [];
                    var masteryPoints = f.MasteryPoints ?? decimal.MaxValue;
                    var result = MasteryCalculator.Calculate(mine, f.Method, f.MethodParameter, masteryPoints);
                    copy.StartRow();
                    copy.Write(studentId, NpgsqlDbType.Integer);
                    copy.Write(standardId, NpgsqlDbType.Integer);
                    if (result.Score is { } score)
                    {
                        copy.Write(score, NpgsqlDbType.Numeric);
                    }
                    else
                    {
                        copy.WriteNull();
                    }
                    copy.Write(result.Score >= masteryPoints, NpgsqlDbType.Boolean);
                    copy.Write(mine.Count, NpgsqlDbType.Integer);
                    if (mine.Count == 0)
                    {
                        copy.WriteNull();
                    }
                    else
                    {
                        copy.Write(mine.Max(e => e.ObservedAt), NpgsqlDbType.TimestampTz);
                    }
                    copy.Write(methodNames[f.Method], NpgsqlDbType.Varchar);
                }
            }, ct);
            await copy.CompleteAsync(ct);
        }
        return await ExecuteAsync(connection, """
            INSERT INTO mastery_rollups (student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at, method, method_version, updated_at)
            SELECT student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at, method, @version, @now FROM import_rollups
            ON CONFLICT (student_id, standard_id) DO UPDATE SET
                score = excluded.score, at_mastery = excluded.at_mastery, evidence_count = excluded.evidence_count,
                last_evidence_at = excluded.last_evidence_at, method = excluded.method, method_version = excluded.method_version,
                updated_at = excluded.updated_at
            """, ct, new NpgsqlParameter<int>("version", MasteryCalculator.Version), new NpgsqlParameter<DateTimeOffset>("now", now));
    }

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
