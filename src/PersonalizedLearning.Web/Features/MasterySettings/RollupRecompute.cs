using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.MasterySettings;

/// <summary>
/// Recomputes a framework's rollups after its method (or mastery points) changed, in the background. A rollup is stale
/// when its <see cref="MasteryRollup.MethodVersion"/> differs from the framework's; the work is "make every stale rollup
/// current", one batch of students per transaction, so a dropped connection or a restart resumes where it stopped (the
/// service re-scans at start and every minute). Each batch writes with one set-based UPDATE that skips rows evidence
/// recording already brought up to date, and tells the change feed which students changed.
/// </summary>
public sealed class RollupRecompute(
    IDbContextFactory<AppDbContext> dbf, TimeProvider time, ILogger<RollupRecompute> logger) : BackgroundService
{
    public const int StudentsPerBatch = 200;
    private static readonly TimeSpan Rescan = TimeSpan.FromMinutes(1);
    private readonly Channel<int> queue = Channel.CreateUnbounded<int>();

    /// <summary>Asks for a framework's stale rollups to be recomputed (after its settings were saved).</summary>
    public void Enqueue(int frameworkId) => queue.Writer.TryWrite(frameworkId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var id in await StaleFrameworksAsync(stoppingToken))
                {
                    await RunAsync(id, stoppingToken);
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(Rescan);
                try
                {
                    var id = await queue.Reader.ReadAsync(wait.Token);
                    await RunAsync(id, stoppingToken);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Time to re-scan.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Rollup recompute failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Recomputes batches until the framework has no stale rollup.</summary>
    public async Task<int> RunAsync(int frameworkId, CancellationToken ct)
    {
        var total = 0;
        int done;
        while ((done = await RecomputeBatchAsync(dbf, frameworkId, StudentsPerBatch, time.GetUtcNow(), ct)) > 0)
        {
            total += done;
        }
        if (total > 0)
        {
            logger.LogInformation("Recomputed {Count} rollups of framework {FrameworkId}", total, frameworkId);
        }
        return total;
    }

    private async Task<List<int>> StaleFrameworksAsync(CancellationToken ct)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        return await db.Frameworks.AsNoTracking()
            .Where(f => db.MasteryRollups.Any(r => r.MethodVersion != f.MethodVersion && db.Standards.Any(s => s.Id == r.StandardId && s.FrameworkId == f.Id)))
            .Select(f => f.Id).ToListAsync(ct);
    }

    /// <summary>
    /// One batch in its own transaction: the next <paramref name="students"/> students with stale rollups in the
    /// framework, recomputed from their non-voided evidence by <see cref="MasteryCalculator"/>. Returns the rollups made
    /// current (0 when none were stale).
    /// </summary>
    public static Task<int> RecomputeBatchAsync(
        IDbContextFactory<AppDbContext> dbf, int frameworkId, int students, DateTimeOffset now, CancellationToken ct) =>
        dbf.InTransactionAsync(async (db, t) =>
        {
            var f = await db.Frameworks.AsNoTracking().Where(x => x.Id == frameworkId)
                .Select(x => new
                {
                    x.Method,
                    x.MethodParameter,
                    x.MethodVersion,
                    Mastery = x.Levels.Where(l => l.IsMastery).Select(l => (decimal?)l.Points).FirstOrDefault(),
                })
                .FirstOrDefaultAsync(t);
            if (f is null)
            {
                return 0;
            }
            var stale = db.MasteryRollups.Where(r => r.MethodVersion != f.MethodVersion
                && db.Standards.Any(s => s.Id == r.StandardId && s.FrameworkId == frameworkId));
            var studentIds = await stale.Select(r => r.StudentId).Distinct().OrderBy(id => id).Take(students).ToListAsync(t);
            if (studentIds.Count == 0)
            {
                return 0;
            }
            var pairs = await stale.Where(r => studentIds.Contains(r.StudentId))
                .OrderBy(r => r.StudentId).ThenBy(r => r.StandardId)
                .Select(r => new { r.StudentId, r.StandardId }).ToListAsync(t);
            var standardIds = pairs.Select(p => p.StandardId).Distinct().ToList();
            var evidence = (await db.Evidence.AsNoTracking()
                    .Where(e => studentIds.Contains(e.StudentId) && standardIds.Contains(e.StandardId) && e.VoidedAt == null)
                    .Select(e => new { e.StudentId, e.StandardId, e.Id, e.Score, e.ObservedAt, e.RecordedAt })
                    .ToListAsync(t))
                .ToLookup(e => (e.StudentId, e.StandardId));
            var masteryPoints = f.Mastery ?? decimal.MaxValue;
            var n = pairs.Count;
            var (sIds, tIds, scores, atMastery, counts, last) = (new int[n], new int[n], new decimal?[n], new bool[n], new int[n], new DateTimeOffset?[n]);
            for (var i = 0; i < n; i++)
            {
                var mine = evidence[(pairs[i].StudentId, pairs[i].StandardId)].ToList();
                var result = MasteryCalculator.Calculate(
                    mine.Select(e => new ScoredEvidence(e.Id, e.Score, e.ObservedAt, e.RecordedAt)), f.Method, f.MethodParameter, masteryPoints);
                (sIds[i], tIds[i]) = (pairs[i].StudentId, pairs[i].StandardId);
                scores[i] = result.Score;
                atMastery[i] = result.Score >= masteryPoints;
                counts[i] = mine.Count;
                last[i] = mine.Count == 0 ? null : mine.Max(e => e.ObservedAt);
            }
            var method = f.Method.ToString();
            // Rows that evidence recording already brought to this version are left alone (they saw newer evidence).
            var updated = await db.Database.ExecuteSqlAsync($"""
                UPDATE mastery_rollups r
                SET score = u.score, at_mastery = u.at_mastery, evidence_count = u.evidence_count,
                    last_evidence_at = u.last_evidence_at, method = {method}, method_version = {f.MethodVersion}, updated_at = {now}
                FROM unnest({sIds}, {tIds}, {scores}::numeric[], {atMastery}, {counts}, {last}::timestamptz[])
                    AS u(student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at)
                WHERE r.student_id = u.student_id AND r.standard_id = u.standard_id AND r.method_version <> {f.MethodVersion}
                """, t);
            await ChangeFeed.NotifyAsync(db, studentIds, "mastery", t);
            return Math.Max(updated, 1);
        }, ct);
}
