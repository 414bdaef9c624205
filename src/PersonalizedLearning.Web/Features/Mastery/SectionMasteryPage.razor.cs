using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// A teacher's section grid: the whole class × one framework's standards, from rollups only. Prerendered once (the
/// model persists into the interactive render) and re-read when the change feed reports evidence for the class.
/// </summary>
public sealed partial class SectionMasteryPage
{
    private bool loaded;
    private bool recording;
    private int? group;
    private int[] studentIds = [];
    private SectionGrid? indexed;
    private Dictionary<(int, int), GridCell> cells = [];
    private IReadOnlyList<FallingRow> falling = [];
    private GroupSuggestion? recordingGroup;
    private (SectionGrid? Model, int? Group, IReadOnlyList<GroupSuggestion> Groups) groups = (null, null, []);

    [Parameter]
    public int SectionId { get; set; }

    [SupplyParameterFromQuery(Name = "framework")]
    public int? FrameworkId { get; set; }

    [PersistentState]
    public SectionGrid? Model { get; set; }

    [Inject]
    private MasteryService Mastery { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    private (SectionGrid? Model, int? Group, IReadOnlyList<StandardColumn> Columns, Dictionary<int, GridCell?[]> Rows) shown = (null, null, [], []);

    /// <summary>The standards shown (all, or one group's), and each student's cells in that order: computed once per grid and filter.</summary>
    private IReadOnlyList<StandardColumn> Columns => Shown().Columns;

    private GridCell?[] RowCells(int studentId) => Shown().Rows.GetValueOrDefault(studentId) ?? [];

    private (SectionGrid? Model, int? Group, IReadOnlyList<StandardColumn> Columns, Dictionary<int, GridCell?[]> Rows) Shown()
    {
        if (!ReferenceEquals(shown.Model, Model) || shown.Group != group)
        {
            IReadOnlyList<StandardColumn> columns = Model is null ? [] : group is null ? Model.Standards : [.. Model.Standards.Where(s => s.ParentId == group)];
            var rows = Model?.Students.ToDictionary(s => s.Id, s => columns.Select(c => CellFor(s.Id, c.Id)).ToArray()) ?? [];
            shown = (Model, group, columns, rows);
        }
        return shown;
    }

    /// <summary>The level colours as CSS variables on the table (<c>--lv0</c>…), so a cell carries a class, not a style.</summary>
    private string? LevelColors => Model is null ? null
        : string.Join(';', Model.Levels.Take(MasteryGridRow.LevelClasses.Length).Select((l, i) => $"--lv{i}:{l.Color}"));

    protected override async Task OnParametersSetAsync()
    {
        if (Model is null || Model.SectionId != SectionId || (FrameworkId is not null && FrameworkId != Model.FrameworkId))
        {
            group = null;
            Model = await Mastery.SectionGridAsync(SectionId, FrameworkId);
            if (RendererInfo.IsInteractive)
            {
                await LoadFallingAsync();
            }
        }
        Index();
        loaded = true;
    }

    private GridCell? CellFor(int studentId, int standardId) => cells.GetValueOrDefault((studentId, standardId));

    private int AttentionCount =>
        Model is null ? 0 : Model.Attention.Select(a => a.StudentId).Union(falling.Select(f => f.StudentId)).Count();

    /// <summary>Small-group suggestions for the standards shown (recomputed only when the grid or the filter changes).</summary>
    private IReadOnlyList<GroupSuggestion> Groups
    {
        get
        {
            if (Model is null)
            {
                return [];
            }
            if (!ReferenceEquals(groups.Model, Model) || groups.Group != group)
            {
                groups = (Model, group, SmallGroups.Suggest(Model.Students, Columns, Model.Cells));
            }
            return groups.Groups;
        }
    }

    private FallingRow? FallingFor(int studentId) => falling.FirstOrDefault(f => f.StudentId == studentId);

    private string FallingText(FallingRow f) => string.Join("; ", new[]
    {
        f.FallingScores.Count > 0 ? T["Mastery.Attention.Falling", string.Join(", ", f.FallingScores)].Value : null,
        f.DroppedLevel.Count > 0 ? T["Mastery.Attention.DroppedLevel", MasteryTrend.LevelDropSchoolDays, string.Join(", ", f.DroppedLevel)].Value : null,
    }.OfType<string>());

    // The falling trend reads evidence, not rollups: loaded once the page is interactive, so the grid itself stays fast.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Model is not null)
        {
            await LoadFallingAsync();
            StateHasChanged();
        }
    }

    private async Task LoadFallingAsync() =>
        falling = Model is null ? [] : await Mastery.FallingAsync(SectionId, Model.FrameworkId) ?? [];

    private void Index()
    {
        if (ReferenceEquals(indexed, Model))
        {
            return;
        }
        indexed = Model;
        cells = Model?.Cells.ToDictionary(c => (c.StudentId, c.StandardId)) ?? [];
        var ids = Model?.Students.Select(s => s.Id).ToArray() ?? [];
        if (!ids.SequenceEqual(studentIds))
        {
            studentIds = ids;
        }
    }

    private void ChangeFramework(int frameworkId) =>
        Navigation.NavigateTo($"teacher/sections/{SectionId}?framework={frameworkId.ToString(CultureInfo.InvariantCulture)}");

    private async Task OnStudentChangedAsync(StudentChanged change) => await ReloadAsync();

    private async Task OnRecordedAsync() => await ReloadAsync();

    private async Task ReloadAsync()
    {
        if (Model is null)
        {
            return;
        }
        Model = await Mastery.SectionGridAsync(SectionId, Model.FrameworkId);
        Index();
        await LoadFallingAsync();
        StateHasChanged();
    }

    private async Task OpenEvidenceAsync((GridStudent Student, StandardColumn Standard) cell)
    {
        var (student, standard) = cell;
        var parameters = new DialogParameters<EvidenceDialog>
        {
            { d => d.StudentId, student.Id },
            { d => d.StandardId, standard.Id },
        };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true };
        var dialog = await Dialogs.ShowAsync<EvidenceDialog>($"{student.Name} · {standard.Code}", parameters, options);
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }
}
