using System.Globalization;
using System.Text;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>CSV export of a grid, safe to open in a spreadsheet: formula-like cells are neutralized with a leading '.</summary>
public static class MasteryCsv
{
    /// <summary>One CSV field: a cell starting with =, +, -, @, tab or carriage return gets a leading ', then RFC 4180 quoting.</summary>
    public static string Field(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.IndexOfAny(['"', ',', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Field));

    /// <summary>Students as rows, standards as columns: each cell is "score level" (empty when no evidence yet).</summary>
    public static string Grid(SectionGrid grid, string studentHeader)
    {
        var sb = new StringBuilder();
        sb.Append(Line([studentHeader, .. grid.Standards.Select(s => s.Code)])).Append("\r\n");
        var cells = grid.Cells.ToDictionary(c => (c.StudentId, c.StandardId));
        foreach (var student in grid.Students)
        {
            var row = grid.Standards.Select(s => cells.TryGetValue((student.Id, s.Id), out var c) && c.Score is { } score
                ? $"{score.ToString("0.##", CultureInfo.InvariantCulture)} {grid.LevelFor(score)?.Name}".TrimEnd()
                : "");
            sb.Append(Line([student.Name, .. row])).Append("\r\n");
        }
        return sb.ToString();
    }
}
