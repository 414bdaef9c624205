using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Mastery;

public static class MasteryExport
{
    /// <summary>Students as rows, standards as columns: each cell is "score level" (empty when no evidence yet).</summary>
    public static ExportTable Grid(SectionGrid grid, string studentHeader)
    {
        var cells = grid.Cells.ToDictionary(c => (c.StudentId, c.StandardId));
        var rows = grid.Students.Select(student => (IReadOnlyList<object?>)
        [
            student.Name,
            .. grid.Standards.Select(s => cells.TryGetValue((student.Id, s.Id), out var c) && c.Score is { } score
                ? $"{score.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} {grid.LevelFor(score)?.Name}".TrimEnd()
                : null),
        ]).ToList();
        return new ExportTable(grid.SectionName, [studentHeader, .. grid.Standards.Select(s => s.Code)], rows);
    }
}
