using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Family;

/// <summary>
/// The signed-in user's notification centre: their own alerts only, and only about students they may still see
/// (a removed guardian link hides that child's alerts at once).
/// </summary>
public sealed class NotificationService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, TimeProvider clock, SharedReads shared)
{
    public Task<int> UnreadCountAsync(CancellationToken ct = default) => UnreadCountAfterAsync(default, ct);

    /// <summary>The unread count after <paramref name="change"/>: the user's bells (one per open tab) share one read.</summary>
    public async Task<int> UnreadCountAfterAsync(StudentChanged change, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        return await shared.GetAsync($"unread|{me.UserId}|{me.RoleList}", change.HeardAt, async () =>
        {
            await using var db = await dbf.CreateDbContextAsync(ct);
            return await Mine(db, me).CountAsync(n => n.ReadAt == null, ct);
        });
    }

    public async Task<IReadOnlyList<NotificationView>> ListAsync(int take = 50, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        return await Mine(db, me).AsNoTracking()
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(take)
            .Select(n => new NotificationView(n.Id, n.StudentId,
                db.Students.Where(s => s.Id == n.StudentId).Select(s => s.FirstName).First(),
                n.Kind, n.Facts, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
    }

    public async Task MarkReadAsync(long? id = null, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var now = clock.GetUtcNow();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var changed = await db.Notifications
            .Where(n => n.RecipientUserId == me.UserId && n.ReadAt == null && (id == null || n.Id == id))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        if (changed > 0)
        {
            // Other open tabs of the same user refresh their bell.
            var students = await db.Notifications.Where(n => n.RecipientUserId == me.UserId && n.ReadAt == now)
                .Select(n => n.StudentId).Distinct().ToListAsync(ct);
            await ChangeFeed.NotifyAsync(db, students, "alert", ct);
        }
    }

    /// <summary>The students whose changes may bring the user a new alert (for the bell's live subscription).</summary>
    public async Task<IReadOnlyList<int>> WatchedStudentsAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        return await db.Students.VisibleTo(db, me)
            .Where(s => s.UserId == me.UserId
                || s.GuardianLinks.Any(g => g.GuardianUserId == me.UserId && !g.CustodyRestricted)
                || (s.Advisory != null && s.Advisory.AdvisorUserId == me.UserId))
            .Select(s => s.Id).ToListAsync(ct);
    }

    public async Task<AlertSettingsForm> SettingsAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var saved = await db.AlertPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == me.UserId, ct);
        return new AlertSettingsForm
        {
            Email = saved?.Email ?? AlertEmail.Immediately,
            Enabled = [.. Enum.GetValues<AlertKind>().Where(k => saved is null || !saved.MutedKinds.Contains(k.ToString()))],
        };
    }

    public async Task<Result> SaveSettingsAsync(AlertSettingsForm form, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!Enum.IsDefined(form.Email))
        {
            return Result.Fail("Alerts.BadSetting");
        }
        var muted = Enum.GetValues<AlertKind>().Where(k => !form.Enabled.Contains(k)).Select(k => k.ToString()).ToList();
        return await dbf.InTransactionAsync(async (db, t) =>
        {
            var row = await db.AlertPreferences.FirstOrDefaultAsync(p => p.UserId == me.UserId, t);
            if (row is null)
            {
                db.AlertPreferences.Add(row = new AlertPreference { UserId = me.UserId });
            }
            row.Email = form.Email;
            row.MutedKinds = muted;
            await db.SaveChangesAsync(t);
            return Result.Ok;
        }, ct);
    }

    private static IQueryable<Notification> Mine(AppDbContext db, Viewer me) =>
        db.Notifications.Where(n => n.RecipientUserId == me.UserId && db.Students.VisibleTo(db, me).Any(s => s.Id == n.StudentId));
}
