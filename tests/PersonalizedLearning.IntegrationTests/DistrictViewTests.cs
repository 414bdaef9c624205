using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.DistrictView;
using PersonalizedLearning.Web.Features.SchoolDashboard;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>
/// The district view over the small hand-computed school (see SmallSchool.cs) plus the demo district: the pre-aggregated
/// numbers, the refresh (once across nodes), and who may open which school's dashboard.
/// </summary>
public partial class DistrictViewTests(SmallSchoolFixture fixture) : IClassFixture<SmallSchoolFixture>
{
    private static readonly string Admin = AppFixture.DemoEmail(Roles.DistrictAdmin);

    private async Task<DistrictViewModel> RefreshedViewAsync()
    {
        await using var scope = await fixture.App.ScopeForAsync(Admin);
        var view = fixture.Service<DistrictViewService>(scope);
        Assert.True((await view.RefreshNowAsync()).Succeeded);
        return (await view.ViewAsync())!;
    }

    [Fact]
    public async Task Numbers_match_the_hand_computed_small_school()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var m = await RefreshedViewAsync();
        var small = m.Schools.Single(s => s.SchoolId == fixture.SchoolId);

        Assert.Equal("Small Test School", small.School);
        Assert.Equal(25, small.Students);
        // Students 0–4 proficient, 5–9 beginning, 10–14 no level yet, 15–24 developing.
        Assert.Equal((5, 10, 5, 5), (small.Proficient, small.Developing, small.Beginning, small.NoLevelYet));
        // Rollups: 5×3 + 5×3 + 10×3 = 60 assessed; 15 + 5 + 20 = 40 at mastery.
        Assert.Equal((60, 40), (small.RollupsAssessed, small.RollupsAtMastery));
        Assert.Equal(66.7, small.MasteryPercent);
        Assert.Equal(20.0, small.ProficientPercent);
        Assert.Equal((3, 4), (small.StudentsAtRisk, small.OpenFlags));
        Assert.Equal(5, small.WithoutAdvisor);
        Assert.Equal((2, 1), (small.ActivePlans, small.OverdueGoals));
        Assert.Equal(0, small.CheckInsDone);

        // The same numbers the school dashboard computes live.
        await using var principal = await fixture.App.ScopeForAsync(SmallSchoolFixture.PrincipalEmail);
        var dash = (await fixture.Service<SchoolDashboardService>(principal).DashboardAsync())!;
        Assert.Equal(dash.CheckIns.Sum(c => c.Expected), small.CheckInsExpected);
        Assert.Equal(dash.StudentsAtRisk, small.StudentsAtRisk);
        Assert.Equal(dash.Plans[PlanStatus.Active], small.ActivePlans);

        // Every active school of the district has a row; the demo schools have students.
        var schools = await fixture.QueryAsync<long>("SELECT count(*) FROM schools WHERE active");
        Assert.Equal(schools[0], m.Schools.Count);
        Assert.True(m.Schools.Where(s => s.SchoolId != fixture.SchoolId).Sum(s => s.Students) > 0);
        Assert.NotNull(m.AsOf);
        Assert.True(m.AsOf >= before);
    }

    [Fact]
    public async Task A_change_shows_after_the_next_refresh_and_not_before()
    {
        await RefreshedViewAsync();
        var id = fixture.Students[7];
        await using (var db = fixture.OwnerContext())
        {
            db.Flags.Add(new EarlyWarningFlag { StudentId = id, Rule = FlagRule.LowMood, Episode = "district-view", RaisedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        try
        {
            await using var scope = await fixture.App.ScopeForAsync(Admin);
            var view = fixture.Service<DistrictViewService>(scope);
            var stale = (await view.ViewAsync())!.Schools.Single(s => s.SchoolId == fixture.SchoolId);
            Assert.Equal(3, stale.StudentsAtRisk);
            var fresh = (await RefreshedViewAsync()).Schools.Single(s => s.SchoolId == fixture.SchoolId);
            Assert.Equal((4, 5), (fresh.StudentsAtRisk, fresh.OpenFlags));
        }
        finally
        {
            await using var db = fixture.OwnerContext();
            await db.Flags.Where(f => f.Episode == "district-view").ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task Refresh_runs_once_across_nodes_and_skips_when_fresh()
    {
        var refresh = fixture.App.Services.GetRequiredService<SchoolStatsRefresh>();
        Assert.NotNull(await refresh.RefreshAsync());
        // Fresh enough for the periodic refresh: skipped.
        Assert.Null(await refresh.RefreshAsync(TimeSpan.FromHours(1)));

        // Another node holds the lock: this one skips instead of computing the same numbers twice.
        await using var other = fixture.OwnerContext();
        await using var tx = await other.Database.BeginTransactionAsync();
        await other.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SchoolStatsRefresh.LockKey})");
        Assert.Null(await refresh.RefreshAsync());
        await tx.RollbackAsync();
        Assert.NotNull(await refresh.RefreshAsync());
    }

    [Fact]
    public async Task Only_district_admins_see_it_and_principals_open_only_their_own_school()
    {
        await RefreshedViewAsync();
        foreach (var role in new[] { Roles.Principal, Roles.Teacher })
        {
            await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(role));
            var view = fixture.Service<DistrictViewService>(scope);
            Assert.Null(await view.ViewAsync());
            Assert.False((await view.RefreshNowAsync()).Succeeded);
        }

        // A district admin opens any school's dashboard, and drills down into it.
        await using (var admin = await fixture.App.ScopeForAsync(Admin))
        {
            var dashboard = fixture.Service<SchoolDashboardService>(admin);
            var small = await dashboard.DashboardAsync(fixture.SchoolId);
            Assert.Equal(("Small Test School", 25), (small!.School, small.Students));
            var atRisk = await dashboard.StudentsAsync(new StudentFilter(AtRisk: true, School: fixture.SchoolId), 0);
            Assert.Equal(fixture.Students[..3].Order(), atRisk!.Students.Select(s => s.Id).Order());
        }

        // A principal asking for another school by id gets nothing; their own id works.
        await using (var principal = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal)))
        {
            var dashboard = fixture.Service<SchoolDashboardService>(principal);
            Assert.Null(await dashboard.DashboardAsync(fixture.SchoolId));
            Assert.Null(await dashboard.StudentsAsync(new StudentFilter(School: fixture.SchoolId), 0));
            var own = await dashboard.DashboardAsync();
            Assert.NotNull(await dashboard.DashboardAsync(own!.SchoolId));
        }
        await using (var teacher = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Teacher)))
        {
            Assert.Null(await fixture.Service<SchoolDashboardService>(teacher).DashboardAsync(fixture.SchoolId));
        }
    }

    [Fact]
    public async Task Over_http_the_page_export_and_other_schools_are_guarded()
    {
        await RefreshedViewAsync();
        using var admin = NewClient();
        await SignInAsync(admin, Admin, DemoDistrict.Password);
        var page = await admin.GetStringAsync("/district");
        Assert.Contains("Small Test School", page, StringComparison.Ordinal);
        Assert.Contains($"district/schools/{fixture.SchoolId}", page, StringComparison.Ordinal);
        var csv = (await admin.GetStringAsync("/district/schools.csv")).TrimStart('\uFEFF');
        Assert.Contains("Small Test School,25,66.7,5,10,5,5,3,4,5,", csv, StringComparison.Ordinal);
        Assert.Equal("PK"u8.ToArray(), (await admin.GetByteArrayAsync("/district/schools.xlsx"))[..2]);
        var schoolPage = await admin.GetStringAsync($"/district/schools/{fixture.SchoolId}");
        Assert.Contains("Small Test School", schoolPage, StringComparison.Ordinal);
        var groups = await admin.GetStringAsync($"/principal/dashboard/groups.csv?school={fixture.SchoolId}");
        Assert.Contains("Students with an IEP,10,0,10,0,0", groups, StringComparison.Ordinal);

        using var principal = NewClient();
        await SignInAsync(principal, AppFixture.DemoEmail(Roles.Principal), DemoDistrict.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await principal.GetAsync("/district")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await principal.GetAsync("/district/schools.csv")).StatusCode);
        var other = await principal.GetStringAsync($"/district/schools/{fixture.SchoolId}");
        Assert.DoesNotContain("Small Test School", other, StringComparison.Ordinal);
        Assert.Contains("may not open its dashboard", other, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await principal.GetAsync($"/principal/dashboard/groups.csv?school={fixture.SchoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await principal.GetAsync($"/principal/students.csv?school={fixture.SchoolId}")).StatusCode);

        using var teacher = NewClient();
        await SignInAsync(teacher, AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await teacher.GetAsync("/district")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await teacher.GetAsync($"/district/schools/{fixture.SchoolId}")).StatusCode);
    }

    private HttpClient NewClient() =>
        fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
