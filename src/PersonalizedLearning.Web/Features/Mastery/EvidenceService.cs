using Microsoft.EntityFrameworkCore;
using Npgsql;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Family;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// Records and voids evidence. Each write is one transaction: the evidence, the recomputed rollup of every touched
/// student × standard, one audit row per student and the change event commit together or not at all.
/// </summary>
public sealed class EvidenceService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock,
    ILogger<EvidenceService> logger)
{
    public const int MaxNoteLength = 2000;
    public const int MaxReasonLength = 500;

    /// <summary>Records a class's scores on one standard. Students outside the teacher's section answer "not found".</summary>
    public async Task<Result> RecordForClassAsync(ClassEvidence input, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var scored = input.Scores.Where(s => s.Score is not null).ToList();
        if (scored.Count == 0)
        {
            return Result.Fail("Mastery.Problem.NoScores");
        }
        if (scored.Select(s => s.StudentId).Distinct().Count() != scored.Count)
        {
            return Result.Fail("Mastery.Problem.DuplicateStudent");
        }
        return await RecordAsync(me, input.SectionId, input.StandardId, input.ObservedOn, input.IdempotencyKey,
            [.. scored.Select(s => (s.StudentId, s.Score!.Value, s.Note))], ct);
    }

    /// <summary>Records one score for one student (in one of the teacher's sections).</summary>
    public async Task<Result> RecordForStudentAsync(StudentEvidence input, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        return await RecordAsync(me, input.SectionId, input.StandardId, input.ObservedOn, input.IdempotencyKey,
            [(input.StudentId, input.Score, input.Note)], ct);
    }

    /// <summary>Voids one evidence (never deletes it) with a reason; the rollup recomputes without it.</summary>
    public async Task<Result> VoidAsync(long evidenceId, string reason, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        reason = reason.Trim();
        if (reason.Length == 0)
        {
            return Result.Fail("Mastery.Problem.ReasonRequired");
        }
        if (reason.Length > MaxReasonLength)
        {
            return Result.Fail("Problem.TooLong", MaxReasonLength);
        }
        var outcome = await dbf.InTransactionAsync(async (db, token) =>
        {
            // One transaction retried as a whole: EF's savepoint before each SaveChanges would only cost round trips.
            db.Database.AutoSavepointsEnabled = false;
            // The same locks, in the same order, as recording (EvidenceWrite): the evidence table in the insert's mode
            // (an import in progress finishes first), then the pair, so the rollup recomputed below sees every
            // committed evidence of the pair and no concurrent write on the pair overwrites it with a stale one.
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE evidence IN ROW EXCLUSIVE MODE", token);
            var evidence = await db.Evidence
                .Where(e => e.Id == evidenceId && db.Students.VisibleTo(db, me).Any(s => s.Id == e.StudentId))
                .FirstOrDefaultAsync(token);
            if (evidence is null || !me.Is(Roles.Teacher) || !await TeachesAsync(db, me, evidence.StudentId, null, token))
            {
                return Result.Fail("NotFoundBody");
            }
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({evidence.StudentId}, {evidence.StandardId})", token);
            await db.Entry(evidence).ReloadAsync(token);
            if (evidence.VoidedAt is not null)
            {
                return Result.Ok;
            }
            var now = clock.Time.GetUtcNow();
            evidence.VoidedAt = now;
            evidence.VoidReason = reason;
            await db.SaveChangesAsync(token);
            await RecomputeAsync(db, evidence.StandardId, [evidence.StudentId], now, token);
            db.AccessAudit.Add(audit.Row(me, evidence.StudentId, "evidence-voided"));
            await db.SaveChangesAsync(token);
            await ChangeFeed.NotifyAsync(db, [evidence.StudentId], "evidence", token);
            return Result.Ok;
        }, ct);
        if (outcome.Succeeded)
        {
            logger.LogInformation("Evidence {EvidenceId} voided by {UserId}", evidenceId, me.UserId);
        }
        return outcome;
    }

    private async Task<Result> RecordAsync(
        Viewer me, int? sectionId, int standardId, DateOnly observedOn, Guid key,
        IReadOnlyList<(int StudentId, decimal Score, string? Note)> scores, CancellationToken ct)
    {
        if (key == Guid.Empty)
        {
            throw new ArgumentException("Every interactive write carries an idempotency key.", nameof(key));
        }
        if (scores.Any(s => (s.Note?.Length ?? 0) > MaxNoteLength))
        {
            return Result.Fail("Problem.TooLong", MaxNoteLength);
        }
        var zone = await clock.TimeZoneAsync(ct);
        var today = clock.Today(zone);
        if (observedOn > today)
        {
            return Result.Fail("Mastery.Problem.FutureDate");
        }
        // Microseconds, as PostgreSQL stores them: the rollup is computed in memory from the values it writes.
        var utcNow = clock.Time.GetUtcNow();
        var now = new DateTimeOffset(utcNow.UtcTicks - (utcNow.UtcTicks % 10), TimeSpan.Zero);
        var observedAt = observedOn == today ? now : Noon(observedOn, zone);
        var studentIds = scores.Select(s => s.StudentId).ToHashSet();
        if (!me.Is(Roles.Teacher))
        {
            return await DeniedAsync(me, studentIds);
        }

        try
        {
            // The whole write is retried on a transient failure (a broken connection, a deadlock, a serialization
            // failure), as the app's execution strategy retries InTransactionAsync. A commit whose outcome was unknown
            // is retried with the same idempotency key, so it records nothing twice: the read finds it done.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var outcome = await WriteOnceAsync(me, sectionId, standardId, key, scores, studentIds, observedAt, now, ct);
                    if (outcome.Succeeded)
                    {
                        logger.LogInformation("Evidence on standard {StandardId} recorded for {Count} students by {UserId}",
                            standardId, scores.Count, me.UserId);
                    }
                    else if (outcome.ErrorKey == "NotFoundBody")
                    {
                        return await DeniedAsync(me, studentIds);
                    }
                    return outcome;
                }
                catch (Exception ex) when (attempt < MaxRetries && IsTransient(ex) && !ct.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Evidence write on standard {StandardId} failed transiently (attempt {Attempt}); retrying",
                        standardId, attempt + 1);
                    await Task.Delay(TimeSpan.FromMilliseconds(50 << (2 * attempt)), ct);
                }
            }
        }
        catch (PostgresException pg) when (IsSameSubmission(pg))
        {
            // The same submission committed concurrently (a double click racing itself): it is recorded once.
            return Result.Ok;
        }
    }

    /// <summary>Retries of a write after a transient failure (the app's execution strategy allows as many).</summary>
    private const int MaxRetries = 3;

    /// <summary>What the app's execution strategy retries: Npgsql's transient errors and timeouts.</summary>
    private static bool IsTransient(Exception ex) => ex is NpgsqlException npgsql ? npgsql.IsTransient : ex is TimeoutException;

    private async Task<Result> DeniedAsync(Viewer me, IEnumerable<int> studentIds)
    {
        foreach (var id in studentIds)
        {
            await audit.DeniedAsync(me, id, "evidence-record");
        }
        return Result.Fail("NotFoundBody");
    }

    /// <summary>
    /// One attempt: two round trips on a pooled connection, no EF change tracking or EF transaction (EvidenceWrite):
    /// BEGIN + the read batch (locks, framework, students through the access rule with the idempotency check, the
    /// pairs' evidence and rollups); the write batch (evidence, rollups, audit rows, alerts) + COMMIT. The change
    /// events go to this node's publisher once the commit returned, so they never hold the commit back.
    /// </summary>
    private async Task<Result> WriteOnceAsync(
        Viewer me, int? sectionId, int standardId, Guid key, IReadOnlyList<(int StudentId, decimal Score, string? Note)> scores,
        HashSet<int> studentIds, DateTimeOffset observedAt, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var committed = false;
        try
        {
            var prefix = KeyFor(key, 0)[..^1];
            var read = await EvidenceWrite.ReadAsync(connection, standardId, [.. studentIds.Order()], me.UserId, sectionId, prefix, ct);
            var framework = read.Framework;
            if (read.Students.Count != studentIds.Count || framework is null || framework.Levels.Count == 0
                || read.Students.Values.Any(s => s.DistrictId != framework.DistrictId))
            {
                await EvidenceWrite.RollbackAsync(connection);
                return Result.Fail("NotFoundBody");
            }
            var (low, high) = (framework.Levels.Min(l => l.Points), framework.Levels.Max(l => l.Points));
            if (scores.Any(s => s.Score < low || s.Score > high))
            {
                await EvidenceWrite.RollbackAsync(connection);
                return Result.Fail("Mastery.Problem.ScoreOutOfScale", low, high);
            }
            var fresh = scores.Where(s => !read.Students[s.StudentId].Done).ToList();
            if (fresh.Count == 0)
            {
                await EvidenceWrite.RollbackAsync(connection);
                return Result.Ok;
            }

            var rows = new List<EvidenceWrite.NewEvidence>(fresh.Count);
            var alerts = new List<PendingAlert>();
            foreach (var s in fresh)
            {
                var student = read.Students[s.StudentId];
                // The pair's evidence as committed (read under its lock) plus this one, which gets the highest id.
                List<ScoredEvidence> all = [.. student.Evidence, new ScoredEvidence(long.MaxValue, s.Score, observedAt, now)];
                var result = MasteryCalculator.Calculate(all, framework.Method, framework.Parameter, framework.MasteryPoints);
                rows.Add(new EvidenceWrite.NewEvidence(s.StudentId, s.Score, s.Note?.Trim() ?? "", KeyFor(key, s.StudentId),
                    result, all.Count, all.Max(e => e.ObservedAt)));
                // Family alerts (level reached, dropped below mastery) commit with the evidence.
                if (AlertWriter.MasteryChanged(s.StudentId, standardId, student.RollupScore, result.Score, framework.Levels, framework.Code, now) is { } alert)
                {
                    alerts.Add(alert);
                }
            }
            var alerted = await EvidenceWrite.WriteAsync(connection, standardId, sectionId, me.UserId, me.RoleList,
                observedAt, now, framework, rows, alerts, ct);
            committed = true;
            // Committed: the change events go out through this node's publisher (no transaction is open on the context).
            await ChangeFeed.NotifyAsync(db, rows.Select(r => r.StudentId), "evidence", ct);
            await ChangeFeed.NotifyAsync(db, alerted, "alert", ct);
            return Result.Ok;
        }
        catch (Exception) when (!committed)
        {
            await EvidenceWrite.RollbackAsync(connection);
            throw;
        }
    }

    private static bool IsSameSubmission(PostgresException pg) =>
        pg.SqlState == PostgresErrorCodes.UniqueViolation && pg.ConstraintName?.Contains("external_id", StringComparison.Ordinal) == true;

    /// <summary>The idempotency key of one student's row in one submission, kept in the evidence's external id.</summary>
    public static string KeyFor(Guid submission, int studentId) =>
        $"key:{submission:N}:{studentId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static DateTimeOffset Noon(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(new TimeOnly(12, 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static Task<bool> TeachesAsync(AppDbContext db, Viewer me, int studentId, int? sectionId, CancellationToken ct) =>
        db.Enrollments.AnyAsync(e => e.StudentId == studentId && e.Active && e.Section!.Active
            && (sectionId == null || e.SectionId == sectionId)
            && e.Section.Teachers.Any(t => t.TeacherUserId == me.UserId), ct);

    /// <summary>How a framework turns a pair's evidence into its rollup (and which level names its alerts use).</summary>
    private sealed record FrameworkMethod(
        MasteryMethod Method, int Parameter, int Version, string Code,
        IReadOnlyList<(decimal Points, string Name, bool IsMastery)> Levels, decimal MasteryPoints);

    private sealed record LevelRow(decimal Points, string Name, bool IsMastery);

    private sealed record FrameworkRow(
        int DistrictId, MasteryMethod Method, int MethodParameter, int MethodVersion, string Code, List<LevelRow> Levels);

    /// <summary>Sets (or adds) the pair's rollup to what <see cref="MasteryCalculator"/> gives for its evidence; raises family alerts.</summary>
    private static async Task ApplyRollupAsync(
        AppDbContext db, int studentId, int standardId, MasteryRollup? rollup, List<ScoredEvidence> evidence,
        FrameworkMethod framework, DateTimeOffset now, CancellationToken ct)
    {
        var result = MasteryCalculator.Calculate(evidence, framework.Method, framework.Parameter, framework.MasteryPoints);
        if (rollup is null)
        {
            rollup = new MasteryRollup { StudentId = studentId, StandardId = standardId };
            db.MasteryRollups.Add(rollup);
        }
        // Family alerts (level reached, dropped below mastery) commit with the evidence.
        await AlertWriter.MasteryChangedAsync(db, studentId, standardId, rollup.Score, result.Score,
            framework.Levels, framework.Code, now, ct);
        rollup.Score = result.Score;
        rollup.AtMastery = result.Score >= framework.MasteryPoints;
        rollup.EvidenceCount = evidence.Count;
        rollup.LastEvidenceAt = evidence.Count == 0 ? null : evidence.Max(e => e.ObservedAt);
        rollup.Method = framework.Method;
        rollup.MethodVersion = framework.Version;
        rollup.UpdatedAt = now;
    }

    /// <summary>Recomputes the rollups of the students on one standard from all their non-voided evidence (the caller holds the pairs' locks).</summary>
    internal static async Task RecomputeAsync(
        AppDbContext db, int standardId, IReadOnlyCollection<int> studentIds, DateTimeOffset now, CancellationToken ct)
    {
        var f = await db.Standards.Where(s => s.Id == standardId)
            .Select(s => new FrameworkRow(
                s.Framework!.DistrictId, s.Framework.Method, s.Framework.MethodParameter, s.Framework.MethodVersion, s.Code,
                s.Framework.Levels.Select(l => new LevelRow(l.Points, l.Name, l.IsMastery)).ToList()))
            .FirstAsync(ct);
        var levels = f.Levels.Select(l => (l.Points, l.Name, l.IsMastery)).ToList();
        var framework = new FrameworkMethod(f.Method, f.MethodParameter, f.MethodVersion, f.Code, levels,
            levels.Where(l => l.IsMastery).Select(l => (decimal?)l.Points).FirstOrDefault() ?? decimal.MaxValue);
        var evidence = (await db.Evidence.AsNoTracking()
                .Where(e => studentIds.Contains(e.StudentId) && e.StandardId == standardId && e.VoidedAt == null)
                .Select(e => new { e.StudentId, Scored = new ScoredEvidence(e.Id, e.Score, e.ObservedAt, e.RecordedAt) })
                .ToListAsync(ct))
            .ToLookup(e => e.StudentId, e => e.Scored);
        var rollups = await db.MasteryRollups
            .Where(r => r.StandardId == standardId && studentIds.Contains(r.StudentId))
            .ToDictionaryAsync(r => r.StudentId, ct);
        foreach (var studentId in studentIds.Distinct())
        {
            await ApplyRollupAsync(db, studentId, standardId, rollups.GetValueOrDefault(studentId), [.. evidence[studentId]], framework, now, ct);
        }
    }
}
