using System.Globalization;
using System.Text;
using SpreadCheetah;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>A table as people download it: a header row, then rows of text and numbers (null for an empty cell).</summary>
public sealed record ExportTable(string Name, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// The one way every screen exports a table, to CSV or XLSX. Both are safe to open in a spreadsheet: a text cell that
/// starts with =, +, -, @, tab or carriage return gets a leading ' so it can never run as a formula.
/// Numbers stay numbers (CSV in the invariant culture, XLSX as numeric cells).
/// </summary>
public static class TableExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The formats a "/….{format}" export endpoint accepts.</summary>
    public static bool IsFormat(string format) => format is "csv" or "xlsx";

    /// <summary>Text neutralized against formula injection.</summary>
    public static string SafeText(string? value)
    {
        var text = value ?? "";
        return text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
    }

    /// <summary>One CSV field: formula-safe text with RFC 4180 quoting.</summary>
    public static string CsvField(object? value)
    {
        var text = value switch
        {
            null => "",
            string s => SafeText(s),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => SafeText(value.ToString()),
        };
        return text.IndexOfAny(['"', ',', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>UTF-8 with a byte order mark (so spreadsheet programs detect it), CRLF line ends.</summary>
    public static byte[] Csv(ExportTable table)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', table.Headers.Select(CsvField)).Append("\r\n");
        foreach (var row in table.Rows)
        {
            sb.AppendJoin(',', row.Select(CsvField)).Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    public static async Task<byte[]> XlsxAsync(ExportTable table, CancellationToken ct = default)
    {
        using var stream = new MemoryStream();
        await using (var sheet = await Spreadsheet.CreateNewAsync(stream, cancellationToken: ct))
        {
            await sheet.StartWorksheetAsync(SheetName(table.Name), token: ct);
            await sheet.AddRowAsync([.. table.Headers.Select(h => new Cell(SafeText(h)))], ct);
            foreach (var row in table.Rows)
            {
                await sheet.AddRowAsync([.. row.Select(XlsxCell)], ct);
            }
            await sheet.FinishAsync(ct);
        }
        return stream.ToArray();
    }

    /// <summary>The HTTP answer for "/….{format}": a download named "{fileName}.{format}".</summary>
    public static async Task<IResult> FileAsync(ExportTable table, string format, string fileName, CancellationToken ct = default) =>
        format switch
        {
            "csv" => Results.File(Csv(table), CsvType, fileName + ".csv"),
            "xlsx" => Results.File(await XlsxAsync(table, ct), XlsxType, fileName + ".xlsx"),
            _ => Results.NotFound(),
        };

    private static Cell XlsxCell(object? value) => value switch
    {
        null => new Cell((string?)null),
        int i => new Cell(i),
        long l => new Cell(l),
        decimal d => new Cell(d),
        double d => new Cell(d),
        bool b => new Cell(b),
        DateTime d => new Cell(d),
        DateOnly d => new Cell(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTimeOffset d => new Cell(d.UtcDateTime),
        string s => new Cell(SafeText(s)),
        _ => new Cell(SafeText(value.ToString())),
    };

    /// <summary>Worksheet names: at most 31 characters, none of : \ / ? * [ ].</summary>
    private static string SheetName(string name)
    {
        var clean = new string([.. name.Where(c => c is not (':' or '\\' or '/' or '?' or '*' or '[' or ']'))]).Trim();
        return clean.Length == 0 ? "Export" : clean[..Math.Min(31, clean.Length)];
    }
}
