using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.SchoolDashboard;
using PersonalizedLearning.Web.Features.Students;

namespace PersonalizedLearning.IntegrationTests;

public partial class SchoolDashboardTests(SmallSchoolFixture fixture) : IClassFixture<SmallSchoolFixture>
{
    private static Dictionary<MasteryBand, int> Bands(int proficient, int developing, int beginning, int none) => new()
    {
        [MasteryBand.Proficient] = proficient,
        [MasteryBand.Developing] = developing,
        [MasteryBand.Beginning] = beginning,
        [MasteryBand.NoLevelYet] = none,
    };

    private static void AssertBands(BandRow row, int students, Dictionary<MasteryBand, int> expected)
    {
        Assert.False(row.Suppressed, row.Label);
        Assert.Equal(students, row.Students);
        foreach (var (band, count) in expected)
        {
            Assert.True(count == (row.Count(band) ?? -1), $"{row.Label} {band}: expected {count}, got {row.Count(band)}");
        }
    }

    [Fact]
    public async Task Dashboard_numbers_match_the_hand_computed_small_school()
    {
        await using var scope = await fixture.App.ScopeForAsync(SmallSchoolFixture.PrincipalEmail);
        var m = await fixture.Service<SchoolDashboardService>(scope).DashboardAsync();

        Assert.NotNull(m);
        Assert.Equal("Small Test School", m.School);
        Assert.Equal(25, m.Students);
        Assert.Equal(["7", "8"], m.ByGrade.Select(g => g.Label));
        AssertBands(m.ByGrade[0], 15, Bands(5, 0, 5, 5));
        AssertBands(m.ByGrade[1], 10, Bands(0, 10, 0, 0));

        var areaA = m.ByArea.Single(a => a.Query == $"area={fixture.AreaA}");
        var areaB = m.ByArea.Single(a => a.Query == $"area={fixture.AreaB}");
        Assert.Equal(2, m.ByArea.Count);
        AssertBands(areaA, 20, Bands(15, 5, 0, 0));
        AssertBands(areaB, 20, Bands(5, 0, 15, 0));

        var groups = m.ByGroup.ToDictionary(g => g.Label);
        AssertBands(groups["Sex.Female"], 12, Bands(5, 0, 5, 2));
        AssertBands(groups["Sex.Male"], 13, Bands(0, 10, 0, 3));
        AssertBands(groups["Race.NotReported"], 25, Bands(5, 10, 5, 5));
        AssertBands(groups["EnglishLearner.No"], 16, Bands(0, 10, 1, 5));
        AssertBands(groups["Iep.Yes"], 10, Bands(0, 10, 0, 0));
        AssertBands(groups["Iep.No"], 15, Bands(5, 0, 5, 5));
        // Nine English learners: a group under ten is never reported, not even its size.
        Assert.True(groups["EnglishLearner.Yes"].Suppressed);
        Assert.Null(groups["EnglishLearner.Yes"].Count(MasteryBand.Proficient));

        Assert.Equal(3, m.StudentsAtRisk);
        Assert.Equal(new RuleCount(FlagRule.NoCheckIn, 3, 3), m.OpenFlags.Single(r => r.Rule == FlagRule.NoCheckIn));
        Assert.Equal(new RuleCount(FlagRule.LowMood, 1, 1), m.OpenFlags.Single(r => r.Rule == FlagRule.LowMood));
        Assert.Equal(5, m.FlagTrend[^1].Count);
        Assert.Equal(SchoolDashboardService.TrendWeeks, m.FlagTrend.Count);

        Assert.Equal(5, m.WithoutAdvisor);
        Assert.Equal(0, m.AdvisoriesOverSize);
        var advisory = Assert.Single(m.CheckIns);
        Assert.Equal(20, advisory.Members);
        Assert.Equal(20 * m.SchoolDaysThisWeek.Count, advisory.Expected);
        Assert.Equal(0, advisory.Done);

        Assert.Equal(4, m.Plans[PlanStatus.Draft]);
        Assert.Equal(1, m.Plans[PlanStatus.Submitted]);
        Assert.Equal(2, m.Plans[PlanStatus.Active]);
        Assert.Equal(0, m.Plans[PlanStatus.Completed]);
        Assert.Equal(18, m.StudentsWithoutPlan);
        Assert.Equal(1, m.OverdueGoals);
        Assert.Equal(1, m.StudentsWithOverdueGoals);
    }

    [Fact]
    public async Task Drill_down_lists_the_students_behind_a_number_and_audits_each_one()
    {
        await using var scope = await fixture.App.ScopeForAsync(SmallSchoolFixture.PrincipalEmail);
        var dashboard = fixture.Service<SchoolDashboardService>(scope);

        var proficient7 = await dashboard.StudentsAsync(new StudentFilter(Grade: 7, Level: MasteryBand.Proficient), 0);
        Assert.NotNull(proficient7);
        Assert.Equal(fixture.Students[..5].Order(), proficient7.Students.Select(s => s.Id).Order());

        var noCheckIn = await dashboard.StudentsAsync(new StudentFilter(FlagRule: FlagRule.NoCheckIn), 0);
        Assert.Equal(fixture.Students[..3].Order(), noCheckIn!.Students.Select(s => s.Id).Order());
        Assert.Equal(5, (await dashboard.StudentsAsync(new StudentFilter(NoAdvisor: true), 0))!.Total);
        Assert.Equal(4, (await dashboard.StudentsAsync(new StudentFilter(PlanStatus: PlanStatus.Draft), 0))!.Total);
        Assert.Equal([fixture.Students[4]], (await dashboard.StudentsAsync(new StudentFilter(OverdueGoals: true), 0))!.Students.Select(s => s.Id));
        Assert.Equal(15, (await dashboard.StudentsAsync(new StudentFilter(Area: fixture.AreaB, Level: MasteryBand.Beginning), 0))!.Total);

        var learners = await dashboard.StudentsAsync(new StudentFilter(Group: "EnglishLearner.Yes"), 0);
        Assert.True(learners!.Suppressed);
        Assert.Empty(learners.Students);
        Assert.Equal(10, (await dashboard.StudentsAsync(new StudentFilter(Group: "Iep.Yes"), 0))!.Total);
        Assert.Null(await dashboard.StudentsAsync(new StudentFilter(Group: "Nonsense.Group"), 0));

        var audited = await WaitForAuditAsync("principal-drilldown", fixture.Students[0], fixture.Students[4]);
        Assert.True(audited, "every listed student is audited");

        var record = await fixture.Service<StudentRecordService>(scope).GetAsync(fixture.Students[2]);
        Assert.NotNull(record);
    }

    [Fact]
    public async Task A_principal_sees_only_their_own_school()
    {
        await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal));
        var demo = await fixture.Service<SchoolDashboardService>(scope).DashboardAsync();
        Assert.NotNull(demo);
        Assert.NotEqual("Small Test School", demo.School);
        var everyone = await fixture.Service<SchoolDashboardService>(scope).StudentsAsync(new StudentFilter(), 0, 10_000);
        Assert.DoesNotContain(everyone!.Students, s => fixture.Students.Contains(s.Id));

        Assert.Null(await fixture.Service<StudentRecordService>(scope).GetAsync(fixture.Students[1]));
        Assert.True(await WaitForAuditAsync("student-record", fixture.Students[1], outcome: "Denied"));

        await using var teacher = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Teacher));
        Assert.Null(await fixture.Service<SchoolDashboardService>(teacher).DashboardAsync());
        Assert.Null(await fixture.Service<SchoolDashboardService>(teacher).StudentsAsync(new StudentFilter(), 0));
    }

    [Fact]
    public async Task Exports_are_formula_safe_suppressed_and_scoped()
    {
        using var client = NewClient();
        await SignInAsync(client, SmallSchoolFixture.PrincipalEmail, SmallSchoolFixture.Password);

        var groups = await client.GetAsync("/principal/dashboard/groups.csv");
        Assert.Equal(HttpStatusCode.OK, groups.StatusCode);
        var csv = (await groups.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.Contains("English learners,fewer than 10 students,,,,", csv, StringComparison.Ordinal);
        Assert.Contains("Students with an IEP,10,0,10,0,0", csv, StringComparison.Ordinal);

        var students = await (await client.GetAsync("/principal/students.csv?flagRule=NoCheckIn")).Content.ReadAsStringAsync();
        Assert.Contains("'=HYPERLINK", students, StringComparison.Ordinal);
        Assert.Equal(4, students.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        var suppressed = await (await client.GetAsync("/principal/students.csv?group=EnglishLearner.Yes")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Pupil", suppressed, StringComparison.Ordinal);
        Assert.Contains("fewer than 10 students", suppressed, StringComparison.Ordinal);

        var xlsx = await client.GetAsync("/principal/dashboard/grades.xlsx");
        Assert.Equal("PK"u8.ToArray(), (await xlsx.Content.ReadAsByteArrayAsync())[..2]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/principal/dashboard/nothing.csv")).StatusCode);

        using var other = NewClient();
        await SignInAsync(other, AppFixture.DemoEmail(Roles.Principal), DemoDistrict.Password);
        var theirs = await (await other.GetAsync("/principal/students.csv")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Pupil", theirs, StringComparison.Ordinal);

        using var teacher = NewClient();
        await SignInAsync(teacher, AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await teacher.GetAsync("/principal/dashboard/grades.csv")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await teacher.GetAsync("/principal/students.csv")).StatusCode);
    }

    private async Task<bool> WaitForAuditAsync(string action, params int[] studentIds) => await WaitForAuditAsync(action, studentIds, "Allowed");

    private async Task<bool> WaitForAuditAsync(string action, int studentId, string outcome) => await WaitForAuditAsync(action, [studentId], outcome);

    private async Task<bool> WaitForAuditAsync(string action, int[] studentIds, string outcome)
    {
        for (var i = 0; i < 50; i++)
        {
            var found = await fixture.QueryAsync<long>(
                "SELECT count(DISTINCT student_id) FROM access_audit WHERE action = @p0 AND student_id = ANY(@p1) AND outcome = @p2",
                action, studentIds, outcome);
            if (found[0] == studentIds.Length)
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    private HttpClient NewClient() =>
        fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
