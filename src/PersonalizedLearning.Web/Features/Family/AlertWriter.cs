using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Family;

/// <summary>Who receives an alert about a student.</summary>
public enum AlertAudience
{
    /// <summary>The student (when they have an account) and every guardian without a custody restriction.</summary>
    Family,
    /// <summary>Guardians without a custody restriction only.</summary>
    Guardians,
}

/// <summary>
/// Raises alerts inside the writing transaction of the change they are about: the alert commits with the change
/// (or not at all), so it is never lost and never raised for a rolled-back change. One INSERT … SELECT per event
/// resolves the recipients (custody restrictions and muted kinds excluded), records each recipient's email choice
/// and skips a (recipient, key) already raised — so a retried transaction or a second node alerts nobody twice.
/// The inserted rows' students get a change-feed event ("alert") so open bells and pages update.
/// </summary>
public static class AlertWriter
{
    public static Task RaiseAsync(
        AppDbContext db, int studentId, AlertKind kind, string key, IReadOnlyList<string> facts, DateTimeOffset now,
        AlertAudience audience = AlertAudience.Family, CancellationToken ct = default)
    {
        var kindName = kind.ToString();
        var factsJson = JsonSerializer.Serialize(facts);
        var includeStudent = audience == AlertAudience.Family;
        var dedup = $"{kindName}:{studentId}:{key}";
        return NotifyAboutAsync(db, db.Database.SqlQuery<int>($"""
            WITH recipients AS (
                SELECT g.guardian_user_id AS user_id FROM guardian_links g
                WHERE g.student_id = {studentId} AND NOT g.custody_restricted
                UNION
                SELECT s.user_id FROM students s WHERE s.id = {studentId} AND s.user_id IS NOT NULL AND {includeStudent}
            ), inserted AS (
                INSERT INTO notifications (recipient_user_id, student_id, kind, dedup_key, facts, created_at, email)
                SELECT r.user_id, {studentId}, {kindName}, {dedup}, CAST({factsJson} AS jsonb), {now}, COALESCE(p.email, 'Immediately')
                FROM recipients r
                JOIN users u ON u.id = r.user_id AND u.active
                LEFT JOIN alert_preferences p ON p.user_id = r.user_id
                WHERE NOT COALESCE(p.muted_kinds, '[]'::jsonb) @> jsonb_build_array(CAST({kindName} AS text))
                ON CONFLICT (recipient_user_id, dedup_key) DO NOTHING
                RETURNING student_id
            )
            SELECT DISTINCT student_id AS "Value" FROM inserted
            """).ToListAsync(ct), "alert", ct);
    }

    /// <summary>An alert to one named user (the advisor of a message thread).</summary>
    public static Task RaiseForUserAsync(
        AppDbContext db, string userId, int studentId, AlertKind kind, string key, IReadOnlyList<string> facts,
        DateTimeOffset now, CancellationToken ct = default)
    {
        var kindName = kind.ToString();
        var factsJson = JsonSerializer.Serialize(facts);
        var dedup = $"{kindName}:{studentId}:{key}";
        return NotifyAboutAsync(db, db.Database.SqlQuery<int>($"""
            WITH inserted AS (
                INSERT INTO notifications (recipient_user_id, student_id, kind, dedup_key, facts, created_at, email)
                SELECT u.id, {studentId}, {kindName}, {dedup}, CAST({factsJson} AS jsonb), {now}, COALESCE(p.email, 'Immediately')
                FROM users u
                LEFT JOIN alert_preferences p ON p.user_id = u.id
                WHERE u.id = {userId} AND u.active AND NOT COALESCE(p.muted_kinds, '[]'::jsonb) @> jsonb_build_array(CAST({kindName} AS text))
                ON CONFLICT (recipient_user_id, dedup_key) DO NOTHING
                RETURNING student_id
            )
            SELECT DISTINCT student_id AS "Value" FROM inserted
            """).ToListAsync(ct), "alert", ct);
    }

    /// <summary>
    /// "Mastery dropped below mastery" and "new level reached" from a rollup's score before and after a change
    /// (called by the evidence write path for each student × standard it recomputed).
    /// </summary>
    public static async Task MasteryChangedAsync(
        AppDbContext db, int studentId, int standardId, decimal? before, decimal? after,
        IReadOnlyList<(decimal Points, string Name, bool IsMastery)> levels, string code, DateTimeOffset now, CancellationToken ct)
    {
        var mastery = levels.Where(l => l.IsMastery).Select(l => (decimal?)l.Points).FirstOrDefault();
        var (was, now_) = (LevelOf(levels, before), LevelOf(levels, after));
        var key = $"{standardId}:{now.UtcTicks}";
        if (mastery is not null && before >= mastery && (after is null || after < mastery))
        {
            await RaiseAsync(db, studentId, AlertKind.MasteryDropped, key, [code, now_?.Name ?? ""], now, ct: ct);
        }
        else if (now_ is { } reached && (was is null || reached.Points > was.Value.Points))
        {
            await RaiseAsync(db, studentId, AlertKind.LevelReached, key, [code, reached.Name], now, ct: ct);
        }
    }

    /// <summary>Students who got a new alert: their open bells and pages update once the transaction commits.</summary>
    private static async Task NotifyAboutAsync(AppDbContext db, Task<List<int>> alerted, string what, CancellationToken ct) =>
        await ChangeFeed.NotifyAsync(db, await alerted, what, ct);

    private static (decimal Points, string Name, bool IsMastery)? LevelOf(
        IReadOnlyList<(decimal Points, string Name, bool IsMastery)> levels, decimal? score) =>
        score is null ? null
            : levels.Where(l => l.Points <= score).OrderByDescending(l => l.Points)
                .Select(l => ((decimal, string, bool)?)l).FirstOrDefault();
}
