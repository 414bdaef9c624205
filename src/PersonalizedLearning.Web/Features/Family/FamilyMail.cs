using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using MimeKit;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.Family;

/// <summary>SMTP settings (<c>Email:Smtp:Host/Port/From/User/Password/Tls</c>); no host means no email.</summary>
public sealed class SmtpMailer(IConfiguration config, ILogger<SmtpMailer> logger)
{
    public bool Configured => !string.IsNullOrWhiteSpace(config["Email:Smtp:Host"]);

    public async Task SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct)
    {
        if (!Configured || messages.Count == 0)
        {
            return;
        }
        using var client = new SmtpClient();
        var tls = config.GetValue("Email:Smtp:Tls", false) ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
        await client.ConnectAsync(config["Email:Smtp:Host"]!, config.GetValue("Email:Smtp:Port", 25), tls, ct);
        if (!string.IsNullOrEmpty(config["Email:Smtp:User"]))
        {
            await client.AuthenticateAsync(config["Email:Smtp:User"]!, config["Email:Smtp:Password"] ?? "", ct);
        }
        foreach (var message in messages)
        {
            message.From.Add(MailboxAddress.Parse(config["Email:Smtp:From"] ?? "no-reply@localhost"));
            await client.SendAsync(message, ct);
        }
        await client.DisconnectAsync(true, ct);
        logger.LogInformation("Sent {Count} alert emails", messages.Count);
    }
}

/// <summary>
/// Background work for family alerts, safe with several nodes:
/// - "no evidence in 14 days" is raised by a set-based INSERT … ON CONFLICT DO NOTHING (the key names the last
///   evidence date), so every node may run it and each situation alerts once;
/// - immediate emails are claimed with FOR UPDATE SKIP LOCKED and marked sent in the same transaction;
/// - the daily digest (after <c>Email:DigestHour</c> in the district's time zone) takes a per-recipient advisory lock,
///   sends one email with that recipient's alerts raised before today's digest time and marks them sent.
/// With no SMTP host configured nothing is emailed and alerts stay in the notification centre.
/// </summary>
public sealed class FamilyAlertJobs(
    IDbContextFactory<AppDbContext> dbf, DistrictClock clock, SmtpMailer mailer, IStringLocalizer<Text> t,
    IConfiguration config, ILogger<FamilyAlertJobs> logger)
{
    public async Task<int> RaiseNoEvidenceAsync(CancellationToken ct = default)
    {
        var now = clock.Time.GetUtcNow();
        var cutoff = now.AddDays(-Alerts.NoEvidenceDays);
        var zone = (await clock.TimeZoneAsync(ct)).Id;
        var days = Alerts.NoEvidenceDays.ToString(CultureInfo.InvariantCulture);
        return await dbf.InTransactionAsync((db, token) => db.Database.ExecuteSqlAsync($"""
            WITH last AS (
                SELECT r.student_id, to_char(max(r.last_evidence_at) AT TIME ZONE {zone}, 'YYYY-MM-DD') AS day
                FROM mastery_rollups r JOIN students s ON s.id = r.student_id AND s.active
                GROUP BY r.student_id HAVING max(r.last_evidence_at) < {cutoff}
            ), recipients AS (
                SELECT l.student_id, l.day, g.guardian_user_id AS user_id
                FROM last l JOIN guardian_links g ON g.student_id = l.student_id AND NOT g.custody_restricted
                UNION
                SELECT l.student_id, l.day, s.user_id FROM last l JOIN students s ON s.id = l.student_id WHERE s.user_id IS NOT NULL
            ), inserted AS (
                INSERT INTO notifications (recipient_user_id, student_id, kind, dedup_key, facts, created_at, email)
                SELECT r.user_id, r.student_id, 'NoRecentEvidence', 'NoRecentEvidence:' || r.student_id || ':' || r.day,
                    jsonb_build_array(r.day, CAST({days} AS text)), {now}, COALESCE(p.email, 'Immediately')
                FROM recipients r
                JOIN users u ON u.id = r.user_id AND u.active
                LEFT JOIN alert_preferences p ON p.user_id = r.user_id
                WHERE NOT COALESCE(p.muted_kinds, '[]'::jsonb) @> '["NoRecentEvidence"]'::jsonb
                ON CONFLICT (recipient_user_id, dedup_key) DO NOTHING
                RETURNING student_id
            )
            SELECT pg_notify({ChangeFeed.Channel}, student_id || ':alert') FROM (SELECT DISTINCT student_id FROM inserted) x
            """, token), ct);
    }

    /// <summary>Emails alerts whose recipients chose "immediately"; returns how many were sent.</summary>
    public async Task<int> SendImmediateAsync(CancellationToken ct = default)
    {
        if (!mailer.Configured)
        {
            return 0;
        }
        var now = clock.Time.GetUtcNow();
        var since = now.AddDays(-1);
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var due = await db.Notifications.FromSql($"""
                SELECT * FROM notifications
                WHERE email = 'Immediately' AND emailed_at IS NULL AND created_at > {since}
                ORDER BY id LIMIT 50
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(token);
            if (due.Count == 0)
            {
                return 0;
            }
            var messages = new List<MimeMessage>();
            foreach (var group in await RecipientsAsync(db, due, token))
            {
                foreach (var n in group.Items)
                {
                    messages.Add(Compose(group.Address, group.Language, [n], digest: false));
                }
            }
            await mailer.SendAsync(messages, token);
            foreach (var n in due)
            {
                n.EmailedAt = now;
            }
            await db.SaveChangesAsync(token);
            return messages.Count;
        }, ct);
    }

    /// <summary>Once today's digest time has passed: one email per recipient with their alerts since the last digest.</summary>
    public async Task<int> SendDigestsAsync(CancellationToken ct = default)
    {
        if (!mailer.Configured)
        {
            return 0;
        }
        var zone = await clock.TimeZoneAsync(ct);
        var now = clock.Time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var hour = config.GetValue("Email:DigestHour", 17);
        var cutoffLocal = local.Date.AddHours(hour);
        if (local.DateTime < cutoffLocal)
        {
            cutoffLocal = cutoffLocal.AddDays(-1);
        }
        var cutoff = new DateTimeOffset(cutoffLocal, zone.GetUtcOffset(cutoffLocal)).ToUniversalTime();
        var since = cutoff.AddDays(-2);
        await using var scan = await dbf.CreateDbContextAsync(ct);
        var recipients = await scan.Notifications.AsNoTracking()
            .Where(n => n.Email == AlertEmail.DailyDigest && n.EmailedAt == null && n.CreatedAt < cutoff && n.CreatedAt > since)
            .Select(n => n.RecipientUserId).Distinct().ToListAsync(ct);
        var sent = 0;
        foreach (var userId in recipients)
        {
            sent += await dbf.InTransactionAsync(async (db, token) =>
            {
                // One node per recipient at a time; the other skips and finds the rows marked sent next time.
                var mine = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtext({"digest:" + userId})) AS \"Value\"")
                    .ToListAsync(token);
                if (!mine.Single())
                {
                    return 0;
                }
                var due = await db.Notifications
                    .Where(n => n.RecipientUserId == userId && n.Email == AlertEmail.DailyDigest && n.EmailedAt == null
                        && n.CreatedAt < cutoff && n.CreatedAt > since)
                    .OrderBy(n => n.CreatedAt).ToListAsync(token);
                if (due.Count == 0)
                {
                    return 0;
                }
                var group = (await RecipientsAsync(db, due, token)).SingleOrDefault();
                if (group is not null)
                {
                    await mailer.SendAsync([Compose(group.Address, group.Language, group.Items, digest: true)], token);
                    logger.LogInformation("Daily digest with {Count} alerts sent to {UserId}", due.Count, userId);
                }
                foreach (var n in due)
                {
                    n.EmailedAt = now;
                }
                await db.SaveChangesAsync(token);
                return group is null ? 0 : 1;
            }, ct);
        }
        return sent;
    }

    private sealed record Recipient(string Address, string Language, List<NotificationView> Items);

    private static async Task<List<Recipient>> RecipientsAsync(AppDbContext db, List<Notification> due, CancellationToken ct)
    {
        var userIds = due.Select(n => n.RecipientUserId).Distinct().ToList();
        var studentIds = due.Select(n => n.StudentId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id) && u.Active && u.Email != null)
            .Select(u => new { u.Id, u.Email, u.PreferredLanguage }).ToDictionaryAsync(u => u.Id, ct);
        var names = await db.Students.AsNoTracking().Where(s => studentIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => s.FirstName, ct);
        return [.. due.Where(n => users.ContainsKey(n.RecipientUserId)).GroupBy(n => n.RecipientUserId)
            .Select(g => new Recipient(users[g.Key].Email!, users[g.Key].PreferredLanguage,
                [.. g.Select(n => new NotificationView(n.Id, n.StudentId, names.GetValueOrDefault(n.StudentId, ""), n.Kind, n.Facts, n.CreatedAt, false))]))];
    }

    /// <summary>Plain-text email in the recipient's language (no notes or scores beyond what the alert says).</summary>
    private MimeMessage Compose(string address, string language, List<NotificationView> items, bool digest)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(Localization.Normalize(language));
            var message = new MimeMessage { Subject = digest ? t["Mail.DigestSubject"] : $"{t["AppName"]}: {AlertText.Title(t, items[0].Kind)}" };
            message.To.Add(MailboxAddress.Parse(address));
            var lines = items.Select(n => "• " + AlertText.Body(t, n));
            message.Body = new TextPart("plain")
            {
                Text = $"{(digest ? t["Mail.DigestIntro"] : t["Mail.Intro"])}\n\n{string.Join("\n", lines)}\n\n{t["Mail.Footer"]}\n",
            };
            return message;
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }
    }
}

/// <summary>Runs <see cref="FamilyAlertJobs"/>: emails every <c>Email:PollSeconds</c> (15; 0 = off) and the
/// no-evidence sweep every <c>Alerts:SweepMinutes</c> (60; 0 = off).</summary>
public sealed class FamilyAlertWorker(FamilyAlertJobs jobs, IConfiguration config, TimeProvider clock, ILogger<FamilyAlertWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = config.GetValue("Email:PollSeconds", 15);
        var sweep = config.GetValue("Alerts:SweepMinutes", 60);
        if (poll <= 0 && sweep <= 0)
        {
            return;
        }
        var nextSweep = clock.GetUtcNow().AddMinutes(Math.Max(sweep, 1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(poll > 0 ? poll : 60), clock, stoppingToken);
                if (sweep > 0 && clock.GetUtcNow() >= nextSweep)
                {
                    nextSweep = clock.GetUtcNow().AddMinutes(sweep);
                    await jobs.RaiseNoEvidenceAsync(stoppingToken);
                }
                if (poll > 0)
                {
                    await jobs.SendImmediateAsync(stoppingToken);
                    await jobs.SendDigestsAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Family alert work failed; trying again later");
            }
        }
    }
}
