using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Advisory;

/// <summary>
/// Raises and refreshes early-warning flags from the pure <see cref="EarlyWarningRules"/>, lists them for the
/// viewer's students, and resolves them with a note. Flags are never deleted: the history stays.
/// </summary>
public sealed class FlagService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock)
{
    /// <summary>
    /// Evaluates the rules for these students (the caller has already applied the access filter, or is the
    /// district-wide sweep). A rule that holds refreshes its open flag or raises a new one for a new situation.
    /// </summary>
    public async Task<int> EvaluateAsync(IReadOnlyCollection<int> studentIds, CancellationToken ct = default)
    {
        if (studentIds.Count == 0)
        {
            return 0;
        }
        var year = await clock.CurrentYearAsync(ct);
        if (year is null)
        {
            return 0;
        }
        var zone = await clock.TimeZoneAsync(ct);
        var today = clock.Today(zone);
        if (today > year.EndsOn)
        {
            return 0;
        }
        var findings = new List<FlagFinding>();
        var byStudent = new Dictionary<int, List<FlagFinding>>();
        await using (var db = await dbf.CreateDbContextAsync(ct))
        {
            var settings = await db.Districts.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Settings).FirstAsync(ct);
            var students = await db.Students.AsNoTracking().Where(s => studentIds.Contains(s.Id))
                .Select(s => new { s.Id, s.SchoolId }).ToListAsync(ct);
            var since = year.StartsOn;
            var checkIns = await db.CheckIns.AsNoTracking().Where(c => studentIds.Contains(c.StudentId) && c.Day >= since)
                .Select(c => new { c.StudentId, Fact = new CheckInFact(c.Day, c.Attendance, c.Mood, c.NeedsHelp, c.AdvisorNote != "") })
                .ToListAsync(ct);
            var interventions = await db.Interventions.AsNoTracking().Where(i => studentIds.Contains(i.StudentId) && i.Day >= since)
                .Select(i => new { i.StudentId, i.Day }).ToListAsync(ct);
            var yearStartUtc = new DateTimeOffset(year.StartsOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var evidence = await db.Evidence.AsNoTracking()
                .Where(e => studentIds.Contains(e.StudentId) && e.VoidedAt == null && e.ObservedAt >= yearStartUtc)
                .Join(db.Standards, e => e.StandardId, s => s.Id, (e, s) => new { e.StudentId, e.StandardId, s.Code, e.Score, e.ObservedAt, e.Id })
                .ToListAsync(ct);
            var plans = await db.Plans.AsNoTracking().Where(p => studentIds.Contains(p.StudentId) && p.SchoolYearId == year.Id)
                .Select(p => new
                {
                    p.StudentId,
                    p.Status,
                    Goals = p.Goals.Select(g => new GoalFact(g.Id, g.Title, g.TargetDate, g.Status)).ToList(),
                })
                .ToListAsync(ct);
            var calendars = new Dictionary<int, SchoolCalendar>();
            foreach (var schoolId in students.Select(s => s.SchoolId).Distinct())
            {
                calendars[schoolId] = await clock.CalendarAsync(year, schoolId, ct);
            }
            foreach (var s in students)
            {
                var plan = plans.FirstOrDefault(p => p.StudentId == s.Id);
                var mine = evidence.Where(e => e.StudentId == s.Id).ToList();
                var facts = new StudentFacts(
                    s.Id,
                    [.. checkIns.Where(c => c.StudentId == s.Id).Select(c => c.Fact)],
                    [.. interventions.Where(i => i.StudentId == s.Id).Select(i => i.Day)],
                    [.. mine.GroupBy(e => (e.StandardId, e.Code)).Select(g => new StandardScores(g.Key.StandardId, g.Key.Code,
                        [.. g.OrderBy(e => e.ObservedAt).ThenBy(e => e.Id).TakeLast(3).Select(e => e.Score)]))],
                    mine.Count == 0 ? null : DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(mine.Max(e => e.ObservedAt), zone).DateTime),
                    plan?.Status,
                    plan?.Goals ?? []);
                var found = EarlyWarningRules.Evaluate(facts, today, calendars[s.SchoolId], settings).ToList();
                byStudent[s.Id] = found;
                findings.AddRange(found);
            }
        }
        if (findings.Count == 0)
        {
            return 0;
        }
        var now = clock.Time.GetUtcNow();
        return await dbf.InTransactionAsync(async (db, t) =>
        {
            var raised = new List<int>();
            foreach (var (studentId, found) in byStudent)
            {
                foreach (var f in found)
                {
                    var facts = f.Facts.ToList();
                    var rule = f.Rule.ToString();
                    var refreshed = await db.Database.ExecuteSqlAsync($"""
                        UPDATE early_warning_flags SET facts = {facts}
                        WHERE student_id = {studentId} AND rule = {rule} AND resolved_at IS NULL
                        """, t);
                    if (refreshed > 0)
                    {
                        continue;
                    }
                    var inserted = await db.Database.ExecuteSqlAsync($"""
                        INSERT INTO early_warning_flags (student_id, rule, episode, facts, raised_at, resolution_note)
                        VALUES ({studentId}, {rule}, {f.Episode}, {facts}, {now}, '')
                        ON CONFLICT (student_id, rule, episode) DO NOTHING
                        """, t);
                    if (inserted > 0)
                    {
                        raised.Add(studentId);
                    }
                }
            }
            await ChangeFeed.NotifyAsync(db, raised, "flag", t);
            return raised.Count;
        }, ct);
    }

    internal static async Task<List<FlagView>> OpenFlagsAsync(AppDbContext db, IReadOnlyCollection<int> studentIds, CancellationToken ct) =>
        await Views(db, db.Flags.AsNoTracking().Where(f => studentIds.Contains(f.StudentId) && f.ResolvedAt == null).OrderBy(f => f.RaisedAt))
            .ToListAsync(ct);

    private static IQueryable<FlagView> Views(AppDbContext db, IQueryable<EarlyWarningFlag> flags) =>
        flags.Select(f => new FlagView(
            f.Id, f.StudentId,
            db.Students.Where(s => s.Id == f.StudentId).Select(s => s.FirstName + " " + s.LastName).First(),
            f.Rule, f.Facts, f.RaisedAt, f.ResolvedAt,
            db.Users.Where(u => u.Id == f.ResolvedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
            f.ResolutionNote));

    /// <summary>Open and resolved flags of one student the viewer may see; null when out of scope.</summary>
    public async Task<IReadOnlyList<FlagView>?> ForStudentAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (!await db.Students.VisibleTo(db, me).AnyAsync(s => s.Id == studentId, ct))
        {
            await audit.DeniedAsync(me, studentId, "flags");
            return null;
        }
        await audit.ViewedAsync(me, studentId, "flags");
        return await Views(db, db.Flags.AsNoTracking().Where(f => f.StudentId == studentId)
            .OrderByDescending(f => f.ResolvedAt == null).ThenByDescending(f => f.RaisedAt)).ToListAsync(ct);
    }

    /// <summary>
    /// Open flags of the viewer's students, by rule: the advisor's advisory, a teacher's academic sections, the
    /// principal's school. Students and guardians get nothing here.
    /// </summary>
    public async Task<FlagOverviewModel> OverviewAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!(me.Is(Roles.Advisor) || me.Is(Roles.Teacher) || me.Is(Roles.Principal) || me.Is(Roles.DistrictAdmin)))
        {
            return new FlagOverviewModel([], []);
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var staffScope = db.Students.AsNoTracking().VisibleTo(db, me)
            .Where(s => s.UserId != me.UserId && !s.GuardianLinks.Any(g => g.GuardianUserId == me.UserId));
        var open = await Views(db, db.Flags.AsNoTracking().Where(f => f.ResolvedAt == null && staffScope.Any(s => s.Id == f.StudentId))
            .OrderBy(f => f.RaisedAt).Take(500)).ToListAsync(ct);
        await audit.ViewedAsync(me, open.Select(f => f.StudentId).Distinct(), "flag-overview");
        return new FlagOverviewModel(
            [.. Enum.GetValues<FlagRule>().Select(r => new FlagCount(r, open.Count(f => f.Rule == r)))],
            [.. open.OrderBy(f => f.StudentName).ThenBy(f => f.Rule)]);
    }

    /// <summary>The student's advisor or the school's principal resolves a flag with a note.</summary>
    public async Task<Result> ResolveAsync(long flagId, string note, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (string.IsNullOrWhiteSpace(note))
        {
            return Result.Error("Flag.NoteRequired");
        }
        return await dbf.InTransactionAsync(async (db, t) =>
        {
            var flag = await db.Flags.Where(f => f.Id == flagId
                    && db.Students.VisibleTo(db, me).Any(s => s.Id == f.StudentId
                        && ((me.Is(Roles.Advisor) && s.Advisory != null && s.Advisory.AdvisorUserId == me.UserId)
                            || (me.Is(Roles.Principal) && db.Users.Any(u => u.Id == me.UserId && u.SchoolId == s.SchoolId)))))
                .FirstOrDefaultAsync(t);
            if (flag is null)
            {
                return Result.NotFound;
            }
            if (flag.ResolvedAt is not null)
            {
                return Result.Error("Flag.AlreadyResolved");
            }
            flag.ResolvedAt = clock.Time.GetUtcNow();
            flag.ResolvedByUserId = me.UserId;
            flag.ResolutionNote = note.Trim();
            db.AccessAudit.Add(audit.Row(me, flag.StudentId, "flag-resolve"));
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, [flag.StudentId], "flag", t);
            return Result.Success;
        }, ct);
    }
}

/// <summary>Evaluates every active student's flags periodically (EarlyWarning:SweepMinutes, 0 turns it off).</summary>
public sealed class FlagSweep(IServiceScopeFactory scopes, IConfiguration config, ILogger<FlagSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = config.GetValue("EarlyWarning:SweepMinutes", 60);
        if (minutes <= 0)
        {
            return;
        }
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Early-warning sweep failed");
                }
                await Task.Delay(TimeSpan.FromMinutes(minutes), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var dbf = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var flags = scope.ServiceProvider.GetRequiredService<FlagService>();
        List<int> ids;
        await using (var db = await dbf.CreateDbContextAsync(ct))
        {
            ids = await db.Students.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(ct);
        }
        var raised = 0;
        foreach (var chunk in ids.Chunk(200))
        {
            raised += await flags.EvaluateAsync(chunk, ct);
        }
        logger.LogInformation("Early-warning sweep over {Students} students raised {Raised} flags", ids.Count, raised);
    }
}
