using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Family;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Plans;

/// <summary>
/// Changing plans: autosaved content with optimistic concurrency and three-way merge, workflow steps, comments and
/// starting a plan from a template. Each write is one transaction that also writes its audit row, its revision or
/// sign-off, and the change-feed event.
/// </summary>
public sealed class PlanEditing(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock, ILogger<PlanEditing> logger)
{
    /// <summary>Saves by the same person within this window extend their last revision instead of adding one.</summary>
    public static readonly TimeSpan CoalesceWindow = TimeSpan.FromMinutes(5);

    /// <summary>A revision never spans more than this, however long someone keeps typing.</summary>
    public static readonly TimeSpan MaxRevisionSpan = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Saves <paramref name="mine"/>, which the editor derived from <paramref name="original"/> at <paramref name="originalVersion"/>.
    /// If someone saved in between, their changes and mine are merged field by field; fields both changed come back as a conflict.
    /// </summary>
    public async Task<SaveOutcome> SaveAsync(int studentId, uint originalVersion, PlanContent original, PlanContent mine, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var today = await clock.TodayAsync(ct);
        // Typing in the plan's own text (the common autosave) takes the quick path: no lock held across round trips.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await using var db = await dbf.CreateDbContextAsync(ct);
            var (result, outcome) = await PlanTextSave.TryAsync(db, me, today, studentId, originalVersion, original, mine, audit, clock.Time, ct);
            if (result == PlanTextSave.Attempt.Done)
            {
                logger.LogInformation("Plan of student {StudentId} saved by {UserId} (text)", studentId, me.UserId);
                return outcome!;
            }
            if (result == PlanTextSave.Attempt.NotQuick)
            {
                break;
            }
        }
        var year = await clock.CurrentYearAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await dbf.InTransactionAsync((db, token) => SaveOnceAsync(db, me, year, today, studentId, originalVersion, original, mine, token), ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Someone committed between our read and our write: go again, which merges their change.
                logger.LogInformation("Plan save for student {StudentId} raced another save; merging", studentId);
            }
        }
    }

    private async Task<SaveOutcome> SaveOnceAsync(
        AppDbContext db, Viewer me, SchoolYear? year, DateOnly today, int studentId, uint originalVersion,
        PlanContent original, PlanContent mine, CancellationToken ct)
    {
        // Round trips: BEGIN + the relation; the plan with its content, locked; the last revision; one batch of writes;
        // COMMIT. The change event goes out after the commit (ChangeFeed), so it never holds this commit back.
        var rel = await PlanAccess.RelationAsync(db, me, studentId, ct);
        // Saves of one plan queue on its row lock instead of racing: the read then sees the latest committed version, so
        // a student and an advisor saving at the same moment merge on the first try (the xmin check stays as a guard).
        var plan = rel is null || year is null ? null
            : await db.Plans
                .FromSql($"SELECT p.*, p.xmin FROM learning_plans p WHERE p.student_id = {studentId} AND p.school_year_id = {year.Id} FOR UPDATE")
                .Include(p => p.Goals).ThenInclude(g => g.Standards).Include(p => p.Milestones)
                .AsSingleQuery()
                .SingleOrDefaultAsync(ct);
        if (rel is null || plan is null)
        {
            await audit.DeniedAsync(me, studentId, "plan-edit");
            return new SaveOutcome.Refused("NotFoundBody");
        }
        if (!PlanWorkflow.CanEdit(plan.Status, rel.Actor))
        {
            return new SaveOutcome.Refused(rel.Actor is PlanActor.Student or PlanActor.Advisor ? "Problem.NotEditableNow" : "Problem.NotYours");
        }

        var current = PlanAccess.ToContent(plan);
        var target = mine;
        var merged = false;
        if (plan.Version != originalVersion)
        {
            var (result, conflicts) = PlanRules.Merge(original, mine, current);
            if (conflicts.Count > 0)
            {
                var changedBy = await LastEditorAsync(db, plan.Id, ct);
                return new SaveOutcome.Conflict(plan.Version, current, result, conflicts, changedBy, plan.UpdatedAt);
            }
            target = result;
            merged = true;
        }

        var problems = PlanRules.Validate(target, today, current);
        if (problems.Count > 0)
        {
            return new SaveOutcome.Invalid(problems);
        }
        var changes = PlanRules.Changes(current, target);
        if (changes.Count == 0)
        {
            return new SaveOutcome.Saved(plan.Version, current, merged, new Dictionary<int, int>(), new Dictionary<int, int>());
        }

        var (newGoals, newMilestones) = await ApplyAsync(db, plan, target, ct);
        var now = clock.Time.GetUtcNow();
        plan.UpdatedAt = now;
        db.AccessAudit.Add(audit.Row(me, studentId, "plan-edit"));
        if (newGoals.Count > 0 || newMilestones.Count > 0)
        {
            // The revision's snapshot is the saved content, with the ids new goals and milestones just got.
            await db.SaveChangesAsync(ct);
        }
        var saved = PlanAccess.ToContent(plan);
        await RecordRevisionAsync(db, plan.Id, me, rel.ActingRole(me), now, changes, saved, ct);
        await db.SaveChangesAsync(ct);
        await ChangeFeed.NotifyAsync(db, [studentId], "plan", ct);
        logger.LogInformation("Plan {PlanId} saved by {UserId} ({Changes} fields)", plan.Id, me.UserId, changes.Count);
        return new SaveOutcome.Saved(plan.Version, saved, merged,
            newGoals.ToDictionary(x => x.TempId, x => x.Goal.Id), newMilestones.ToDictionary(x => x.TempId, x => x.Milestone.Id));
    }

    /// <summary>Moves the plan through its workflow (submit, request changes, approve, complete, reopen, acknowledge).</summary>
    public async Task<Result> ActAsync(int studentId, PlanAction action, string? note, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var rel = await PlanAccess.RelationAsync(db, me, studentId, token);
            var plan = rel is null || year is null ? null
                : await db.Plans.Include(p => p.Goals).FirstOrDefaultAsync(p => p.StudentId == studentId && p.SchoolYearId == year.Id, token);
            if (rel is null || plan is null)
            {
                await audit.DeniedAsync(me, studentId, "plan-" + action);
                return Result.Fail("NotFoundBody");
            }
            var (next, refusal) = PlanWorkflow.Apply(plan.Status, action, rel.Actor, note);
            if (next is null)
            {
                return Result.Fail(refusal!);
            }
            if (action == PlanAction.Submit && plan.Goals.Count == 0)
            {
                return Result.Fail("Problem.NeedAGoal");
            }
            if (action == PlanAction.Acknowledge && await AcknowledgedSinceLastChangeAsync(db, plan.Id, me.UserId, token))
            {
                return Result.Fail("Problem.AlreadyAcknowledged");
            }
            if ((note?.Length ?? 0) > 2000)
            {
                return Result.Fail("Problem.TooLong", 2000);
            }
            var now = clock.Time.GetUtcNow();
            plan.Status = next.Value;
            plan.UpdatedAt = now;
            db.PlanSignOffs.Add(new PlanSignOff { PlanId = plan.Id, Action = action, UserId = me.UserId, Role = rel.ActingRole(me), At = now, Note = note?.Trim() ?? "" });
            db.AccessAudit.Add(audit.Row(me, studentId, "plan-" + action.ToString().ToLowerInvariant()));
            await db.SaveChangesAsync(token);
            await ChangeFeed.NotifyAsync(db, [studentId], "plan", token);
            if (action != PlanAction.Acknowledge && PlanWorkflow.Available(plan.Status, PlanActor.Guardian).Contains(PlanAction.Acknowledge))
            {
                // Guardians are asked to acknowledge the plan in its new state (committed with the step).
                await AlertWriter.RaiseAsync(db, studentId, AlertKind.PlanNeedsAcknowledgement, $"{plan.Id}:{now.UtcTicks}",
                    [plan.Status.ToString()], now, AlertAudience.Guardians, token);
            }
            logger.LogInformation("Plan {PlanId}: {Action} by {UserId}", plan.Id, action, me.UserId);
            return Result.Ok;
        }, ct);
    }

    /// <summary>Adds a comment on the plan or one of its goals.</summary>
    public async Task<Result> CommentAsync(int studentId, int? goalId, string body, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        var text = body?.Trim() ?? "";
        if (text.Length == 0)
        {
            return Result.Fail("Problem.CommentEmpty");
        }
        if (text.Length > PlanComment.BodyLimit)
        {
            return Result.Fail("Problem.TooLong", PlanComment.BodyLimit);
        }
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var rel = await PlanAccess.RelationAsync(db, me, studentId, token);
            var plan = rel is null || year is null ? null
                : await db.Plans.AsNoTracking().Include(p => p.Goals).FirstOrDefaultAsync(p => p.StudentId == studentId && p.SchoolYearId == year.Id, token);
            if (rel is null || plan is null)
            {
                await audit.DeniedAsync(me, studentId, "plan-comment");
                return Result.Fail("NotFoundBody");
            }
            if (!rel.CanComment)
            {
                return Result.Fail("Problem.NotYours");
            }
            if (goalId is not null && plan.Goals.All(g => g.Id != goalId))
            {
                return Result.Fail("NotFoundBody");
            }
            db.PlanComments.Add(new PlanComment
            {
                PlanId = plan.Id,
                GoalId = goalId,
                AuthorUserId = me.UserId,
                AuthorRole = rel.ActingRole(me),
                Body = text,
                At = clock.Time.GetUtcNow(),
            });
            db.AccessAudit.Add(audit.Row(me, studentId, "plan-comment"));
            await db.SaveChangesAsync(token);
            await ChangeFeed.NotifyAsync(db, [studentId], "plan", token);
            return Result.Ok;
        }, ct);
    }

    /// <summary>Starts this year's plan from the template for the student's school and grade (or empty).</summary>
    public async Task<Result> StartAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        var today = await clock.TodayAsync(ct);
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var rel = await PlanAccess.RelationAsync(db, me, studentId, token);
            if (rel is null || year is null)
            {
                return Result.Fail("NotFoundBody");
            }
            if (rel.Actor is not (PlanActor.Student or PlanActor.Advisor))
            {
                return Result.Fail("Problem.NotYours");
            }
            if (await db.Plans.AnyAsync(p => p.StudentId == studentId && p.SchoolYearId == year.Id, token))
            {
                return Result.Ok;
            }
            var schoolId = await db.Students.Where(s => s.Id == studentId).Select(s => s.SchoolId).FirstAsync(token);
            var template = await db.PlanTemplates.AsNoTracking()
                .Where(t => (t.SchoolId == null || t.SchoolId == schoolId) && t.LowestGrade <= rel.GradeLevel && t.HighestGrade >= rel.GradeLevel)
                .OrderBy(t => t.SchoolId == null).FirstOrDefaultAsync(token);
            var now = clock.Time.GetUtcNow();
            var plan = new LearningPlan
            {
                StudentId = studentId,
                SchoolYearId = year.Id,
                Status = PlanStatus.Draft,
                CreatedAt = now,
                UpdatedAt = now,
                Aspirations = template?.Aspirations ?? "",
                Goals = [.. (template?.Goals ?? []).Select((g, i) => new PlanGoal
                {
                    Title = g.Title, WhyItMatters = g.WhyItMatters, Strategy = g.Strategy, SortOrder = i,
                    TargetDate = Max(today.AddDays(7 * g.WeeksFromStart), today.AddDays(7)),
                })],
            };
            db.Plans.Add(plan);
            db.AccessAudit.Add(audit.Row(me, studentId, "plan-start"));
            await db.SaveChangesAsync(token);
            await ChangeFeed.NotifyAsync(db, [studentId], "plan", token);
            return Result.Ok;
        }, ct);
    }

    internal static Task<bool> AcknowledgedSinceLastChangeAsync(AppDbContext db, int planId, string userId, CancellationToken ct) =>
        db.PlanSignOffs.Where(s => s.PlanId == planId)
            .OrderByDescending(s => s.At)
            .Where(s => s.Action != PlanAction.Acknowledge || s.UserId == userId)
            .Select(s => s.Action == PlanAction.Acknowledge)
            .FirstOrDefaultAsync(ct);

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static Task<string?> LastEditorAsync(AppDbContext db, int planId, CancellationToken ct) =>
        db.PlanRevisions.Where(r => r.PlanId == planId).OrderByDescending(r => r.At)
            .Select(r => db.Users.Where(u => u.Id == r.UserId).Select(u => u.DisplayName).FirstOrDefault()).FirstOrDefaultAsync(ct);

    private static async Task<(List<(int TempId, PlanGoal Goal)>, List<(int TempId, PlanMilestone Milestone)>)> ApplyAsync(
        AppDbContext db, LearningPlan plan, PlanContent target, CancellationToken ct)
    {
        plan.Aspirations = target.Aspirations;
        plan.Reflection = target.Reflection;

        // Standards the goals already link were loaded with the plan; only newly linked ones are read.
        var standards = plan.Goals.SelectMany(g => g.Standards).DistinctBy(s => s.Id).ToDictionary(s => s.Id);
        var wantedStandards = target.Goals.SelectMany(g => g.StandardIds).Distinct().Where(id => !standards.ContainsKey(id)).ToList();
        if (wantedStandards.Count > 0)
        {
            foreach (var standard in await db.Standards.Where(s => wantedStandards.Contains(s.Id)).ToListAsync(ct))
            {
                standards[standard.Id] = standard;
            }
        }
        var newGoals = new List<(int, PlanGoal)>();
        foreach (var goal in plan.Goals.Where(g => target.Goals.All(t => t.Id != g.Id)).ToList())
        {
            plan.Goals.Remove(goal);
            db.PlanGoals.Remove(goal);
        }
        for (var i = 0; i < target.Goals.Count; i++)
        {
            var t = target.Goals[i];
            var goal = plan.Goals.FirstOrDefault(g => g.Id == t.Id && t.Id > 0);
            if (goal is null)
            {
                goal = new PlanGoal { Title = t.Title };
                plan.Goals.Add(goal);
                newGoals.Add((t.Id, goal));
            }
            goal.Title = t.Title.Trim();
            goal.WhyItMatters = t.WhyItMatters;
            goal.Strategy = t.Strategy;
            goal.TargetDate = t.TargetDate!.Value;
            goal.Status = t.Status;
            goal.SortOrder = i;
            var ids = t.StandardIds.Where(standards.ContainsKey).ToHashSet();
            goal.Standards.RemoveAll(s => !ids.Contains(s.Id));
            goal.Standards.AddRange(ids.Where(id => goal.Standards.All(s => s.Id != id)).Select(id => standards[id]));
        }

        var newMilestones = new List<(int, PlanMilestone)>();
        foreach (var milestone in plan.Milestones.Where(m => target.Milestones.All(t => t.Id != m.Id)).ToList())
        {
            plan.Milestones.Remove(milestone);
            db.PlanMilestones.Remove(milestone);
        }
        foreach (var t in target.Milestones)
        {
            var milestone = plan.Milestones.FirstOrDefault(m => m.Id == t.Id && t.Id > 0);
            if (milestone is null)
            {
                milestone = new PlanMilestone { Title = t.Title };
                plan.Milestones.Add(milestone);
                newMilestones.Add((t.Id, milestone));
            }
            milestone.Title = t.Title.Trim();
            milestone.DueOn = t.DueOn!.Value;
            milestone.CompletedOn = t.CompletedOn;
        }
        return (newGoals, newMilestones);
    }

    private static async Task RecordRevisionAsync(
        AppDbContext db, int planId, Viewer me, string role, DateTimeOffset now, IReadOnlyList<PlanChange> changes, PlanContent snapshot,
        CancellationToken ct)
    {
        var lastRow = await db.PlanRevisions.Where(r => r.PlanId == planId).OrderByDescending(r => r.At)
            .Select(r => new { Revision = r, SignedOffSince = db.PlanSignOffs.Any(s => s.PlanId == planId && s.At > r.At) })
            .FirstOrDefaultAsync(ct);
        var (last, signedOffSince) = (lastRow?.Revision, lastRow?.SignedOffSince == true);
        if (last is not null && Extends(last.UserId, last.Role, last.StartedAt, last.At, signedOffSince, me, role, now))
        {
            last.Changes = Coalesce(last.Changes, changes);
            last.Snapshot = snapshot;
            last.At = now;
            return;
        }
        db.PlanRevisions.Add(new PlanRevision
        {
            PlanId = planId,
            UserId = me.UserId,
            Role = role,
            StartedAt = now,
            At = now,
            Changes = [.. changes],
            Snapshot = snapshot,
        });
    }

    /// <summary>Whether a save by <paramref name="me"/> at <paramref name="now"/> extends the plan's last revision instead of adding one.</summary>
    internal static bool Extends(
        string lastUserId, string lastRole, DateTimeOffset lastStartedAt, DateTimeOffset lastAt, bool signedOffSince, Viewer me, string role, DateTimeOffset now) =>
        lastUserId == me.UserId && lastRole == role && !signedOffSince && now - lastAt <= CoalesceWindow && now - lastStartedAt <= MaxRevisionSpan;

    /// <summary>One entry per field: where it started before the first save and where it is now; fields back where they started drop out.</summary>
    internal static List<PlanChange> Coalesce(IEnumerable<PlanChange> earlier, IEnumerable<PlanChange> later)
    {
        var byField = earlier.ToDictionary(c => c.Field, StringComparer.Ordinal);
        foreach (var change in later)
        {
            byField[change.Field] = byField.TryGetValue(change.Field, out var first) ? first with { To = change.To } : change;
        }
        return [.. byField.Values.Where(c => c.From != c.To).OrderBy(c => c.Field, StringComparer.Ordinal)];
    }
}
