using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Plans;

namespace PersonalizedLearning.UnitTests;

/// <summary>
/// The plan editor renders the editors of one goal or milestone at a time (every component costs each open circuit
/// memory): the others read as text with an Edit button.
/// </summary>
public class PlanEditorViewTests : BunitContext, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 30);

    public PlanEditorViewTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Render<MudPopoverProvider>();
    }

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    // xunit 2 disposes synchronously after DisposeAsync; the context is already disposed by then.
#pragma warning disable CA2215
    protected override void Dispose(bool disposing)
    {
    }
#pragma warning restore CA2215

    [Fact]
    public void Goals_and_milestones_read_as_text_until_one_is_opened_for_editing()
    {
        var (form, plan) = Plan(goals: 4, milestones: 3, options: 60);

        var cut = RenderEditor(form, plan, editing: null);

        // Only the plan's two free-text fields are editors; every goal has an Edit button naming it.
        Assert.Equal(2, cut.FindComponents<MudTextField<string>>().Count);
        Assert.Empty(cut.FindComponents<MudSelect<int>>());
        Assert.Empty(cut.FindComponents<MudDatePicker>());
        Assert.Equal(4, cut.FindAll("button[aria-label^='Edit goal: ']").Count);
        Assert.Equal(3, cut.FindAll("button[aria-label^='Edit milestone: ']").Count);
        Assert.Equal(["Goal 1", "Goal 2", "Goal 3", "Goal 4"], cut.FindAll("h3").Select(h => h.TextContent));

        cut = RenderEditor(form, plan, editing: $"goal:{form.Goals[1].Id}");

        // The opened goal's title, why, strategy (and the date picker's own text field), date, status and standards.
        Assert.Equal(6, cut.FindComponents<MudTextField<string>>().Count);
        Assert.Single(cut.FindComponents<MudSelect<int>>());
        Assert.Single(cut.FindComponents<MudDatePicker>());
        Assert.Contains(cut.FindAll("input"), i => i.GetAttribute("value") == "Goal 2");
        Assert.Equal(3, cut.FindAll("button[aria-label^='Edit goal: ']").Count);
    }

    [Fact]
    public void A_plan_with_closed_goals_keeps_few_components_per_circuit()
    {
        var (form, plan) = Plan(goals: 4, milestones: 3, options: 60);

        var closed = RenderEditor(form, plan, editing: null).FindComponents<IComponent>().Count;
        var oneOpen = RenderEditor(form, plan, editing: $"goal:{form.Goals[0].Id}").FindComponents<IComponent>().Count;

        // Every goal open at once (the editor before) rendered the standards list once per goal; now at most one does.
        Assert.True(closed <= 60, $"{closed} components with every goal closed");
        Assert.True(oneOpen - closed >= plan.StandardOptions.Count, $"{oneOpen} open vs {closed} closed");
    }

    [Fact]
    public async Task Edit_asks_the_page_to_open_that_goal_and_done_closes_it()
    {
        var (form, plan) = Plan(goals: 2, milestones: 1, options: 5);
        string? asked = "none";
        var cut = RenderEditor(form, plan, editing: null, onEdit: item => asked = item);

        await cut.Find($"button[aria-label='Edit goal: Goal 2']").ClickAsync(new());
        Assert.Equal($"goal:{form.Goals[1].Id}", asked);

        cut = RenderEditor(form, plan, editing: $"goal:{form.Goals[1].Id}", onEdit: item => asked = item);
        await cut.FindAll("button").First(b => b.TextContent.Contains("Done editing", StringComparison.Ordinal)).ClickAsync(new());
        Assert.Null(asked);
    }

    [Fact]
    public void A_goal_with_a_problem_says_so_while_closed()
    {
        var (form, plan) = Plan(goals: 2, milestones: 0, options: 5);
        var problems = new Dictionary<string, string> { [$"goal:{form.Goals[0].Id}:title"] = "Give the goal a title." };

        var cut = Render<PlanEditorView>(p => p
            .Add(c => c.Form, form).Add(c => c.Plan, plan).Add(c => c.Editable, true).Add(c => c.Today, Today)
            .Add(c => c.Problems, problems));

        Assert.Single(cut.FindAll("[data-testid=goal-needs-fix]"));
    }

    [Fact]
    public void A_new_goal_keeps_its_editors_open_after_its_first_save_gives_it_an_id()
    {
        Assert.Equal("goal:41", PlanPage.Renumbered("goal:-3", new Dictionary<int, int> { [-3] = 41 }, new Dictionary<int, int>()));
        Assert.Equal("milestone:7", PlanPage.Renumbered("milestone:-2", new Dictionary<int, int> { [-2] = 99 }, new Dictionary<int, int> { [-2] = 7 }));
        Assert.Equal("goal:5", PlanPage.Renumbered("goal:5", new Dictionary<int, int>(), new Dictionary<int, int>()));
        Assert.Null(PlanPage.Renumbered(null, new Dictionary<int, int>(), new Dictionary<int, int>()));
    }

    [Fact]
    public void A_refused_save_opens_the_item_to_fix_unless_the_open_one_has_a_problem()
    {
        Assert.Equal("goal:3", PlanPage.ItemToFix(["aspirations", "goal:3:title", "milestone:2:due"], open: null));
        Assert.Equal("milestone:2", PlanPage.ItemToFix(["goal:3:title", "milestone:2:due"], open: "milestone:2"));
        Assert.Equal("goal:3", PlanPage.ItemToFix(["goal:3:title"], open: "goal:9"));
        Assert.Equal("goal:9", PlanPage.ItemToFix(["goals"], open: "goal:9"));
    }

    private IRenderedComponent<PlanEditorView> RenderEditor(PlanForm form, PlanView plan, string? editing, Action<string?>? onEdit = null) =>
        Render<PlanEditorView>(p => p
            .Add(c => c.Form, form).Add(c => c.Plan, plan).Add(c => c.Editable, true).Add(c => c.Today, Today)
            .Add(c => c.Editing, editing)
            .Add(c => c.OnEdit, EventCallback.Factory.Create<string?>(this, item => onEdit?.Invoke(item))));

    private static (PlanForm Form, PlanView Plan) Plan(int goals, int milestones, int options)
    {
        var standards = Enumerable.Range(1, options).Select(i => new StandardOption(i, $"S.{i}", $"Statement {i}", "Framework")).ToList();
        var content = new PlanContent("Become an engineer", "Going well",
            [.. Enumerable.Range(1, goals).Select(i => new GoalContent(i, $"Goal {i}", $"Why {i}", $"How {i}", Today.AddDays(30), GoalStatus.InProgress, [i]))],
            [.. Enumerable.Range(1, milestones).Select(i => new MilestoneContent(100 + i, $"Milestone {i}", Today.AddDays(7 * i), null))]);
        var plan = new PlanView(1, "Maya Ortiz", 7, 1, "2026-27", PlanStatus.Draft, 1, DateTimeOffset.UnixEpoch, null, content,
            PlanActor.Student, CanEdit: true, [], CanComment: true, NeedsMyAcknowledgement: false, [], [], [], standards);
        return (PlanForm.From(content), plan);
    }
}
