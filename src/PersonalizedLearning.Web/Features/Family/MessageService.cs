using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Family;

/// <summary>
/// Message threads between a guardian and the advisor of one child. Only the two sides read or post: the guardian
/// (linked, no custody restriction) and the advisor of the child's active advisory. Anyone else gets "not found",
/// audited as denied.
/// </summary>
public sealed class MessageService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, TimeProvider clock,
    ILogger<MessageService> logger)
{
    public const int MaxLength = 4000;

    private sealed record Side(bool AsGuardian, string GuardianUserId, string StudentName, string? AdvisorUserId);

    /// <summary>The thread about a child; a guardian passes no guardian id (their own thread), an advisor names the guardian.</summary>
    public async Task<ThreadModel?> GetAsync(int studentId, string? guardianUserId = null, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var side = await SideAsync(db, me, studentId, guardianUserId, ct);
        if (side is null)
        {
            await audit.DeniedAsync(me, studentId, "messages");
            return null;
        }
        var thread = db.MessageThreads.Where(t => t.StudentId == studentId && t.GuardianUserId == side.GuardianUserId);
        var messages = await db.FamilyMessages.AsNoTracking()
            .Where(m => thread.Any(t => t.Id == m.ThreadId))
            .OrderBy(m => m.SentAt).ThenBy(m => m.Id)
            .Select(m => new MessageView(m.Id, db.Users.Where(u => u.Id == m.AuthorUserId).Select(u => u.DisplayName).First(),
                m.AuthorUserId == me.UserId, m.Body, m.SentAt))
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        if (side.AsGuardian)
        {
            await thread.ExecuteUpdateAsync(s => s.SetProperty(t => t.GuardianReadAt, now), ct);
        }
        else
        {
            await thread.ExecuteUpdateAsync(s => s.SetProperty(t => t.AdvisorReadAt, now), ct);
        }
        await audit.ViewedAsync(me, studentId, "messages");
        var names = await db.Users.Where(u => u.Id == side.GuardianUserId || u.Id == side.AdvisorUserId)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        return new ThreadModel(studentId, side.StudentName, side.GuardianUserId,
            names.FirstOrDefault(n => n.Id == side.GuardianUserId)?.DisplayName ?? "",
            names.FirstOrDefault(n => n.Id == side.AdvisorUserId)?.DisplayName, side.AsGuardian, messages);
    }

    public async Task<Result> PostAsync(int studentId, string? guardianUserId, string body, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var text = (body ?? "").Trim();
        if (text.Length == 0)
        {
            return Result.Fail("Messages.Empty");
        }
        if (text.Length > MaxLength)
        {
            return Result.Fail("Problem.TooLong", MaxLength);
        }
        var result = await dbf.InTransactionAsync(async (db, t) =>
        {
            var side = await SideAsync(db, me, studentId, guardianUserId, t);
            if (side is null || (side.AsGuardian && side.AdvisorUserId is null))
            {
                return side is null ? Result.Fail("NotFoundBody") : Result.Fail("Messages.NoAdvisor");
            }
            var now = clock.GetUtcNow();
            var threadId = (await db.Database.SqlQuery<int>($"""
                INSERT INTO message_threads (student_id, guardian_user_id, last_message_at)
                VALUES ({studentId}, {side.GuardianUserId}, {now})
                ON CONFLICT (student_id, guardian_user_id) DO UPDATE SET last_message_at = EXCLUDED.last_message_at
                RETURNING id AS "Value"
                """).ToListAsync(t)).Single();
            var message = new FamilyMessage { ThreadId = threadId, AuthorUserId = me.UserId, Body = text, SentAt = now };
            db.FamilyMessages.Add(message);
            db.AccessAudit.Add(audit.Row(me, studentId, "message-post"));
            await db.SaveChangesAsync(t);
            // The writer has read their own thread up to now.
            var own = db.MessageThreads.Where(x => x.Id == threadId);
            if (side.AsGuardian)
            {
                await own.ExecuteUpdateAsync(s => s.SetProperty(x => x.GuardianReadAt, now), t);
            }
            else
            {
                await own.ExecuteUpdateAsync(s => s.SetProperty(x => x.AdvisorReadAt, now), t);
            }
            var author = await db.Users.Where(u => u.Id == me.UserId).Select(u => u.DisplayName).FirstAsync(t);
            var recipient = side.AsGuardian ? side.AdvisorUserId! : side.GuardianUserId;
            await AlertWriter.RaiseForUserAsync(db, recipient, studentId, AlertKind.NewMessage,
                message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), [author], now, t);
            await ChangeFeed.NotifyAsync(db, [studentId], "message", t);
            return Result.Ok;
        }, ct);
        if (result.ErrorKey == "NotFoundBody")
        {
            await audit.DeniedAsync(me, studentId, "message-post");
        }
        else if (result.Succeeded)
        {
            logger.LogInformation("Message posted about student {StudentId} by {UserId}", studentId, me.UserId);
        }
        return result;
    }

    /// <summary>The threads the viewer takes part in: a guardian's children, an advisor's advisory families.</summary>
    public async Task<IReadOnlyList<ThreadRow>> InboxAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var rows = new List<ThreadRow>();
        if (me.Is(Roles.Guardian))
        {
            rows.AddRange(await ChildService.MyChildren(db, me).AsNoTracking().OrderBy(s => s.FirstName)
                .Select(s => new ThreadRow(s.Id, s.FirstName + " " + s.LastName, me.UserId, "",
                    db.MessageThreads.Where(t => t.StudentId == s.Id && t.GuardianUserId == me.UserId).Select(t => (DateTimeOffset?)t.LastMessageAt).FirstOrDefault(),
                    UnreadForGuardian(db, me.UserId).Count(m => m.StudentId == s.Id)))
                .ToListAsync(ct));
        }
        if (me.Is(Roles.Advisor))
        {
            rows.AddRange(await db.MessageThreads.AsNoTracking()
                .Where(t => db.Students.VisibleTo(db, me).Any(s => s.Id == t.StudentId && s.Advisory!.Active && s.Advisory.AdvisorUserId == me.UserId
                    && s.GuardianLinks.Any(g => g.GuardianUserId == t.GuardianUserId && !g.CustodyRestricted)))
                .OrderByDescending(t => t.LastMessageAt)
                .Select(t => new ThreadRow(t.StudentId,
                    db.Students.Where(s => s.Id == t.StudentId).Select(s => s.FirstName + " " + s.LastName).First(),
                    t.GuardianUserId, db.Users.Where(u => u.Id == t.GuardianUserId).Select(u => u.DisplayName).First(),
                    t.LastMessageAt,
                    db.FamilyMessages.Count(m => m.ThreadId == t.Id && m.AuthorUserId != me.UserId && (t.AdvisorReadAt == null || m.SentAt > t.AdvisorReadAt))))
                .ToListAsync(ct));
        }
        return rows;
    }

    /// <summary>Messages a guardian has not read yet (written by the other side after the guardian last opened the thread).</summary>
    internal static IQueryable<UnreadMessage> UnreadForGuardian(AppDbContext db, string guardianUserId) =>
        from t in db.MessageThreads
        where t.GuardianUserId == guardianUserId
        join m in db.FamilyMessages on t.Id equals m.ThreadId
        where m.AuthorUserId != guardianUserId && (t.GuardianReadAt == null || m.SentAt > t.GuardianReadAt)
        select new UnreadMessage { StudentId = t.StudentId, Id = m.Id };

    internal sealed class UnreadMessage
    {
        public int StudentId { get; init; }
        public long Id { get; init; }
    }

    private static async Task<Side?> SideAsync(AppDbContext db, Viewer me, int studentId, string? guardianUserId, CancellationToken ct)
    {
        if ((guardianUserId is null || guardianUserId == me.UserId) && me.Is(Roles.Guardian))
        {
            var mine = await ChildService.MyChildren(db, me).Where(s => s.Id == studentId)
                .Select(s => new { Name = s.FirstName + " " + s.LastName, Advisor = s.Advisory != null && s.Advisory.Active ? s.Advisory.AdvisorUserId : null })
                .FirstOrDefaultAsync(ct);
            if (mine is not null)
            {
                return new Side(true, me.UserId, mine.Name, mine.Advisor);
            }
        }
        if (guardianUserId is not null && me.Is(Roles.Advisor))
        {
            var advised = await db.Students.VisibleTo(db, me)
                .Where(s => s.Id == studentId && s.Advisory != null && s.Advisory.Active && s.Advisory.AdvisorUserId == me.UserId
                    && s.GuardianLinks.Any(g => g.GuardianUserId == guardianUserId && !g.CustodyRestricted))
                .Select(s => s.FirstName + " " + s.LastName)
                .FirstOrDefaultAsync(ct);
            if (advised is not null)
            {
                return new Side(false, guardianUserId, advised, me.UserId);
            }
        }
        return null;
    }
}
