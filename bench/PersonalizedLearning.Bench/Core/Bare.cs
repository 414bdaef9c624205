using System.Net;
using System.Text.RegularExpressions;
using Npgsql;

namespace PersonalizedLearning.Bench.Core;

/// <summary>The bare PostgreSQL references shared by several scenarios, and signing in over HTTP.</summary>
public static partial class Bare
{
    /// <summary>
    /// The section grid's cells straight from the indexes: the section's active enrollments joined to their rollups
    /// on the chosen framework's standards (enrollments by section, rollups by primary key).
    /// </summary>
    public const string GridSql = """
        SELECT r.student_id, r.standard_id, r.score, r.at_mastery, r.evidence_count, r.last_evidence_at
        FROM enrollments e
        JOIN mastery_rollups r ON r.student_id = e.student_id
        JOIN standards s ON s.id = r.standard_id AND s.framework_id = $2
        WHERE e.section_id = $1 AND e.active
        """;

    /// <summary>The framework of a section's grid (as the app picks it: that of the section's latest evidence).</summary>
    public static async Task<int> GridFrameworkAsync(NpgsqlConnection c, int sectionId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT s.framework_id FROM evidence e JOIN standards s ON s.id = e.standard_id
            WHERE e.section_id = $1 ORDER BY e.recorded_at DESC LIMIT 1
            """, c);
        cmd.Parameters.AddWithValue(sectionId);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Runs the bare grid query on an open connection (prepared) and reads every cell; returns the cell count.</summary>
    public static async Task<int> GridAsync(NpgsqlConnection c, int sectionId, int frameworkId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(GridSql, c);
        cmd.Parameters.AddWithValue(sectionId);
        cmd.Parameters.AddWithValue(frameworkId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var n = 0;
        while (await reader.ReadAsync(ct))
        {
            _ = reader.GetInt32(0);
            _ = reader.GetInt32(1);
            _ = reader.IsDBNull(2) ? 0m : reader.GetDecimal(2);
            _ = reader.GetBoolean(3);
            _ = reader.GetInt32(4);
            _ = reader.IsDBNull(5) ? default : reader.GetFieldValue<DateTimeOffset>(5);
            n++;
        }
        return n;
    }

    /// <summary>An HTTP client signed in through the real sign-in form (antiforgery token and all).</summary>
    public static async Task<HttpClient> SignedInClientAsync(Uri server, string email, string password, CancellationToken ct)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = server };
        var page = await client.GetStringAsync("/Account/Login", ct);
        var form = page[page.IndexOf("<form", StringComparison.Ordinal)..];
        form = form[..(form.IndexOf("</form>", StringComparison.Ordinal) + 7)];
        var fields = Input().Matches(form).Select(m => m.Value)
            .Where(tag => Attr(tag, "type") == "hidden" && Attr(tag, "name") is not null)
            .Select(tag => new KeyValuePair<string, string>(Attr(tag, "name")!, Attr(tag, "value") ?? ""))
            .ToList();
        fields.Add(new("Input.Email", email));
        fields.Add(new("Input.Password", password));
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields), ct);
        if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
        {
            throw new InvalidOperationException($"Sign-in as {email} answered {(int)response.StatusCode}, not a redirect");
        }
        return client;
    }

    private static string? Attr(string tag, string name)
    {
        var m = Regex.Match(tag, "\\s" + name + "=\"(?<v>[^\"]*)\"");
        return m.Success ? WebUtility.HtmlDecode(m.Groups["v"].Value) : null;
    }

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex Input();
}
