using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Data.Configurations;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Plans;

/// <summary>
/// The quick path of an autosave that changes only the plan's own text (aspirations, reflection) — what typing in those
/// boxes sends every 1.2 s. It holds no lock while the app works: the relation and the plan (with its goals, milestones
/// and last revision) are read without a transaction, the merge, validation and history are worked out in memory, and
/// then ONE statement writes the plan, the revision (coalesced or new) and the audit row in one implicit transaction,
/// guarded by the plan's version (<c>xmin</c>) as it was read. The plan's row lock is held only while that statement
/// runs and commits inside PostgreSQL, never across a round trip to the app. If someone saved in between, the guard
/// matches no row, nothing is written, and the caller reads again and merges (<see cref="Attempt.Raced"/>).
/// Everything else (goals or milestones added, removed or edited, refusals) takes the locked path in
/// <see cref="PlanEditing"/>, which gives the same outcome.
/// </summary>
internal static class PlanTextSave
{
    internal enum Attempt
    {
        /// <summary>Done: <c>Outcome</c> is the answer.</summary>
        Done,

        /// <summary>Someone saved between our read and our write: read again.</summary>
        Raced,

        /// <summary>Not a text-only save (or a refusal): take the locked path.</summary>
        NotQuick,
    }

    private sealed record PlanRow(
        int Id, uint Version, PlanStatus Status, string Aspirations, string Reflection, List<GoalRow> Goals,
        List<MilestoneContent> Milestones, LastRevision? Last);

    private sealed record GoalRow(int SortOrder, GoalContent Goal);

    private sealed record LastRevision(long Id, string UserId, string Role, DateTimeOffset StartedAt, DateTimeOffset At, List<PlanChange> Changes, bool SignedOffSince);

    public static async Task<(Attempt, SaveOutcome?)> TryAsync(
        AppDbContext db, Viewer me, DateOnly today, int studentId, uint originalVersion, PlanContent original, PlanContent mine,
        AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        // A save that leaves goals and milestones as the editor found them; anything else takes the locked path.
        if (!OnlyText(original, mine))
        {
            return (Attempt.NotQuick, null);
        }
        var rel = await PlanAccess.RelationAsync(db, me, studentId, ct);
        if (rel is null)
        {
            return (Attempt.NotQuick, null);
        }
        var year = db.SchoolYears.Where(y => y.StartsOn <= today).OrderByDescending(y => y.StartsOn).Select(y => y.Id).Take(1);
        var row = await db.Plans.AsNoTracking()
            .Where(p => p.StudentId == studentId && year.Contains(p.SchoolYearId))
            .Select(p => new PlanRow(
                p.Id, p.Version, p.Status, p.Aspirations, p.Reflection,
                p.Goals.Select(g => new GoalRow(g.SortOrder, new GoalContent(
                    g.Id, g.Title, g.WhyItMatters, g.Strategy, g.TargetDate, g.Status, g.Standards.Select(s => s.Id).ToList()))).ToList(),
                p.Milestones.Select(m => new MilestoneContent(m.Id, m.Title, m.DueOn, m.CompletedOn)).ToList(),
                db.PlanRevisions.Where(r => r.PlanId == p.Id).OrderByDescending(r => r.At)
                    .Select(r => new LastRevision(r.Id, r.UserId, r.Role, r.StartedAt, r.At, r.Changes,
                        db.PlanSignOffs.Any(s => s.PlanId == p.Id && s.At > r.At)))
                    .FirstOrDefault()))
            .AsSingleQuery() // a plan has a handful of goals and milestones: one round trip beats one per collection
            .SingleOrDefaultAsync(ct);
        if (row is null || !PlanWorkflow.CanEdit(row.Status, rel.Actor))
        {
            return (Attempt.NotQuick, null);
        }

        // The same content PlanAccess.ToContent builds from the tracked graph.
        var current = new PlanContent(
            row.Aspirations, row.Reflection,
            [.. row.Goals.OrderBy(g => g.SortOrder).ThenBy(g => g.Goal.Id).Select(g => g.Goal with { StandardIds = [.. g.Goal.StandardIds.Order()] })],
            [.. row.Milestones.OrderBy(m => m.DueOn).ThenBy(m => m.Id)]);
        var target = mine;
        var merged = false;
        if (row.Version != originalVersion)
        {
            var (result, conflicts) = PlanRules.Merge(original, mine, current);
            if (conflicts.Count > 0)
            {
                return (Attempt.NotQuick, null);
            }
            target = result;
            merged = true;
        }
        var problems = PlanRules.Validate(target, today, current);
        if (problems.Count > 0)
        {
            return (Attempt.Done, new SaveOutcome.Invalid(problems));
        }
        var changes = PlanRules.Changes(current, target);
        if (changes.Count == 0)
        {
            return (Attempt.Done, new SaveOutcome.Saved(row.Version, current, merged, new Dictionary<int, int>(), new Dictionary<int, int>()));
        }
        if (changes.Any(c => c.Field is not ("aspirations" or "reflection")))
        {
            return (Attempt.NotQuick, null);
        }

        var saved = current with { Aspirations = target.Aspirations, Reflection = target.Reflection };
        var now = clock.GetUtcNow();
        var role = rel.ActingRole(me);
        var last = row.Last;
        var coalesce = last is not null && PlanEditing.Extends(last.UserId, last.Role, last.StartedAt, last.At, last.SignedOffSince, me, role, now);
        var revisionChanges = coalesce ? PlanEditing.Coalesce(last!.Changes, changes) : [.. changes];
        var auditRow = audit.Row(me, studentId, "plan-edit");

        // One statement, one implicit transaction (xmin comes back as bigint: EF reads a bare uint column as bigint): every part is conditional on the version guard (the plan CTE).
        var version = await db.Database.SqlQueryRaw<long>(WriteSql,
                Parameter("plan", row.Id), Xid("version", row.Version),
                Parameter("aspirations", saved.Aspirations), Parameter("reflection", saved.Reflection),
                Parameter("now", now), Parameter("coalesce", coalesce), Parameter("last", last?.Id ?? 0L),
                Json("changes", JsonColumn.Serialize(revisionChanges)), Json("snapshot", JsonColumn.Serialize(saved)),
                Parameter("user", me.UserId), Parameter("role", role),
                Parameter("audit_at", auditRow.At), Parameter("audit_role", auditRow.Role), Parameter("student", studentId),
                Parameter("action", auditRow.Action), Parameter("outcome", auditRow.Outcome.ToString()))
            .ToListAsync(ct);
        if (version.Count == 0)
        {
            return (Attempt.Raced, null);
        }
        await ChangeFeed.NotifyAsync(db, [studentId], "plan", ct);
        return (Attempt.Done, new SaveOutcome.Saved((uint)version[0], saved, merged, new Dictionary<int, int>(), new Dictionary<int, int>()));
    }

    /// <summary>Goals and milestones as the editor found them: only aspirations and reflection may differ.</summary>
    private static bool OnlyText(PlanContent original, PlanContent mine) =>
        PlanRules.Changes(original, mine).All(c => c.Field is "aspirations" or "reflection");

    private const string WriteSql = """
        WITH plan AS (
            UPDATE learning_plans SET aspirations = @aspirations, reflection = @reflection, updated_at = @now
            WHERE id = @plan AND xmin = @version
            RETURNING xmin),
        extended AS (
            UPDATE plan_revisions SET changes = @changes, snapshot = @snapshot, at = @now
            WHERE id = @last AND plan_id = @plan AND @coalesce AND EXISTS (SELECT FROM plan)),
        added AS (
            INSERT INTO plan_revisions (plan_id, user_id, role, started_at, at, changes, snapshot)
            SELECT @plan, @user, @role, @now, @now, @changes, @snapshot FROM plan WHERE NOT @coalesce),
        audited AS (
            INSERT INTO access_audit (at, user_id, role, student_id, action, outcome)
            SELECT @audit_at, @user, @audit_role, @student, @action, @outcome FROM plan)
        SELECT xmin::text::bigint AS "Value" FROM plan
        """;

    private static NpgsqlParameter<T> Parameter<T>(string name, T value) => new(name, value);

    private static NpgsqlParameter<uint> Xid(string name, uint version) =>
        new(name, NpgsqlDbType.Xid) { TypedValue = version };

    private static NpgsqlParameter<string> Json(string name, string json) =>
        new(name, NpgsqlDbType.Jsonb) { TypedValue = json };
}
