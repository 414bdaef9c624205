using System.Globalization;
using System.IO.Compression;
using System.Text;
using nietras.SeparatedValues;

namespace PersonalizedLearning.Web.Features.Roster;

/// <summary>One data row of a roster CSV: its line number and the requested columns' values (null when empty).</summary>
internal readonly record struct CsvRow(int Line, string?[] Cells);

/// <summary>
/// A roster CSV read by header name: only the columns asked for are kept (in the order asked), the rest — including
/// unknown <c>metadata.*</c> columns — are ignored. A missing required column is a problem at line 1.
/// </summary>
internal sealed class CsvTable
{
    public required string File { get; init; }
    public required string[] Columns { get; init; }
    public required bool[] Present { get; init; }
    public List<CsvRow> Rows { get; } = [];

    public int Index(string column) => Array.IndexOf(Columns, column);

    public bool Has(string column) => Present[Index(column)];

    public static CsvTable? Read(
        ZipArchiveEntry entry, string[] required, string[] optional, RosterProblems problems, int maxRows,
        Action<int>? rowsRead, CancellationToken ct)
    {
        var file = entry.Name;
        string[] columns = [.. required, .. optional];
        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with
            {
                HasHeader = true,
                Unescape = true,
                Trim = SepTrim.Outer,
                DisableColCountCheck = true,
                CultureInfo = CultureInfo.InvariantCulture,
            }).From(entry.Open());
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or NotSupportedException)
        {
            problems.Add(file, 1, "", "Roster.Problem.Malformed");
            return null;
        }
        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                problems.Add(file, 1, "", "Roster.Problem.EmptyFile");
                return null;
            }
            var header = reader.Header.ColNames.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
            var index = new int[columns.Length];
            var present = new bool[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                index[c] = header.FindIndex(h => string.Equals(h, columns[c], StringComparison.OrdinalIgnoreCase));
                present[c] = index[c] >= 0;
                if (!present[c] && c < required.Length)
                {
                    problems.Add(file, 1, columns[c], "Roster.Problem.MissingColumn", columns[c]);
                }
            }
            var table = new CsvTable { File = file, Columns = columns, Present = present };
            if (present.Take(required.Length).Any(p => !p))
            {
                return table;
            }
            try
            {
                foreach (var row in reader)
                {
                    if (table.Rows.Count >= maxRows)
                    {
                        problems.Add(file, row.LineNumberFrom, "", "Roster.Problem.TooManyRows", maxRows.ToString("N0", CultureInfo.CurrentCulture));
                        return null;
                    }
                    var cells = new string?[columns.Length];
                    for (var c = 0; c < columns.Length; c++)
                    {
                        if (index[c] >= 0 && index[c] < row.ColCount)
                        {
                            var span = row[index[c]].Span;
                            cells[c] = span.IsEmpty ? null : span.ToString();
                        }
                    }
                    table.Rows.Add(new CsvRow(row.LineNumberFrom, cells));
                    if (table.Rows.Count % 10_000 == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        rowsRead?.Invoke(10_000);
                    }
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or NotSupportedException or DecoderFallbackException)
            {
                problems.Add(file, table.Rows.Count + 2, "", "Roster.Problem.Malformed");
                return null;
            }
            return table;
        }
    }
}

/// <summary>Collects every problem (the page shows them all; any problem means nothing is applied).</summary>
internal sealed class RosterProblems
{
    /// <summary>Enough to fix a file; beyond this the list says "and N more".</summary>
    public const int MaxListed = 1_000;

    public List<RosterProblem> List { get; } = [];
    public int Count { get; private set; }

    public void Add(string file, int line, string column, string key, params string[] arguments)
    {
        Count++;
        if (List.Count < MaxListed)
        {
            List.Add(new RosterProblem(file, line, column, key, arguments));
        }
    }
}
