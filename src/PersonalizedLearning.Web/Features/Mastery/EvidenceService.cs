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
            var evidence = await db.Evidence
                .Where(e => e.Id == evidenceId && db.Students.VisibleTo(db, me).Any(s => s.Id == e.StudentId))
                .FirstOrDefaultAsync(token);
            if (evidence is null || !me.Is(Roles.Teacher) || !await TeachesAsync(db, me, evidence.StudentId, null, token))
            {
                return Result.Fail("NotFoundBody");
            }
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
        var now = clock.Time.GetUtcNow();
        var observedAt = observedOn == today ? now : Noon(observedOn, zone);
        var studentIds = scores.Select(s => s.StudentId).ToHashSet();

        try
        {
            var outcome = await dbf.InTransactionAsync(async (db, token) =>
            {
                if (!me.Is(Roles.Teacher))
                {
                    return Result.Fail("NotFoundBody");
                }
                // Four round trips: BEGIN + pair locks + the framework; the students with their evidence and rollup on
                // the standard; one batch writing evidence, rollups and audit rows; COMMIT. The change event goes out
                // after the commit (ChangeFeed), so it never holds this commit back.
                var framework = await LockedFrameworkAsync(db, standardId, studentIds, token);
                var prefix = KeyFor(key, 0)[..^1];
                var students = await db.Students.VisibleTo(db, me)
                    .Where(s => studentIds.Contains(s.Id))
                    .Where(s => s.Enrollments.Any(e => e.Active && e.Section!.Active
                        && (sectionId == null || e.SectionId == sectionId)
                        && e.Section.Teachers.Any(t => t.TeacherUserId == me.UserId)))
                    .Select(s => new
                    {
                        s.Id,
                        s.DistrictId,
                        // The idempotency key: this submission already committed for this student.
                        Done = db.Evidence.Any(e => e.ExternalId == prefix + s.Id.ToString()),
                        Evidence = db.Evidence
                            .Where(e => e.StudentId == s.Id && e.StandardId == standardId && e.VoidedAt == null)
                            .Select(e => new ScoredEvidence(e.Id, e.Score, e.ObservedAt, e.RecordedAt))
                            .ToList(),
                        // A list, not FirstOrDefault: EF would rank every rollup of the standard (ROW_NUMBER) to
                        // pick one per student; a plain filter joins on the (student, standard) key (at most one row).
                        Rollups = db.MasteryRollups.Where(r => r.StudentId == s.Id && r.StandardId == standardId).ToList(),
                    })
                    .ToListAsync(token);
                if (students.Count != studentIds.Count || framework is null || framework.Levels.Count == 0
                    || students.Any(s => s.DistrictId != framework.DistrictId))
                {
                    return Result.Fail("NotFoundBody");
                }
                var (low, high) = (framework.Levels.Min(l => l.Points), framework.Levels.Max(l => l.Points));
                if (scores.Any(s => s.Score < low || s.Score > high))
                {
                    return Result.Fail("Mastery.Problem.ScoreOutOfScale", low, high);
                }
                var fresh = scores.Where(s => !students.Single(x => x.Id == s.StudentId).Done).ToList();
                if (fresh.Count == 0)
                {
                    return Result.Ok;
                }

                var levels = framework.Levels.Select(l => (l.Points, l.Name, l.IsMastery)).ToList();
                var masteryPoints = levels.Where(l => l.IsMastery).Select(l => (decimal?)l.Points).FirstOrDefault() ?? decimal.MaxValue;
                foreach (var s in fresh)
                {
                    var student = students.Single(x => x.Id == s.StudentId);
                    db.Evidence.Add(new Evidence
                    {
                        StudentId = s.StudentId,
                        StandardId = standardId,
                        Score = s.Score,
                        Source = EvidenceSource.TeacherAssessment,
                        RecordedByUserId = me.UserId,
                        SectionId = sectionId,
                        ObservedAt = observedAt,
                        RecordedAt = now,
                        Note = s.Note?.Trim() ?? "",
                        ExternalId = KeyFor(key, s.StudentId),
                    });
                    // The pair's evidence as committed (read under its lock) plus this one, which gets the highest id.
                    List<ScoredEvidence> all = [.. student.Evidence, new ScoredEvidence(long.MaxValue, s.Score, observedAt, now)];
                    await ApplyRollupAsync(db, s.StudentId, standardId, student.Rollups.SingleOrDefault(), all,
                        new FrameworkMethod(framework.Method, framework.MethodParameter, framework.MethodVersion, framework.Code, levels, masteryPoints),
                        now, token);
                }
                var touched = fresh.Select(s => s.StudentId).ToList();
                db.AccessAudit.AddRange(touched.Select(id => audit.Row(me, id, "evidence-recorded")));
                await db.SaveChangesAsync(token);
                await ChangeFeed.NotifyAsync(db, touched, "evidence", token);
                return Result.Ok;
            }, ct);
            if (outcome.Succeeded)
            {
                logger.LogInformation("Evidence on standard {StandardId} recorded for {Count} students by {UserId}",
                    standardId, scores.Count, me.UserId);
            }
            else if (outcome.ErrorKey == "NotFoundBody")
            {
                foreach (var id in studentIds)
                {
                    await audit.DeniedAsync(me, id, "evidence-record");
                }
            }
            return outcome;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
            && pg.ConstraintName?.Contains("external_id", StringComparison.Ordinal) == true)
        {
            // The same submission committed concurrently (a double click racing itself): it is recorded once.
            return Result.Ok;
        }
    }

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

    /// <summary>
    /// Serializes writers of the same student × standard, then reads the standard's framework, in one statement. The
    /// transaction-scoped advisory locks are taken in a fixed order (so two class submissions cannot deadlock) by the
    /// statement's uncorrelated sub-select; every later statement of the transaction takes a new snapshot
    /// (READ COMMITTED) and so sees every evidence of the pair that a writer holding the lock before us committed.
    /// </summary>
    private static Task<FrameworkRow?> LockedFrameworkAsync(
        AppDbContext db, int standardId, IEnumerable<int> studentIds, CancellationToken ct)
    {
        var ordered = studentIds.Distinct().Order().ToArray();
        return db.Standards
            .FromSql($"""
                SELECT * FROM standards
                WHERE id = {standardId}
                  AND (SELECT count(pg_advisory_xact_lock(u.s, {standardId})) FROM unnest({ordered}) WITH ORDINALITY AS u(s, n)) >= 0
                """)
            .Where(s => s.Id == standardId)
            .Select(s => new FrameworkRow(
                s.Framework!.DistrictId, s.Framework.Method, s.Framework.MethodParameter, s.Framework.MethodVersion, s.Code,
                s.Framework.Levels.Select(l => new LevelRow(l.Points, l.Name, l.IsMastery)).ToList()))
            .FirstOrDefaultAsync(ct);
    }

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
