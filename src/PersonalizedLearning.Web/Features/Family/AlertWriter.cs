using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
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

/// <summary>An alert to raise: its student, kind, key (made unique per kind and student) and facts.</summary>
public sealed record PendingAlert(
    int StudentId, AlertKind Kind, string Key, IReadOnlyList<string> Facts, AlertAudience Audience = AlertAudience.Family);

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
        AlertAudience audience = AlertAudience.Family, CancellationToken ct = default) =>
        NotifyAboutAsync(db, db.Database.SqlQueryRaw<int>(RaiseSql, RaiseParameters([new PendingAlert(studentId, kind, key, facts, audience)], now))
            .ToListAsync(ct), "alert", ct);

    /// <summary>
    /// Raises several alerts in one statement (what <see cref="RaiseAsync"/> runs for one): the parameters come from
    /// <see cref="RaiseParameters"/>; the statement returns the students that got a new alert (as "Value"). The evidence
    /// write sends it in its write batch (no round trip of its own).
    /// </summary>
    internal const string RaiseSql = """
        WITH alert AS (
            SELECT * FROM unnest(@alert_students, @alert_kinds, @alert_keys, @alert_facts, @alert_family)
                AS a(student_id, kind, dedup_key, facts, family)
        ), recipients AS (
            SELECT a.student_id, a.kind, a.dedup_key, a.facts, g.guardian_user_id AS user_id
            FROM alert a JOIN guardian_links g ON g.student_id = a.student_id AND NOT g.custody_restricted
            UNION
            SELECT a.student_id, a.kind, a.dedup_key, a.facts, s.user_id
            FROM alert a JOIN students s ON s.id = a.student_id AND s.user_id IS NOT NULL AND a.family
        ), inserted AS (
            INSERT INTO notifications (recipient_user_id, student_id, kind, dedup_key, facts, created_at, email)
            SELECT r.user_id, r.student_id, r.kind, r.dedup_key, CAST(r.facts AS jsonb), @alert_now, COALESCE(p.email, 'Immediately')
            FROM recipients r
            JOIN users u ON u.id = r.user_id AND u.active
            LEFT JOIN alert_preferences p ON p.user_id = r.user_id
            WHERE NOT COALESCE(p.muted_kinds, '[]'::jsonb) @> jsonb_build_array(r.kind)
            ON CONFLICT (recipient_user_id, dedup_key) DO NOTHING
            RETURNING student_id
        )
        SELECT DISTINCT student_id AS "Value" FROM inserted
        """;

    /// <summary>The parameters of <see cref="RaiseSql"/> for <paramref name="alerts"/> (one array element per alert).</summary>
    internal static NpgsqlParameter[] RaiseParameters(IReadOnlyCollection<PendingAlert> alerts, DateTimeOffset now) =>
    [
        new NpgsqlParameter<int[]>("alert_students", [.. alerts.Select(a => a.StudentId)]),
        new NpgsqlParameter<string[]>("alert_kinds", [.. alerts.Select(a => a.Kind.ToString())]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        new NpgsqlParameter<string[]>("alert_keys", [.. alerts.Select(a => $"{a.Kind}:{a.StudentId}:{a.Key}")]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        new NpgsqlParameter<string[]>("alert_facts", [.. alerts.Select(a => JsonSerializer.Serialize(a.Facts))]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        new NpgsqlParameter<bool[]>("alert_family", [.. alerts.Select(a => a.Audience == AlertAudience.Family)]),
        new NpgsqlParameter<DateTimeOffset>("alert_now", now) { NpgsqlDbType = NpgsqlDbType.TimestampTz },
    ];

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
        if (MasteryChanged(studentId, standardId, before, after, levels, code, now) is { } alert)
        {
            await RaiseAsync(db, alert.StudentId, alert.Kind, alert.Key, alert.Facts, now, alert.Audience, ct);
        }
    }

    /// <summary>The alert a rollup's change from <paramref name="before"/> to <paramref name="after"/> raises, if any.</summary>
    public static PendingAlert? MasteryChanged(
        int studentId, int standardId, decimal? before, decimal? after,
        IReadOnlyList<(decimal Points, string Name, bool IsMastery)> levels, string code, DateTimeOffset now)
    {
        var mastery = levels.Where(l => l.IsMastery).Select(l => (decimal?)l.Points).FirstOrDefault();
        var (was, now_) = (LevelOf(levels, before), LevelOf(levels, after));
        var key = $"{standardId}:{now.UtcTicks}";
        if (mastery is not null && before >= mastery && (after is null || after < mastery))
        {
            return new PendingAlert(studentId, AlertKind.MasteryDropped, key, [code, now_?.Name ?? ""]);
        }
        if (now_ is { } reached && (was is null || reached.Points > was.Value.Points))
        {
            return new PendingAlert(studentId, AlertKind.LevelReached, key, [code, reached.Name]);
        }
        return null;
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
