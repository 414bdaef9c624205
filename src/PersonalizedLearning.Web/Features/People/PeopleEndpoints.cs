using System.Globalization;
using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.People;

public static class PeopleEndpoints
{
    /// <summary>GET /admin/audit.{csv|xlsx}?person=&amp;student=&amp;action=&amp;from=&amp;to=: the filtered audit log (at most 100,000 rows).</summary>
    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/audit.{format}", async (
                string format, string? person, string? student, string? action, DateOnly? from, DateOnly? to,
                HttpContext http, AuditViewerService audit, IStringLocalizer<Text> t) =>
            {
                if (!TableExport.IsFormat(format))
                {
                    return Results.NotFound();
                }
                var page = await audit.SearchAsync(Viewer.From(http.User), new AuditFilter(person, student, action, from, to), 0, 100_000, "audit-export", http.RequestAborted);
                if (page is null)
                {
                    return Results.NotFound();
                }
                var table = new ExportTable(t["Audit.Title"],
                    [t["Audit.When"], t["Audit.Who"], t["People.Roles"], t["Student"], "Student id", t["Audit.Action"], t["Audit.Outcome"]],
                    [.. page.Entries.Select(e => (IReadOnlyList<object?>)[e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC",
                        e.Who, e.Role, e.Student, e.StudentId, e.Action, t[$"Audit.{e.Outcome}"].Value])]);
                return await TableExport.FileAsync(table, format, "audit-log", http.RequestAborted);
            })
            .RequireAuthorization(Policies.DistrictAdmin);
        return app;
    }
}
