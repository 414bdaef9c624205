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

    private IReadOnlyList<StandardColumn> Columns =>
        Model is null ? [] : group is null ? Model.Standards : [.. Model.Standards.Where(s => s.ParentId == group)];

    protected override async Task OnParametersSetAsync()
    {
        if (Model is null || Model.SectionId != SectionId || (FrameworkId is not null && FrameworkId != Model.FrameworkId))
        {
            group = null;
            Model = await Mastery.SectionGridAsync(SectionId, FrameworkId);
        }
        Index();
        loaded = true;
    }

    private GridCell? CellFor(int studentId, int standardId) => cells.GetValueOrDefault((studentId, standardId));

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
        StateHasChanged();
    }

    private async Task OpenEvidenceAsync(GridStudent student, StandardColumn standard)
    {
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
