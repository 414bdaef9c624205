using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.MasterySettings;

/// <summary>
/// District admin settings for mastery: each framework's calculation method and scale (optimistic concurrency on the
/// framework row's xmin), the background recompute's progress, and the report-card conversion table.
/// </summary>
public sealed class MasterySettingsService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, DistrictClock clock, RollupRecompute recompute,
    ILogger<MasterySettingsService> logger)
{
    public async Task<IReadOnlyList<SettingsFramework>> FrameworksAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return [];
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var districtId = await db.DistrictIdAsync(me, ct);
        return await db.Frameworks.AsNoTracking().Where(f => f.DistrictId == districtId).OrderBy(f => f.Name)
            .Select(f => new SettingsFramework(f.Id, f.Name)).ToListAsync(ct);
    }

    /// <summary>The settings form of one framework of the admin's district; null when not found or not an admin.</summary>
    public async Task<MasterySettingsForm?> GetAsync(int frameworkId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return null;
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var districtId = await db.DistrictIdAsync(me, ct);
        return await FormAsync(db, frameworkId, districtId, ct);
    }

    private static Task<MasterySettingsForm?> FormAsync(AppDbContext db, int frameworkId, int? districtId, CancellationToken ct) =>
        db.Frameworks.AsNoTracking().Where(f => f.Id == frameworkId && f.DistrictId == districtId)
            .Select(f => new MasterySettingsForm
            {
                FrameworkId = f.Id,
                FrameworkName = f.Name,
                Method = f.Method,
                Parameter = f.MethodParameter,
                MethodVersion = f.MethodVersion,
                Version = f.Version,
                ChangedAt = f.SettingsChangedAt,
                ChangedBy = db.Users.Where(u => u.Id == f.SettingsChangedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                Levels = f.Levels.OrderBy(l => l.Points)
                    .Select(l => new LevelInput { Id = l.Id, Name = l.Name, Color = l.Color, Points = l.Points, IsMastery = l.IsMastery })
                    .ToList(),
            })
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// Saves the method and scale when nobody else saved since <see cref="MasterySettingsForm.Version"/>. A change of
    /// method, parameter or mastery points bumps the method version and starts the background recompute.
    /// </summary>
    public async Task<MasterySaveOutcome> SaveAsync(MasterySettingsForm form, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return MasterySaveOutcome.Fail("AccessDeniedBody");
        }
        var parameter = MasteryMethodRules.ParameterRange(form.Method) is null ? 0 : form.Parameter;
        var levels = form.Levels.Select(l => new ScaleLevel(l.Id, l.Name.Trim(), l.Color.Trim(), l.Points, l.IsMastery)).ToList();
        var problems = MasteryMethodRules.Validate(form.Method, parameter, levels);
        if (problems.Count > 0)
        {
            return new MasterySaveOutcome(problems, null, false);
        }
        var now = clock.Time.GetUtcNow();
        try
        {
            var outcome = await dbf.InTransactionAsync(async (db, t) =>
            {
                var districtId = await db.DistrictIdAsync(me, t);
                var framework = await db.Frameworks.Include(f => f.Levels)
                    .FirstOrDefaultAsync(f => f.Id == form.FrameworkId && f.DistrictId == districtId, t);
                if (framework is null)
                {
                    return MasterySaveOutcome.Fail("NotFoundBody");
                }
                db.Entry(framework).Property(f => f.Version).OriginalValue = form.Version;
                var oldMastery = framework.Levels.FirstOrDefault(l => l.IsMastery)?.Points;
                var newMastery = levels.Single(l => l.IsMastery).Points;
                var recalc = framework.Method != form.Method || framework.MethodParameter != parameter || oldMastery != newMastery;
                framework.Method = form.Method;
                framework.MethodParameter = parameter;
                framework.SettingsChangedAt = now;
                framework.SettingsChangedByUserId = me.UserId;
                if (recalc)
                {
                    framework.MethodVersion++;
                }
                await db.SaveChangesAsync(t); // the concurrency check on xmin

                // The scale: replaced as a whole (points are unique per framework, so levels may swap points).
                await db.MasteryLevels.Where(l => l.FrameworkId == framework.Id).ExecuteDeleteAsync(t);
                db.ChangeTracker.Clear();
                db.MasteryLevels.AddRange(levels.Select(l => new MasteryLevel
                {
                    FrameworkId = framework.Id,
                    Name = l.Name,
                    Color = l.Color,
                    Points = l.Points,
                    IsMastery = l.IsMastery,
                }));
                if (recalc)
                {
                    db.MethodVersions.Add(new MasteryMethodVersion
                    {
                        FrameworkId = framework.Id,
                        Version = framework.MethodVersion,
                        Method = form.Method,
                        Parameter = parameter,
                        MasteryPoints = newMastery,
                        ChangedAt = now,
                        ChangedByUserId = me.UserId,
                    });
                    // Scores and at_mastery follow in the background (RollupRecompute), batch by batch.
                }
                await db.SaveChangesAsync(t);
                return new MasterySaveOutcome([], null, recalc);
            }, ct);
            if (outcome.Problems.Count == 0)
            {
                logger.LogInformation("Mastery settings of framework {FrameworkId} changed by {UserId}; recompute {Recompute}",
                    form.FrameworkId, me.UserId, outcome.Recompute);
                if (outcome.Recompute)
                {
                    recompute.Enqueue(form.FrameworkId);
                }
            }
            return outcome;
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var db = await dbf.CreateDbContextAsync(ct);
            var current = await FormAsync(db, form.FrameworkId, await db.DistrictIdAsync(me, ct), ct);
            return new MasterySaveOutcome([("MasterySettings.Conflict", [current?.ChangedBy ?? "?", current?.ChangedAt ?? now])], current, false);
        }
    }

    /// <summary>How many of the framework's rollups are on its current method version.</summary>
    public async Task<RecomputeProgress> ProgressAsync(int frameworkId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return new RecomputeProgress(0, 0);
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var version = await db.Frameworks.Where(f => f.Id == frameworkId).Select(f => f.MethodVersion).FirstOrDefaultAsync(ct);
        var rollups = db.MasteryRollups.Where(r => db.Standards.Any(s => s.Id == r.StandardId && s.FrameworkId == frameworkId));
        var counts = await rollups.GroupBy(_ => 1)
            .Select(g => new { Total = g.Count(), Current = g.Count(r => r.MethodVersion == version) })
            .FirstOrDefaultAsync(ct);
        return new RecomputeProgress(counts?.Current ?? 0, counts?.Total ?? 0);
    }

    /// <summary>The district's report-card conversion and the range of its frameworks' scales.</summary>
    public async Task<GradeTableForm?> GradesAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return null;
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var districtId = await db.DistrictIdAsync(me, ct);
        var (min, max) = await ScaleRangeAsync(db, districtId, ct);
        var rows = await db.ReportCardBands.AsNoTracking().Where(b => b.DistrictId == districtId).OrderByDescending(b => b.From)
            .Select(b => new GradeRowInput { From = b.From, To = b.To, Grade = b.Grade }).ToListAsync(ct);
        return new GradeTableForm { Rows = rows, ScaleMin = min, ScaleMax = max, Version = await GradesVersionAsync(db, districtId, ct) };
    }

    /// <summary>
    /// The version of a district's conversion table: its newest row id. Every save replaces all rows (new ids), so
    /// the version moves with every save, and a form read before someone else's save no longer matches.
    /// </summary>
    private static Task<int?> GradesVersionAsync(AppDbContext db, int? districtId, CancellationToken ct) =>
        db.ReportCardBands.Where(b => b.DistrictId == districtId).MaxAsync(b => (int?)b.Id, ct);

    /// <summary>Advisory lock key (with the district id) held while a district's conversion table is replaced ("RCB").</summary>
    private const int GradesLockKey = 0x524342;

    /// <summary>
    /// Replaces the conversion table when it is valid (no overlap, no gap, covers the scale) and nobody else saved it
    /// since <paramref name="version"/> (as read by <see cref="GradesAsync"/>): a stale save is refused with
    /// "Grades.Conflict" and changes nothing. Saves of one district queue on a transaction-scoped advisory lock, so the
    /// check and the replacement cannot interleave.
    /// </summary>
    public async Task<IReadOnlyList<ReportCardProblem>> SaveGradesAsync(IReadOnlyList<GradeRowInput> rows, int? version, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return [new ReportCardProblem("AccessDeniedBody")];
        }
        var bands = rows.Select(r => new ReportCardBand { From = r.From, To = r.To, Grade = r.Grade.Trim() }).ToList();
        var problems = await dbf.InTransactionAsync(async (db, t) =>
        {
            var districtId = await db.DistrictIdAsync(me, t);
            if (districtId is null)
            {
                return [new ReportCardProblem("AccessDeniedBody")];
            }
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({GradesLockKey}, {districtId.Value})", t);
            if (await GradesVersionAsync(db, districtId, t) != version)
            {
                return [new ReportCardProblem("Grades.Conflict")];
            }
            var (min, max) = await ScaleRangeAsync(db, districtId, t);
            var found = ReportCardConversion.Validate(bands, min, max);
            if (found.Count > 0)
            {
                return found;
            }
            await db.ReportCardBands.Where(b => b.DistrictId == districtId).ExecuteDeleteAsync(t);
            bands.ForEach(b => b.DistrictId = districtId.Value);
            db.ReportCardBands.AddRange(bands);
            await db.SaveChangesAsync(t);
            return (IReadOnlyList<ReportCardProblem>)[];
        }, ct);
        if (problems.Count == 0)
        {
            logger.LogInformation("Report-card conversion changed by {UserId}: {Rows} rows", me.UserId, bands.Count);
        }
        return problems;
    }

    private static async Task<(decimal Min, decimal Max)> ScaleRangeAsync(AppDbContext db, int? districtId, CancellationToken ct)
    {
        var points = await db.MasteryLevels.Where(l => db.Frameworks.Any(f => f.Id == l.FrameworkId && f.DistrictId == districtId))
            .Select(l => l.Points).ToListAsync(ct);
        return points.Count == 0 ? (1m, 4m) : (points.Min(), points.Max());
    }
}

/// <summary>The outcome of saving: problems (text keys with arguments; empty when saved), the stored settings after a
/// conflict, and whether a recompute started.</summary>
public sealed record MasterySaveOutcome(IReadOnlyList<(string Key, object[] Args)> Problems, MasterySettingsForm? Current, bool Recompute)
{
    public bool Saved => Problems.Count == 0;
    public bool Conflict => Current is not null;

    public static MasterySaveOutcome Fail(string key) => new([(key, [])], null, false);
}
