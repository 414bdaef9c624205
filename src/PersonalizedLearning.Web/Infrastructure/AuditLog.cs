using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// Records who viewed which student's record. Reads are queued (bounded) and written by <see cref="AuditFlusher"/>
/// at least every second and on shutdown; changes are audited by the writing service in its own transaction
/// with <see cref="Row"/>.
/// </summary>
public sealed class AuditLog(TimeProvider clock)
{
    private readonly Channel<AccessAudit> queue = Channel.CreateBounded<AccessAudit>(
        new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    internal ChannelReader<AccessAudit> Reader => queue.Reader;

    public AccessAudit Row(Viewer who, int studentId, string action, AuditOutcome outcome = AuditOutcome.Allowed) =>
        new()
        {
            At = clock.GetUtcNow(),
            UserId = who.UserId,
            Role = who.RoleList,
            StudentId = studentId,
            Action = action,
            Outcome = outcome,
        };

    /// <summary>Queues one row per student viewed (a 35-student grid writes 35).</summary>
    public async ValueTask ViewedAsync(Viewer who, IEnumerable<int> studentIds, string action)
    {
        foreach (var id in studentIds)
        {
            await queue.Writer.WriteAsync(Row(who, id, action));
        }
    }

    public ValueTask ViewedAsync(Viewer who, int studentId, string action) => ViewedAsync(who, [studentId], action);

    /// <summary>Queues a refused request: the student was outside the user's scope or did not exist.</summary>
    public ValueTask DeniedAsync(Viewer who, int studentId, string action) =>
        queue.Writer.WriteAsync(Row(who, studentId, action, AuditOutcome.Denied));
}

/// <summary>Drains the audit queue into access_audit in batches.</summary>
public sealed class AuditFlusher(AuditLog log, IDbContextFactory<AppDbContext> dbf, ILogger<AuditFlusher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await FlushAsync(CancellationToken.None);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        var batch = new List<AccessAudit>();
        while (batch.Count < 5_000 && log.Reader.TryRead(out var row))
        {
            batch.Add(row);
        }
        if (batch.Count == 0)
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await dbf.CreateDbContextAsync(ct);
                db.AccessAudit.AddRange(batch);
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (Exception ex) when (attempt < 5)
            {
                logger.LogWarning(ex, "Writing {Count} audit rows failed (attempt {Attempt}); retrying", batch.Count, attempt);
                foreach (var row in batch)
                {
                    row.Id = 0;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
        }
    }
}
