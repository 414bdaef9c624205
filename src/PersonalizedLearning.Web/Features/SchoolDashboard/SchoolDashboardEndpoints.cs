using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.SchoolDashboard;

/// <summary>CSV/XLSX downloads of every dashboard table and of the drill-down list, scoped exactly like the pages.</summary>
public static class SchoolDashboardEndpoints
{
    /// <summary>Principals (own school) and district admins (any school of their district; the service checks which).</summary>
    private static readonly Microsoft.AspNetCore.Authorization.AuthorizationPolicy SchoolLeaders =
        new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireRole(Roles.Principal, Roles.DistrictAdmin).Build();

    public static IEndpointRouteBuilder MapSchoolDashboardExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/principal/dashboard/{table}.{format}", async (
                string table, string format, HttpContext http, SchoolDashboardService dashboard, IStringLocalizer<Text> t) =>
            {
                if (!TableExport.IsFormat(format))
                {
                    return Results.NotFound();
                }
                int? school = int.TryParse(http.Request.Query["school"], out var id) ? id : null;
                var model = await dashboard.DashboardAsync(Viewer.From(http.User), school, http.RequestAborted);
                var export = model is null ? null : Table(model, table, t);
                return export is null
                    ? Results.NotFound()
                    : await TableExport.FileAsync(export, format, $"school-{table}", http.RequestAborted);
            })
            .RequireAuthorization(SchoolLeaders);

        app.MapGet("/principal/students.{format}", async (
                string format, HttpContext http, SchoolDashboardService dashboard, IStringLocalizer<Text> t) =>
            {
                var filter = StudentFilterQuery.Parse(k => http.Request.Query.TryGetValue(k, out var v) ? v.ToString() : null);
                if (!TableExport.IsFormat(format) || filter is null)
                {
                    return Results.NotFound();
                }
                var page = await dashboard.AllStudentsAsync(Viewer.From(http.User), filter, http.RequestAborted);
                if (page is null)
                {
                    return Results.NotFound();
                }
                var table = page.Suppressed
                    ? new ExportTable(t["Dash.StudentsTitle"], [t["Student"]], [[t["Dash.Suppressed"].Value]])
                    : new ExportTable(t["Dash.StudentsTitle"],
                        [t["Student"], t["Dash.StudentNumber"], t["Dash.Grade"], t["Coverage.Advisory"], t["Dash.Level"], t["Dash.OpenFlags"], t["Dash.Plan"]],
                        [.. page.Students.Select(s => (IReadOnlyList<object?>)[s.Name, s.StudentNumber, s.GradeLevel, s.Advisory,
                            t[$"Band.{s.Band}"].Value, s.OpenFlags, t[$"PlanStatus.{s.Plan?.ToString() ?? "None"}"].Value])]);
                return await TableExport.FileAsync(table, format, "school-students", http.RequestAborted);
            })
            .RequireAuthorization(SchoolLeaders);
        return app;
    }

    private static readonly MasteryBand[] Bands = [MasteryBand.Proficient, MasteryBand.Developing, MasteryBand.Beginning, MasteryBand.NoLevelYet];

    /// <summary>One dashboard table as exported; suppressed groups say so instead of giving numbers.</summary>
    public static ExportTable? Table(SchoolDashboardModel m, string table, IStringLocalizer<Text> t)
    {
        ExportTable BandTable(string title, string dimension, IReadOnlyList<BandRow> rows, Func<BandRow, string> label) =>
            new(title, [dimension, t["Students"], .. Bands.Select(b => t[$"Band.{b}"].Value)],
                [.. rows.Select(r => (IReadOnlyList<object?>)(r.Suppressed
                    ? [label(r), t["Dash.Suppressed"].Value, .. Bands.Select(_ => (object?)null)]
                    : [label(r), r.Students, .. Bands.Select(b => (object?)r.Count(b))]))]);
        return table switch
        {
            "grades" => BandTable(t["Dash.ByGrade"], t["Dash.Grade"], m.ByGrade, r => t["GradeN", r.Label]),
            "groups" => BandTable(t["Dash.ByGroup"], t["Dash.Group"], m.ByGroup, r => t[r.Label]),
            "areas" => BandTable(t["Dash.ByArea"], t["Dash.Area"], m.ByArea, r => r.Label),
            "flags" => new ExportTable(t["Dash.AtRisk"], [t["Dash.Rule"], t["Students"], t["Dash.OpenFlags"]],
                [.. m.OpenFlags.Select(r => (IReadOnlyList<object?>)[t[$"Flag.{r.Rule}"].Value, r.Students, r.Flags])]),
            "plans" => new ExportTable(t["Dash.Plans"], [t["Dash.Status"], t["Students"]],
                [.. m.Plans.Select(p => (IReadOnlyList<object?>)[t[$"PlanStatus.{p.Key}"].Value, p.Value]),
                 [t["PlanStatus.None"].Value, m.StudentsWithoutPlan]]),
            "checkins" => new ExportTable(t["Dash.CheckIns"], [t["Coverage.Advisory"], t["Advisor"], t["Dash.Members"], t["Dash.Done"], t["Dash.Expected"], t["Dash.Rate"]],
                [.. m.CheckIns.Select(a => (IReadOnlyList<object?>)[a.Advisory, a.Advisor, a.Members, a.Done, a.Expected, a.Percent])]),
            "activity" => new ExportTable(t["Dash.Activity"], [t["Dash.Section"], t["Teachers"], .. m.ActivityWeeks.Select(w => w.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), t["Dash.Total"]],
                [.. m.Activity.Select(s => (IReadOnlyList<object?>)[s.Section, s.Teachers, .. s.PerWeek.Select(n => (object?)n), s.Total])]),
            "trend" => new ExportTable(t["Dash.FlagTrend"], [t["Dash.WeekOf", ""], t["Dash.Flags"]],
                [.. m.FlagTrend.Select(w => (IReadOnlyList<object?>)[w.Week, w.Count])]),
            _ => null,
        };
    }
}
