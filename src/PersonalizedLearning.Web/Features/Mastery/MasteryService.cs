using Microsoft.EntityFrameworkCore;
using Npgsql;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// Mastery reads: the section grid (rollups only), one student's evidence timeline with "why this level", and a
/// student's own mastery with next steps. Every student query starts from the access filter.
/// </summary>
public sealed class MasteryService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock)
{
    public async Task<SectionGrid?> SectionGridAsync(int sectionId, int? frameworkId, CancellationToken ct = default) =>
        await SectionGridAsync(await currentUser.GetAsync(), sectionId, frameworkId, ct);

    /// <summary>
    /// The grid of one of the viewer's own sections; null when the section is not theirs (or missing). One round trip
    /// (<see cref="SectionGridQuery"/>): the access rule is a join on the teacher's section, evaluated by the database.
    /// </summary>
    public async Task<SectionGrid?> SectionGridAsync(Viewer me, int sectionId, int? frameworkId, CancellationToken ct = default)
    {
        if (!me.Is(Roles.Teacher) || me.UserId is not { Length: > 0 } userId)
        {
            return null;
        }
        var zone = await clock.TimeZoneAsync(ct);
        var today = clock.Today(zone);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var data = await SectionGridQuery.ReadAsync(connection, userId, sectionId, frameworkId, today, ct);
        if (!data.Found || data.FrameworkId is not { } chosen || data.Frameworks.Count == 0)
        {
            return null;
        }
        var roster = data.Roster;
        var cells = data.Cells;
        await audit.ViewedAsync(me, roster.Select(s => s.Id), "mastery-grid");

        var parentIds = data.Standards.Where(s => s.ParentId is not null).Select(s => s.ParentId).ToHashSet();
        var leaves = data.Standards.Where(s => !parentIds.Contains(s.Id)).ToList();
        var codes = leaves.ToDictionary(s => s.Id, s => s.Code);
        var byStudent = cells.ToLookup(c => c.StudentId);
        var attention = roster
            .Select(s => MasteryAttention.For(s, byStudent[s.Id], codes, today, data.Calendar,
                at => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime)))
            .OfType<AttentionRow>()
            .ToList();

        return new SectionGrid(data.SectionId, data.SectionName, data.Course, data.Frameworks, chosen, data.Levels,
            [.. data.Standards.Where(s => parentIds.Contains(s.Id))], leaves, roster, cells, attention);
    }

    /// <summary>
    /// The falling-trend part of "needs attention" for one of the viewer's sections: read from the class's evidence on
    /// the framework (not the rollups), so the page loads it after the grid, without slowing the grid itself.
    /// </summary>
    public async Task<IReadOnlyList<FallingRow>?> FallingAsync(int sectionId, int frameworkId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var section = await db.Sections.AsNoTracking()
            .Where(s => s.Id == sectionId && s.Active && s.Teachers.Any(t => t.TeacherUserId == me.UserId))
            .Select(s => new { s.SchoolId }).FirstOrDefaultAsync(ct);
        var framework = await db.Frameworks.AsNoTracking().Where(f => f.Id == frameworkId)
            .Select(f => new { f.Method, f.MethodParameter, Levels = f.Levels.ToList() }).FirstOrDefaultAsync(ct);
        if (section is null || framework is null || !me.Is(Roles.Teacher))
        {
            return null;
        }
        var students = db.Students.AsNoTracking().VisibleTo(db, me)
            .Where(s => s.Enrollments.Any(e => e.SectionId == sectionId && e.Active));
        var roster = await students.Select(s => new { s.Id, Name = s.FirstName + " " + s.LastName }).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var codes = await db.Standards.AsNoTracking().Where(s => s.FrameworkId == frameworkId).ToDictionaryAsync(s => s.Id, s => s.Code, ct);
        var evidence = await db.Evidence.AsNoTracking()
            .Where(e => e.VoidedAt == null && students.Any(s => s.Id == e.StudentId) && db.Standards.Any(s => s.Id == e.StandardId && s.FrameworkId == frameworkId))
            .Select(e => new { e.StudentId, e.StandardId, e.Id, e.Score, e.ObservedAt, e.RecordedAt })
            .ToListAsync(ct);
        await audit.ViewedAsync(me, roster.Keys, "mastery-trend");

        var zone = await clock.TimeZoneAsync(ct);
        var year = await clock.CurrentYearAsync(ct);
        var calendar = year is null ? null : await clock.CalendarAsync(year, section.SchoolId, ct);
        var thenDay = MasteryTrend.SchoolDaysBefore(clock.Today(zone), MasteryTrend.LevelDropSchoolDays, calendar);
        var then = EvidenceImportReader.Noon(thenDay, zone).AddHours(12);
        var masteryPoints = framework.Levels.FirstOrDefault(l => l.IsMastery)?.Points ?? decimal.MaxValue;
        var rows = new List<FallingRow>();
        foreach (var student in evidence.GroupBy(e => e.StudentId).Where(g => roster.ContainsKey(g.Key)))
        {
            var falling = new List<string>();
            var dropped = new List<string>();
            foreach (var pair in student.GroupBy(e => e.StandardId))
            {
                var ordered = pair.Select(e => new ScoredEvidence(e.Id, e.Score, e.ObservedAt, e.RecordedAt))
                    .OrderBy(e => e.ObservedAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.EvidenceId).ToList();
                var code = codes.GetValueOrDefault(pair.Key, "?");
                if (MasteryTrend.IsFalling(ordered))
                {
                    falling.Add(code);
                }
                else if (MasteryTrend.DroppedALevel(ordered, then, framework.Method, framework.MethodParameter, masteryPoints, framework.Levels))
                {
                    dropped.Add(code);
                }
            }
            if (falling.Count + dropped.Count > 0)
            {
                rows.Add(new FallingRow(student.Key, roster[student.Key],
                    [.. falling.Order(StringComparer.Ordinal)], [.. dropped.Order(StringComparer.Ordinal)]));
            }
        }
        return [.. rows.OrderBy(r => r.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>A student's evidence on one standard, oldest first, with each one's weight; null outside the viewer's scope.</summary>
    public async Task<EvidenceTimeline?> TimelineAsync(int studentId, int standardId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var student = await db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.Id == studentId)
            .Select(s => new { s.Id, Name = s.FirstName + " " + s.LastName }).FirstOrDefaultAsync(ct);
        var standard = await db.Standards.AsNoTracking().Where(s => s.Id == standardId)
            .Select(s => new { s.Id, s.Code, s.Statement, s.FrameworkId, s.Framework!.Method, s.Framework.MethodParameter, s.Framework.MethodVersion, s.Framework.DistrictId })
            .FirstOrDefaultAsync(ct);
        if (student is null || standard is null)
        {
            await audit.DeniedAsync(me, studentId, "mastery-evidence");
            return null;
        }
        var levels = await LevelsAsync(db, standard.FrameworkId, ct);
        var rows = await db.Evidence.AsNoTracking()
            .Where(e => e.StudentId == studentId && e.StandardId == standardId)
            .OrderBy(e => e.ObservedAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id)
            .Select(e => new
            {
                e.Id,
                e.ObservedAt,
                e.RecordedAt,
                e.Score,
                e.Source,
                e.Note,
                e.VoidedAt,
                e.VoidReason,
                By = db.Users.Where(u => u.Id == e.RecordedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var masteryPoints = levels.FirstOrDefault(l => l.IsMastery)?.Points ?? decimal.MaxValue;
        var (method, parameter) = (standard.Method, standard.MethodParameter);
        // Explain the stored rollup by the method version it was made with (the background recompute may not have
        // reached it yet after a method change).
        var storedVersion = await db.MasteryRollups.AsNoTracking().Where(r => r.StudentId == studentId && r.StandardId == standardId)
            .Select(r => (int?)r.MethodVersion).FirstOrDefaultAsync(ct);
        var pending = storedVersion is { } v && v != standard.MethodVersion;
        if (pending && await db.MethodVersions.AsNoTracking()
                .FirstOrDefaultAsync(m => m.FrameworkId == standard.FrameworkId && m.Version == storedVersion, ct) is { } old)
        {
            (method, parameter, masteryPoints) = (old.Method, old.Parameter, old.MasteryPoints);
        }
        var result = MasteryCalculator.Calculate(
            rows.Where(r => r.VoidedAt == null).Select(r => new ScoredEvidence(r.Id, r.Score, r.ObservedAt, r.RecordedAt)),
            method, parameter, masteryPoints);
        var bands = await db.ReportCardBands.AsNoTracking().Where(b => b.DistrictId == standard.DistrictId).ToListAsync(ct);
        var weights = result.Weights.ToDictionary(w => w.EvidenceId, w => w.Weight);
        await audit.ViewedAsync(me, studentId, "mastery-evidence");
        var level = result.Score is null ? null : levels.Where(l => result.Score >= l.Points).MaxBy(l => l.Points);
        return new EvidenceTimeline(student.Id, student.Name, standard.Id, standard.Code, standard.Statement,
            method, parameter, result.Score, level, levels,
            [.. rows.Select(r => new EvidenceItem(r.Id, r.ObservedAt, r.RecordedAt, r.Score, r.Source, r.Note, r.By,
                r.VoidedAt != null, r.VoidReason, weights.GetValueOrDefault(r.Id)))],
            ReportCardConversion.GradeFor(result.Score, bands), pending);
    }

    /// <summary>The signed-in student's mastery by standard, and next steps: prerequisites mastered, not yet mastered itself.</summary>
    public async Task<MyMastery?> MyMasteryAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var student = await db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.UserId == me.UserId)
            .Select(s => new { s.Id, s.DistrictId, Name = s.FirstName + " " + s.LastName }).FirstOrDefaultAsync(ct);
        if (student is null)
        {
            return null;
        }
        var rollups = await db.MasteryRollups.AsNoTracking().Where(r => r.StudentId == student.Id)
            .ToDictionaryAsync(r => r.StandardId, ct);
        var frameworks = await db.Frameworks.AsNoTracking().Where(f => f.DistrictId == student.DistrictId)
            .OrderBy(f => f.Name)
            .Select(f => new
            {
                f.Id,
                f.Name,
                Levels = f.Levels.OrderBy(l => l.Points).Select(l => new LevelView(l.Points, l.Name, l.Color, l.IsMastery)).ToList(),
                Standards = f.Standards.OrderBy(s => s.SortOrder)
                    .Select(s => new { s.Id, s.Code, s.Statement, s.ParentId, Prerequisites = s.Prerequisites.Select(p => p.Id).ToList() })
                    .ToList(),
            })
            .ToListAsync(ct);
        // The student's own scores (one student: small), for the trend of each standard.
        var scores = (await db.Evidence.AsNoTracking().Where(e => e.StudentId == student.Id && e.VoidedAt == null)
                .OrderBy(e => e.ObservedAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id)
                .Select(e => new { e.StandardId, e.Score }).ToListAsync(ct))
            .GroupBy(e => e.StandardId).ToDictionary(g => g.Key, g => g.Select(e => e.Score).ToList());
        // This year's plan goals and their standards: next steps prefer these, and each goal gets a pace.
        var year = await clock.CurrentYearAsync(ct);
        var goals = year is null ? [] : await db.Plans.AsNoTracking()
            .Where(p => p.StudentId == student.Id && p.SchoolYearId == year.Id)
            .SelectMany(p => p.Goals).Where(g => g.Status != GoalStatus.Dropped).OrderBy(g => g.SortOrder)
            .Select(g => new { g.Title, g.TargetDate, g.Status, Standards = g.Standards.Select(s => s.Id).ToList() })
            .ToListAsync(ct);
        var goalOf = new Dictionary<int, string>();
        foreach (var g in goals)
        {
            foreach (var id in g.Standards)
            {
                goalOf.TryAdd(id, g.Title);
            }
        }
        var bands = await db.ReportCardBands.AsNoTracking().Where(b => b.DistrictId == student.DistrictId).ToListAsync(ct);
        await audit.ViewedAsync(me, student.Id, "my-mastery");

        var result = new List<MyFramework>();
        foreach (var f in frameworks)
        {
            var parents = f.Standards.Where(s => s.ParentId is not null).Select(s => s.ParentId).ToHashSet();
            var views = f.Standards.ToDictionary(s => s.Id, s =>
            {
                var r = rollups.GetValueOrDefault(s.Id);
                var level = r?.Score is { } score ? f.Levels.Where(l => score >= l.Points).MaxBy(l => l.Points) : null;
                return new MyStandard(s.Id, s.Code, s.Statement, s.ParentId, r?.Score, level, r?.AtMastery ?? false, r?.EvidenceCount ?? 0,
                    MasteryPacing.Trend(scores.GetValueOrDefault(s.Id) ?? []), goalOf.GetValueOrDefault(s.Id),
                    ReportCardConversion.GradeFor(r?.Score, bands));
            });
            var mastered = views.Values.Where(v => v.AtMastery).Select(v => v.Id).ToHashSet();
            var leaves = f.Standards.Where(s => !parents.Contains(s.Id)).ToList();
            var next = MasteryPaths.NextSteps(leaves.Select(s => (s.Id, (IReadOnlyCollection<int>)s.Prerequisites)), mastered);
            // Standards of my plan goals that I can work on now (prerequisites mastered or none) come first.
            var forGoals = leaves.Where(s => goalOf.ContainsKey(s.Id) && !mastered.Contains(s.Id) && s.Prerequisites.All(mastered.Contains))
                .Select(s => s.Id).ToList();
            result.Add(new MyFramework(f.Id, f.Name, f.Levels, [.. views.Values],
                [.. forGoals.Concat(next.Where(id => !forGoals.Contains(id))).Select(id => views[id])]));
        }
        var today = await clock.TodayAsync(ct);
        var paces = goals.Where(g => g.Standards.Count > 0)
            .Select(g =>
            {
                var done = g.Standards.Count(mastered => rollups.GetValueOrDefault(mastered)?.AtMastery == true);
                var pace = g.Status == GoalStatus.Achieved ? Pace.Done
                    : MasteryPacing.For(year!.StartsOn, g.TargetDate, today, done, g.Standards.Count);
                return new MyGoalPace(g.Title, g.TargetDate, done, g.Standards.Count, pace);
            })
            .ToList();
        return new MyMastery(student.Id, student.Name, result, paces);
    }

    private static Task<List<LevelView>> LevelsAsync(AppDbContext db, int frameworkId, CancellationToken ct) =>
        db.MasteryLevels.AsNoTracking().Where(l => l.FrameworkId == frameworkId).OrderBy(l => l.Points)
            .Select(l => new LevelView(l.Points, l.Name, l.Color, l.IsMastery)).ToListAsync(ct);
}
