using System.Text;
using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.Mastery;

public static class MasteryEndpoints
{
    /// <summary>GET /teacher/sections/{id}/mastery.csv?framework=: the section grid as CSV (teachers, own sections).</summary>
    public static IEndpointRouteBuilder MapMasteryExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/teacher/sections/{sectionId:int}/mastery.csv", async (
                int sectionId, int? framework, HttpContext http, MasteryService mastery, IStringLocalizer<Text> t) =>
            {
                var grid = await mastery.SectionGridAsync(Viewer.From(http.User), sectionId, framework, http.RequestAborted);
                if (grid is null)
                {
                    return Results.NotFound();
                }
                var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(MasteryCsv.Grid(grid, t["Student"]))).ToArray();
                return Results.File(bytes, "text/csv; charset=utf-8", $"mastery-section-{sectionId}.csv");
            })
            .RequireAuthorization(Policies.Teacher);

        // Bulk evidence import: the template CSV (teachers and district admins).
        app.MapGet("/evidence/import/template.csv", async (HttpContext http, EvidenceImportService import) =>
            {
                var csv = await import.TemplateAsync(Viewer.From(http.User), http.RequestAborted);
                return Results.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "evidence-import-template.csv");
            })
            .RequireAuthorization(p => p.RequireRole(Domain.Roles.Teacher, Domain.Roles.DistrictAdmin));
        return app;
    }
}
