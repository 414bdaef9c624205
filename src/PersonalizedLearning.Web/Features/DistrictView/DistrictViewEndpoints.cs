using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.DistrictView;

/// <summary>CSV/XLSX download of the district view (district admins only), formula-safe through TableExport.</summary>
public static class DistrictViewEndpoints
{
    public static IEndpointRouteBuilder MapDistrictViewExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/district/schools.{format}", async (string format, HttpContext http, DistrictViewService view, IStringLocalizer<Text> t) =>
            {
                if (!TableExport.IsFormat(format))
                {
                    return Results.NotFound();
                }
                var model = await view.ViewAsync(Viewer.From(http.User), http.RequestAborted);
                return model is null
                    ? Results.NotFound()
                    : await TableExport.FileAsync(Table(model, t), format, "district-schools", http.RequestAborted);
            })
            .RequireAuthorization(Policies.DistrictAdmin);
        return app;
    }

    public static ExportTable Table(DistrictViewModel m, IStringLocalizer<Text> t) =>
        new(t["District.Title"],
            [t["District.School"], t["Students"], t["District.MasteryPercent"], t["Band.Proficient"], t["Band.Developing"],
             t["Band.Beginning"], t["Band.NoLevelYet"], t["Dash.AtRisk"], t["Dash.OpenFlags"], t["Dash.WithoutAdvisor"],
             t["District.CheckInPercent"], t["District.ActivePlans"], t["District.OverdueGoals"]],
            [.. m.Schools.Select(s => (IReadOnlyList<object?>)(s.Suppressed
                ? [s.School, s.Students, t["Dash.Suppressed"].Value, null, null, null, null,
                   s.StudentsAtRisk, s.OpenFlags, s.WithoutAdvisor, s.CheckInPercent, s.ActivePlans, s.OverdueGoals]
                : [s.School, s.Students, s.MasteryPercent, s.Proficient, s.Developing, s.Beginning, s.NoLevelYet,
                   s.StudentsAtRisk, s.OpenFlags, s.WithoutAdvisor, s.CheckInPercent, s.ActivePlans, s.OverdueGoals]))]);
}
