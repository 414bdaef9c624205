using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Advisory;

/// <summary>
/// The advisor's one screen: today's check-in per student, recorded with the keyboard. A row keeps an unsaved
/// draft; digits set the mood, G cycles plan goals, A/E/P set attendance, H toggles "needs help", Enter saves and
/// moves to the next student (2 keystrokes for a typical student).
/// </summary>
public partial class AdvisoryPage
{
    private readonly Dictionary<int, ElementReference> rowRefs = [];
    private readonly Dictionary<int, RowDraft> drafts = [];
    private int? focusedId;
    private int? focusNext;
    private int? detailsId;

    [PersistentState]
    public AdvisoryBoardModel? Model { get; set; }

    private int CheckedIn => Model?.Rows.Count(r => r.Today is { WaitingForAdvisor: false }) ?? 0;

    protected override async Task OnInitializedAsync() => Model ??= await CheckIns.BoardAsync();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (focusNext is { } id && rowRefs.TryGetValue(id, out var element))
        {
            focusNext = null;
            await element.FocusAsync();
        }
    }

    private async Task ReloadAsync(StudentChanged change)
    {
        Model = await CheckIns.BoardAsync(evaluate: false);
        foreach (var id in drafts.Where(d => !d.Value.Dirty).Select(d => d.Key).ToList())
        {
            drafts.Remove(id);
        }
    }

    internal RowDraft DraftFor(BoardRow row)
    {
        if (!drafts.TryGetValue(row.StudentId, out var draft))
        {
            drafts[row.StudentId] = draft = RowDraft.From(row);
        }
        return draft;
    }

    private string RowClass(BoardRow row) =>
        (row.StudentId == focusedId ? "board-row board-row-focused" : "board-row") + (row.OpenFlags.Count > 0 ? " board-row-flagged" : "");

    private string StatusText(BoardRow row, RowDraft draft) =>
        draft.Dirty ? T["Adv.Unsaved"]
        : row.Today is null ? T["Adv.NotYet"]
        : row.Today.WaitingForAdvisor ? T["Adv.Waiting"]
        : T[$"Attendance.{row.Today.Attendance}"];

    private string RowLabel(BoardRow row, RowDraft draft) =>
        T["Adv.RowLabel", row.Name, StatusText(row, draft)];

    private async Task KeyAsync(KeyboardEventArgs e, BoardRow row)
    {
        if (Model is null || !Model.IsSchoolDay || e.CtrlKey || e.AltKey || e.MetaKey)
        {
            return;
        }
        var draft = DraftFor(row);
        var index = Model.Rows.ToList().FindIndex(r => r.StudentId == row.StudentId);
        switch (e.Key)
        {
            case "1" or "2" or "3" or "4" or "5":
                draft.Mood = e.Key[0] - '0';
                draft.Attendance = CheckInAttendance.Present;
                draft.Dirty = true;
                break;
            case "g" or "G":
                draft.NextGoal();
                break;
            case "a" or "A":
                draft.SetAttendance(CheckInAttendance.Absent);
                break;
            case "e" or "E":
                draft.SetAttendance(CheckInAttendance.Excused);
                break;
            case "p" or "P":
                draft.SetAttendance(CheckInAttendance.Present);
                break;
            case "h" or "H":
                draft.NeedsHelp = !draft.NeedsHelp;
                draft.Dirty = true;
                break;
            case "d" or "D":
                detailsId = row.StudentId;
                break;
            case "ArrowDown" when index < Model.Rows.Count - 1:
                focusNext = Model.Rows[index + 1].StudentId;
                break;
            case "ArrowUp" when index > 0:
                focusNext = Model.Rows[index - 1].StudentId;
                break;
            case "Enter":
                await SaveRowAsync(row, draft, index);
                break;
        }
    }

    private async Task SaveRowAsync(BoardRow row, RowDraft draft, int index)
    {
        var input = draft.ToInput(row, Model!.Today);
        var result = await CheckIns.SaveAsync(input);
        if (!result.Ok)
        {
            Snackbar.Add(T[result.ErrorKey!], Severity.Warning);
            return;
        }
        Saved(row, input);
        if (index < Model.Rows.Count - 1)
        {
            focusNext = Model.Rows[index + 1].StudentId;
        }
    }

    /// <summary>Shows the saved check-in at once; the change feed brings the same on the next reload.</summary>
    private void Saved(BoardRow row, CheckInInput input)
    {
        if (input.Day == Model!.Today)
        {
            var today = new TodayCheckIn(input.Attendance, input.Mood, input.TodayGoal, input.Progress, input.NeedsHelp,
                input.HelpWith, input.AdvisorNote, input.AdvisorNoteShared, false);
            Model = Model with { Rows = [.. Model.Rows.Select(r => r.StudentId == row.StudentId ? r with { Today = today } : r)] };
        }
        drafts.Remove(row.StudentId);
    }

    private Task DetailsSavedAsync(CheckInInput input)
    {
        if (Model?.Rows.FirstOrDefault(r => r.StudentId == input.StudentId) is { } row)
        {
            Saved(row, input);
            Snackbar.Add(T["Adv.SavedFor", row.Name], Severity.Success);
            focusNext = row.StudentId;
        }
        detailsId = null;
        return Task.CompletedTask;
    }

    private Task CloseDetailsAsync()
    {
        focusNext = detailsId;
        detailsId = null;
        return Task.CompletedTask;
    }
}

/// <summary>A row's unsaved check-in on the advisor's board.</summary>
public sealed class RowDraft
{
    public CheckInAttendance Attendance { get; set; } = CheckInAttendance.Present;
    public int? Mood { get; set; }
    public List<string> GoalChoices { get; } = [];
    public int GoalIndex { get; set; }
    public bool NeedsHelp { get; set; }
    public bool Dirty { get; set; }

    public string Goal => GoalChoices.Count == 0 ? "" : GoalChoices[GoalIndex];

    public static RowDraft From(BoardRow row)
    {
        var draft = new RowDraft();
        if (row.Today is { TodayGoal: not "" } today && !row.Goals.Any(g => g.Title == today.TodayGoal))
        {
            draft.GoalChoices.Add(today.TodayGoal);
        }
        draft.GoalChoices.AddRange(row.Goals.Select(g => g.Title));
        if (row.Today is { } t)
        {
            draft.Attendance = t.Attendance;
            draft.Mood = t.Mood;
            draft.NeedsHelp = t.NeedsHelp;
            draft.GoalIndex = Math.Max(0, draft.GoalChoices.IndexOf(t.TodayGoal));
        }
        return draft;
    }

    public void NextGoal()
    {
        if (GoalChoices.Count > 0)
        {
            GoalIndex = (GoalIndex + 1) % GoalChoices.Count;
            Dirty = true;
        }
    }

    public void SetAttendance(CheckInAttendance attendance)
    {
        Attendance = attendance;
        Dirty = true;
    }

    public CheckInInput ToInput(BoardRow row, DateOnly day) => new()
    {
        StudentId = row.StudentId,
        Day = day,
        Attendance = Attendance,
        Mood = Attendance == CheckInAttendance.Present ? Mood : null,
        TodayGoal = Attendance == CheckInAttendance.Present ? Goal : "",
        NeedsHelp = Attendance == CheckInAttendance.Present && NeedsHelp,
        HelpWith = row.Today?.HelpWith ?? "",
        Progress = row.Today?.Progress ?? "",
        AdvisorNote = row.Today?.AdvisorNote ?? "",
        AdvisorNoteShared = row.Today?.AdvisorNoteShared ?? false,
    };
}
