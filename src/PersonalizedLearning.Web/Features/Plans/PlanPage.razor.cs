using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.Plans;

/// <summary>
/// The plan page's editor: autosaves 1.2 s after the last keystroke; a save that meets someone else's changes merges
/// them field by field, and fields both people changed are shown side by side for the editor to choose.
/// </summary>
public sealed partial class PlanPage : IDisposable
{
    private static readonly TimeSpan AutosaveDelay = TimeSpan.FromMilliseconds(1200);

    private readonly SemaphoreSlim saving = new(1, 1);
    private CancellationTokenSource? pendingSave;
    private PlanForm? form;
    private PlanContent original = PlanContent.Empty;
    private uint version;
    private DateOnly today;
    private TimeZoneInfo zone = TimeZoneInfo.Utc;
    private bool loaded;
    private SaveState state = SaveState.Idle;
    private DateTimeOffset? savedAt;
    private string? saveError;
    private Dictionary<string, string> problems = [];
    private SaveOutcome.Conflict? conflict;
    private Dictionary<string, bool> keepMine = [];
    private IReadOnlyList<RevisionView>? history;
    private string? actionError;
    private bool requestingChanges;
    private string changeReason = "";
    private string newComment = "";
    private int? commentGoalId;
    private string? commentError;

    // The one goal or milestone whose editors are shown ("goal:{id}", "milestone:{id}"); the others read as text.
    private string? editing;

    private enum SaveState
    {
        Idle,
        Pending,
        Saving,
        Saved,
        Failed,
    }

    [Parameter]
    public int? StudentId { get; set; }

    [PersistentState]
    public PlanPageModel? Model { get; set; }

    [Inject]
    private PlanService Plans { get; set; } = default!;

    [Inject]
    private PlanEditing Editing { get; set; } = default!;

    [Inject]
    private DistrictClock Clock { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private IStringLocalizer<Text> L { get; set; } = default!;

    private PlanView? Plan => Model?.Plan;

    private bool Dirty => state is SaveState.Pending or SaveState.Saving or SaveState.Failed || conflict is not null;

    protected override async Task OnParametersSetAsync()
    {
        zone = await Clock.TimeZoneAsync();
        today = Clock.Today(zone);
        var id = StudentId ?? await Plans.MyStudentIdAsync();
        if (id is null)
        {
            loaded = true;
            return;
        }
        if (Model?.StudentId != id)
        {
            Model = await Plans.GetAsync(id.Value);
        }
        ResetForm();
        loaded = true;
    }

    private void ResetForm()
    {
        if (Plan is { } plan)
        {
            original = plan.Content;
            version = plan.Version;
            form = PlanForm.From(plan.Content);
            problems = [];
        }
    }

    /// <summary>Someone changed this student: refresh what is shown; unsaved typing stays and merges on the next save.</summary>
    private async Task OnStudentChangedAsync(StudentChanged change)
    {
        var fresh = await Plans.GetAsync(Model!.StudentId);
        if (fresh is null)
        {
            Model = null;
            return;
        }
        var wasDirty = Dirty;
        Model = fresh;
        if (!wasDirty)
        {
            ResetForm();
        }
        if (history is not null)
        {
            history = await Plans.HistoryAsync(Model.StudentId);
        }
    }

    private void Changed()
    {
        state = SaveState.Pending;
        pendingSave?.Cancel();
        pendingSave?.Dispose();
        pendingSave = new CancellationTokenSource();
        _ = SaveSoonAsync(pendingSave.Token);
    }

    private async Task SaveSoonAsync(CancellationToken token)
    {
        try
        {
            await Task.Delay(AutosaveDelay, token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await InvokeAsync(SaveNowAsync);
    }

    /// <summary>Saves what is typed now (also called before a workflow step).</summary>
    private async Task SaveNowAsync()
    {
        if (form is null || Plan is null || conflict is not null)
        {
            return;
        }
        await saving.WaitAsync();
        try
        {
            if (state is not (SaveState.Pending or SaveState.Failed))
            {
                return;
            }
            state = SaveState.Saving;
            StateHasChanged();
            var sent = form.ToContent(today);
            var outcome = await Editing.SaveAsync(Plan.StudentId, version, original, sent);
            Apply(outcome, sent);
        }
        catch (Exception) when (form is not null)
        {
            // The database may be unreachable for a moment: keep everything typed and try again shortly.
            state = SaveState.Failed;
            saveError = L["SaveFailedRetrying"];
            pendingSave = new CancellationTokenSource();
            _ = RetryLaterAsync(pendingSave.Token);
        }
        finally
        {
            saving.Release();
        }
        StateHasChanged();
    }

    private async Task RetryLaterAsync(CancellationToken token)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await InvokeAsync(SaveNowAsync);
    }

    private void Apply(SaveOutcome outcome, PlanContent sent)
    {
        saveError = null;
        switch (outcome)
        {
            case SaveOutcome.Saved saved:
                var typedSince = PlanRules.Renumber(form!.ToContent(today), saved.GoalIds, saved.MilestoneIds);
                var sentRenumbered = PlanRules.Renumber(sent, saved.GoalIds, saved.MilestoneIds);
                // Keep what was typed while saving; take everything else from what the server now holds.
                var (merged, clashes) = PlanRules.Merge(sentRenumbered, typedSince, saved.Content);
                var next = PlanRules.Resolve(merged, clashes);
                original = saved.Content;
                version = saved.Version;
                form = PlanForm.From(next);
                editing = Renumbered(editing, saved.GoalIds, saved.MilestoneIds);
                problems = [];
                savedAt = Clock.Time.GetUtcNow();
                state = PlanRules.Changes(saved.Content, next).Count > 0 ? SaveState.Pending : SaveState.Saved;
                if (state == SaveState.Pending)
                {
                    Changed();
                }
                if (saved.MergedOthersChanges)
                {
                    Snackbar.Add(L["MergedOthersChanges"], Severity.Info);
                }
                break;
            case SaveOutcome.Conflict c:
                conflict = c;
                keepMine = c.Conflicts.ToDictionary(x => x.Field, _ => true);
                state = SaveState.Failed;
                saveError = L["ConflictSummary", c.ChangedBy ?? L["SomeoneElse"], Time(c.ChangedAt)];
                break;
            case SaveOutcome.Invalid invalid:
                problems = invalid.Problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => L[g.First().MessageKey, g.First().Arguments].Value);
                editing = ItemToFix(problems.Keys, editing);
                state = SaveState.Failed;
                saveError = L["FixHighlighted"];
                break;
            case SaveOutcome.Refused refused:
                state = SaveState.Failed;
                saveError = L[refused.ErrorKey];
                break;
        }
    }

    /// <summary>The editor chose per field: save the result on top of the other person's version.</summary>
    private async Task ResolveConflictAsync()
    {
        var c = conflict!;
        var chosen = PlanRules.Resolve(c.Merged, c.Conflicts.Where(x => keepMine.GetValueOrDefault(x.Field)));
        conflict = null;
        original = c.Theirs;
        version = c.TheirVersion;
        form = PlanForm.From(chosen);
        state = SaveState.Pending;
        await SaveNowAsync();
    }

    private async Task ActAsync(PlanAction action, string? note = null)
    {
        actionError = null;
        pendingSave?.Cancel();
        await SaveNowAsync();
        if (state == SaveState.Failed)
        {
            actionError = saveError;
            return;
        }
        var result = await Editing.ActAsync(Plan!.StudentId, action, note);
        if (!result.Succeeded)
        {
            actionError = L[result.ErrorKey!, result.Arguments];
            return;
        }
        requestingChanges = false;
        changeReason = "";
        Snackbar.Add(L[$"PlanAction.{action}.Done"], Severity.Success);
        Model = await Plans.GetAsync(Plan.StudentId);
        ResetForm();
    }

    private async Task StartAsync()
    {
        var result = await Editing.StartAsync(Model!.StudentId);
        if (!result.Succeeded)
        {
            actionError = L[result.ErrorKey!, result.Arguments];
            return;
        }
        Model = await Plans.GetAsync(Model.StudentId);
        ResetForm();
    }

    private async Task CommentAsync()
    {
        commentError = null;
        var result = await Editing.CommentAsync(Plan!.StudentId, commentGoalId, newComment);
        if (!result.Succeeded)
        {
            commentError = L[result.ErrorKey!, result.Arguments];
            return;
        }
        newComment = "";
        Model = await Plans.GetAsync(Plan.StudentId);
        if (!Dirty)
        {
            ResetForm();
        }
    }

    private async Task LoadHistoryAsync() => history = await Plans.HistoryAsync(Model!.StudentId);

    private void AddGoal()
    {
        editing = $"goal:{form!.AddGoal(today.AddDays(42)).Id}";
        Changed();
    }

    private void RemoveGoal(GoalForm goal)
    {
        form!.Goals.Remove(goal);
        Changed();
    }

    private void AddMilestone()
    {
        editing = $"milestone:{form!.AddMilestone(today.AddDays(14)).Id}";
        Changed();
    }

    private void Edit(string? item) => editing = item;

    /// <summary>A new goal or milestone being edited keeps its editors open after its first save gives it an id.</summary>
    internal static string? Renumbered(string? item, IReadOnlyDictionary<int, int> goalIds, IReadOnlyDictionary<int, int> milestoneIds)
    {
        if (item?.Split(':') is not [var kind, var raw] || !int.TryParse(raw, CultureInfo.InvariantCulture, out var id))
        {
            return item;
        }
        var ids = kind == "goal" ? goalIds : milestoneIds;
        return ids.TryGetValue(id, out var saved) ? $"{kind}:{saved}" : item;
    }

    /// <summary>After a refused save, open the item the first problem is about (unless the open one has a problem).</summary>
    internal static string? ItemToFix(IEnumerable<string> problemFields, string? open)
    {
        var items = problemFields.Select(f => f.Split(':')).Where(p => p.Length == 3).Select(p => $"{p[0]}:{p[1]}").ToList();
        return open is not null && items.Contains(open) ? open : items.FirstOrDefault() ?? open;
    }

    private void RemoveMilestone(MilestoneForm milestone)
    {
        form!.Milestones.Remove(milestone);
        Changed();
    }

    private string? Problem(string field) => problems.GetValueOrDefault(field);

    private string Date(DateOnly? day) => day?.ToString("d", CultureInfo.CurrentCulture) ?? "—";

    /// <summary>A moment in the district's time zone, formatted for the reader's culture.</summary>
    private string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("g", CultureInfo.CurrentCulture);

    private string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("t", CultureInfo.CurrentCulture);

    private PlanText Texts => new(L, Plan?.Content ?? PlanContent.Empty, Plan?.StandardOptions ?? []);

    public void Dispose()
    {
        pendingSave?.Cancel();
        pendingSave?.Dispose();
        saving.Dispose();
    }
}
