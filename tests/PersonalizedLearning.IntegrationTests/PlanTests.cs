using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Plans;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>Plans against a real PostgreSQL: concurrency without lost edits, history, workflow and access.</summary>
public class PlanTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static string Student => AppFixture.DemoEmail(Roles.Student);
    private static string Advisor => AppFixture.DemoEmail(Roles.Advisor);
    private static string Guardian => AppFixture.DemoEmail(Roles.Guardian);

    [Fact]
    public async Task Student_and_advisor_saving_different_fields_at_once_both_keep_their_changes()
    {
        var (studentId, plan) = await OpenAsync(Student);
        var goal = plan.Content.Goals[0];

        var byStudent = await SaveAsync(Student, studentId, plan, plan.Content with { Aspirations = "Become a veterinarian" });
        var byAdvisor = await SaveAsync(Advisor, studentId, plan, plan.Content with { Goals = [goal with { Strategy = "Tuesday small group" }, .. plan.Content.Goals.Skip(1)] });

        Assert.IsType<SaveOutcome.Saved>(byStudent);
        Assert.True(Assert.IsType<SaveOutcome.Saved>(byAdvisor).MergedOthersChanges);
        var (_, now) = await OpenAsync(Student);
        Assert.Equal("Become a veterinarian", now.Content.Aspirations);
        Assert.Equal("Tuesday small group", now.Content.Goals[0].Strategy);
    }

    [Fact]
    public async Task Two_devices_changing_the_same_field_get_a_conflict_and_nothing_is_overwritten()
    {
        var (studentId, plan) = await OpenAsync(Student);

        await SaveAsync(Student, studentId, plan, plan.Content with { Reflection = "Typed on my phone" });
        var laptop = await SaveAsync(Student, studentId, plan, plan.Content with { Reflection = "Typed on my laptop" });

        var conflict = Assert.IsType<SaveOutcome.Conflict>(laptop);
        Assert.Equal(new PlanConflict("reflection", "Typed on my laptop", "Typed on my phone"), Assert.Single(conflict.Conflicts));
        Assert.Equal("Typed on my phone", (await OpenAsync(Student)).Plan.Content.Reflection);

        var resolved = PlanRules.Resolve(conflict.Merged, conflict.Conflicts);
        Assert.IsType<SaveOutcome.Saved>(await SaveAsync(Student, studentId, conflict.TheirVersion, conflict.Theirs, resolved));
        Assert.Equal("Typed on my laptop", (await OpenAsync(Student)).Plan.Content.Reflection);
    }

    [Fact]
    public async Task Parallel_saves_never_lose_an_edit()
    {
        var (studentId, plan) = await OpenAsync(Student);
        var goals = plan.Content.Goals;

        // Each editor changes a different goal's strategy at the same moment.
        var saves = goals.Select((g, i) => Task.Run(() => SaveAsync(i % 2 == 0 ? Student : Advisor, studentId, plan,
            plan.Content with { Goals = [.. goals.Select(x => x.Id == g.Id ? x with { Strategy = $"Parallel {i}" } : x)] })));
        var outcomes = await Task.WhenAll(saves);

        Assert.All(outcomes, o => Assert.IsType<SaveOutcome.Saved>(o));
        var now = (await OpenAsync(Student)).Plan.Content.Goals;
        Assert.Equal(goals.Select((_, i) => $"Parallel {i}"), now.Select(g => g.Strategy));
    }

    [Fact]
    public async Task Student_and_advisor_typing_in_the_plan_text_at_once_lose_nothing_and_every_save_is_audited_and_in_history()
    {
        var (studentId, _) = await OpenAsync(Student);
        await SetStatusAsync(studentId, PlanStatus.Draft);
        var (_, plan) = await OpenAsync(Student);
        var auditBefore = await PlanEditAuditCountAsync(studentId);
        var (studentVersion, studentSeen) = (plan.Version, plan.Content);
        var (advisorVersion, advisorSeen) = (plan.Version, plan.Content);

        // Both autosave at the same moment, round after round, each from the version their own last save returned.
        for (var i = 0; i < 8; i++)
        {
            var byStudent = Task.Run(() => SaveAsync(Student, studentId, studentVersion, studentSeen, studentSeen with { Aspirations = $"Aspiration {i}" }));
            var byAdvisor = Task.Run(() => SaveAsync(Advisor, studentId, advisorVersion, advisorSeen, advisorSeen with { Reflection = $"Reflection {i}" }));
            var student = Assert.IsType<SaveOutcome.Saved>(await byStudent);
            var advisor = Assert.IsType<SaveOutcome.Saved>(await byAdvisor);
            Assert.Equal($"Aspiration {i}", student.Content.Aspirations);
            Assert.Equal($"Reflection {i}", advisor.Content.Reflection);
            (studentVersion, studentSeen) = (student.Version, student.Content);
            (advisorVersion, advisorSeen) = (advisor.Version, advisor.Content);
        }

        var (_, now) = await OpenAsync(Student);
        Assert.Equal("Aspiration 7", now.Content.Aspirations);
        Assert.Equal("Reflection 7", now.Content.Reflection);
        Assert.Equal(plan.Content.Goals.Count, now.Content.Goals.Count);
        Assert.Equal(auditBefore + 16, await PlanEditAuditCountAsync(studentId));
        // The newest revision's snapshot is exactly what the plan holds.
        var snapshot = (await fixture.QueryAsync<string>(
            "SELECT (snapshot->>'aspirations') || '|' || (snapshot->>'reflection') FROM plan_revisions WHERE plan_id = @p0 ORDER BY at DESC, id DESC LIMIT 1",
            plan.PlanId)).Single();
        Assert.Equal("Aspiration 7|Reflection 7", snapshot);
        await using var scope = await fixture.App.ScopeForAsync(Student);
        var history = await fixture.Service<PlanService>(scope).HistoryAsync(studentId);
        Assert.Contains(history, h => h.Role == Roles.Student && h.Changes.Any(c => c.Field == "aspirations" && c.To == "Aspiration 7"));
        Assert.Contains(history, h => h.Role == Roles.Advisor && h.Changes.Any(c => c.Field == "reflection" && c.To == "Reflection 7"));
    }

    [Fact]
    public async Task Every_save_is_in_the_history_and_quick_autosaves_by_one_person_coalesce()
    {
        var (studentId, plan) = await OpenAsync(Student);
        var before = await RevisionCountAsync(plan.PlanId);

        var first = Assert.IsType<SaveOutcome.Saved>(await SaveAsync(Student, studentId, plan, plan.Content with { Reflection = "I" }));
        var second = Assert.IsType<SaveOutcome.Saved>(await SaveAsync(Student, studentId, first.Version, first.Content, first.Content with { Reflection = "I learned" }));
        await SaveAsync(Advisor, studentId, second.Version, second.Content, second.Content with { Aspirations = "Marine biology" });

        Assert.Equal(before + 2, await RevisionCountAsync(plan.PlanId));
        await using var scope = await fixture.App.ScopeForAsync(Student);
        var history = await fixture.Service<PlanService>(scope).HistoryAsync(studentId);
        Assert.Equal(Roles.Advisor, history[0].Role);
        Assert.Contains(history[0].Changes, c => c.Field == "aspirations" && c.To == "Marine biology");
        Assert.Contains(history[1].Changes, c => c.Field == "reflection" && c.To == "I learned");
    }

    [Fact]
    public async Task Bad_input_gets_clear_messages_and_changes_nothing()
    {
        var (studentId, plan) = await OpenAsync(Student);
        var bad = plan.Content with
        {
            Goals = [.. plan.Content.Goals, new GoalContent(-1, "", "", "", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-3)), GoalStatus.NotStarted, [])],
        };

        var outcome = Assert.IsType<SaveOutcome.Invalid>(await SaveAsync(Student, studentId, plan, bad));

        Assert.Contains(outcome.Problems, p => p.Field == "goal:-1:title" && p.MessageKey == "Problem.GoalTitleRequired");
        Assert.Contains(outcome.Problems, p => p.Field == "goal:-1:target" && p.MessageKey == "Problem.TargetDateInPast");
        Assert.Equal(plan.Content.Goals.Count, (await OpenAsync(Student)).Plan.Content.Goals.Count);
    }

    [Fact]
    public async Task A_student_cannot_edit_another_students_plan_by_id()
    {
        var (mine, _) = await OpenAsync(Student);
        var other = (await fixture.QueryAsync<int>("SELECT student_id FROM learning_plans WHERE student_id <> @p0 ORDER BY student_id LIMIT 1", mine)).Single();
        var before = await fixture.QueryAsync<string>("SELECT aspirations FROM learning_plans WHERE student_id = @p0", other);

        var outcome = await SaveAsync(Student, other, 0, PlanContent.Empty, PlanContent.Empty with { Aspirations = "hacked" });

        Assert.Equal("NotFoundBody", Assert.IsType<SaveOutcome.Refused>(outcome).ErrorKey);
        Assert.Equal(before, await fixture.QueryAsync<string>("SELECT aspirations FROM learning_plans WHERE student_id = @p0", other));
        await using var scope = await fixture.App.ScopeForAsync(Student);
        Assert.Null(await fixture.Service<PlanService>(scope).GetAsync(other));
    }

    [Fact]
    public async Task A_guardian_reads_comments_and_acknowledges_their_childs_plan_but_cannot_edit_or_read_other_families()
    {
        var (studentId, _) = await OpenAsync(Student);
        await SetStatusAsync(studentId, PlanStatus.Active);
        await fixture.QueryAsync<int>("DELETE FROM plan_sign_offs WHERE plan_id IN (SELECT id FROM learning_plans WHERE student_id = @p0) RETURNING 1", studentId);
        await using var scope = await fixture.App.ScopeForAsync(Guardian);
        var plans = fixture.Service<PlanService>(scope);
        var editing = fixture.Service<PlanEditing>(scope);
        var view = (await plans.GetAsync(studentId))!.Plan!;
        Assert.False(view.CanEdit);

        Assert.IsType<SaveOutcome.Refused>(await editing.SaveAsync(studentId, view.Version, view.Content, view.Content with { Aspirations = "x" }));
        Assert.True((await editing.CommentAsync(studentId, null, "Proud of you!")).Succeeded);
        Assert.True((await editing.ActAsync(studentId, PlanAction.Acknowledge, null)).Succeeded);

        var otherFamily = (await fixture.QueryAsync<int>(
            "SELECT id FROM students WHERE id NOT IN (SELECT student_id FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id WHERE u.normalized_email = upper(@p0)) LIMIT 1", Guardian)).Single();
        Assert.Null(await plans.GetAsync(otherFamily));
        Assert.False((await editing.CommentAsync(otherFamily, null, "hi")).Succeeded);
    }

    [Fact]
    public async Task The_workflow_runs_from_submit_to_approval_with_every_sign_off_recorded()
    {
        var (studentId, plan) = await OpenAsync(Student);
        await SetStatusAsync(studentId, PlanStatus.Draft);

        Assert.True((await ActAsync(Student, studentId, PlanAction.Submit)).Succeeded);
        Assert.Equal("Problem.ReasonRequired", (await ActAsync(Advisor, studentId, PlanAction.RequestChanges, "")).ErrorKey);
        Assert.True((await ActAsync(Advisor, studentId, PlanAction.RequestChanges, "Add a date for goal 2")).Succeeded);
        Assert.Equal("Problem.NotYours", (await ActAsync(Guardian, studentId, PlanAction.Approve)).ErrorKey);
        Assert.True((await ActAsync(Student, studentId, PlanAction.Submit)).Succeeded);
        Assert.True((await ActAsync(Advisor, studentId, PlanAction.Approve)).Succeeded);
        Assert.True((await ActAsync(Guardian, studentId, PlanAction.Acknowledge)).Succeeded);
        Assert.Equal("Problem.AlreadyAcknowledged", (await ActAsync(Guardian, studentId, PlanAction.Acknowledge)).ErrorKey);

        var (_, after) = await OpenAsync(Advisor, studentId);
        Assert.Equal(PlanStatus.Active, after.Status);
        Assert.Equal(
            [PlanAction.Acknowledge, PlanAction.Approve, PlanAction.Submit, PlanAction.RequestChanges, PlanAction.Submit],
            after.SignOffs.Take(5).Select(s => s.Action));
        Assert.Equal("Add a date for goal 2", after.SignOffs[3].Note);
        Assert.NotEqual(plan.Version, after.Version);
    }

    [Fact]
    public async Task Script_typed_into_a_plan_is_stored_as_plain_text()
    {
        const string payload = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var (studentId, plan) = await OpenAsync(Student);

        Assert.IsType<SaveOutcome.Saved>(await SaveAsync(Student, studentId, plan, plan.Content with { Reflection = payload }));
        Assert.True((await ActAsync(Student, studentId, PlanAction.Acknowledge)).ErrorKey is not null);

        Assert.Equal(payload, (await OpenAsync(Student)).Plan.Content.Reflection);
    }

    private async Task<(int StudentId, PlanView Plan)> OpenAsync(string email, int? studentId = null)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        var plans = fixture.Service<PlanService>(scope);
        var id = studentId ?? await plans.MyStudentIdAsync()
            ?? (await fixture.QueryAsync<int>("SELECT id FROM students WHERE user_id = (SELECT id FROM users WHERE normalized_email = upper(@p0))", Student)).Single();
        var page = await plans.GetAsync(id);
        return (id, page!.Plan!);
    }

    private Task<SaveOutcome> SaveAsync(string email, int studentId, PlanView plan, PlanContent mine) =>
        SaveAsync(email, studentId, plan.Version, plan.Content, mine);

    private async Task<SaveOutcome> SaveAsync(string email, int studentId, uint version, PlanContent original, PlanContent mine)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        return await fixture.Service<PlanEditing>(scope).SaveAsync(studentId, version, original, mine);
    }

    private async Task<Web.Infrastructure.Result> ActAsync(string email, int studentId, PlanAction action, string? note = null)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        return await fixture.Service<PlanEditing>(scope).ActAsync(studentId, action, note);
    }

    private async Task<long> RevisionCountAsync(int planId) =>
        (await fixture.QueryAsync<long>("SELECT count(*) FROM plan_revisions WHERE plan_id = @p0", planId)).Single();

    private async Task<long> PlanEditAuditCountAsync(int studentId) =>
        (await fixture.QueryAsync<long>("SELECT count(*) FROM access_audit WHERE student_id = @p0 AND action = 'plan-edit'", studentId)).Single();

    private async Task SetStatusAsync(int studentId, PlanStatus status)
    {
        await using var db = fixture.OwnerContext();
        await db.Plans.Where(p => p.StudentId == studentId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, status));
    }
}
