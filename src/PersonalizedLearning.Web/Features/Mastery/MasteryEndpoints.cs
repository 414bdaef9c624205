using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.Mastery;

public static class MasteryEndpoints
{
    /// <summary>GET /teacher/sections/{id}/mastery.{csv|xlsx}?framework=: the section grid (teachers, own sections).</summary>
    public static IEndpointRouteBuilder MapMasteryExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/teacher/sections/{sectionId:int}/mastery.{format}", async (
                int sectionId, string format, int? framework, HttpContext http, MasteryService mastery, IStringLocalizer<Text> t) =>
            {
                if (!TableExport.IsFormat(format))
                {
                    return Results.NotFound();
                }
                var grid = await mastery.SectionGridAsync(Viewer.From(http.User), sectionId, framework, http.RequestAborted);
                return grid is null
                    ? Results.NotFound()
                    : await TableExport.FileAsync(MasteryExport.Grid(grid, t["Student"]), format, $"mastery-section-{sectionId}", http.RequestAborted);
            })
            .RequireAuthorization(Policies.Teacher);
        return app;
    }
}
