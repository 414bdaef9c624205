using Microsoft.AspNetCore.Components;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>One row of the section grid; re-renders only when its student, columns, levels or cells changed.</summary>
public sealed partial class MasteryGridRow
{
    /// <summary>Cell classes for the first levels of a scale; the table sets <c>--lv0</c>… to the level colours.</summary>
    internal static readonly string[] LevelClasses = [.. Enumerable.Range(0, 12).Select(i => $"mastery-cell lv{i}")];

    private static readonly MarkupString Dash = new("<span aria-hidden=\"true\">–</span>");

    private GridStudent? shownStudent;
    private IReadOnlyList<StandardColumn>? shownColumns;
    private IReadOnlyList<LevelView>? shownLevels;
    private GridCell?[]? shownCells;
    private bool changed = true;

    [Parameter, EditorRequired]
    public GridStudent Student { get; set; } = default!;

    [Parameter, EditorRequired]
    public IReadOnlyList<StandardColumn> Columns { get; set; } = [];

    /// <summary>The student's rollups in column order (null: no rollup yet).</summary>
    [Parameter, EditorRequired]
    public GridCell?[] Cells { get; set; } = [];

    /// <summary>The framework's levels by ascending points.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<LevelView> Levels { get; set; } = [];

    [Parameter]
    public EventCallback<(GridStudent Student, StandardColumn Standard)> OnOpen { get; set; }

    private string NoEvidence => T["Mastery.NoEvidenceYet"].Value;

    private string NoLevel => T["Mastery.NoLevelYet"].Value;

    protected override void OnParametersSet()
    {
        changed = shownCells is null || shownStudent != Student
            || !(ReferenceEquals(shownColumns, Columns) || shownColumns!.SequenceEqual(Columns))
            || !(ReferenceEquals(shownLevels, Levels) || shownLevels!.SequenceEqual(Levels))
            || !shownCells.AsSpan().SequenceEqual(Cells);
        (shownStudent, shownColumns, shownLevels, shownCells) = (Student, Columns, Levels, Cells);
    }

    protected override bool ShouldRender() => changed;

    /// <summary>The index of the highest level whose points the score reaches; -1 without a level.</summary>
    private int LevelIndex(decimal? score)
    {
        var found = -1;
        if (score is { } value)
        {
            for (var i = 0; i < Levels.Count && value >= Levels[i].Points; i++)
            {
                found = i;
            }
        }
        return found;
    }
}
