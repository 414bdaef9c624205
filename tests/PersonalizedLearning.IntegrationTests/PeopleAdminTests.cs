using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.People;
using PersonalizedLearning.Web.Features.Students;

namespace PersonalizedLearning.IntegrationTests;

public partial class PeopleAdminTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static string Admin => AppFixture.DemoEmail(Roles.DistrictAdmin);

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = fixture.OwnerContext();
        var normalized = email.ToUpperInvariant();
        return await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleAsync();
    }

    [Fact]
    public async Task A_reset_link_sets_a_new_password_that_signs_in()
    {
        var email = AppFixture.DemoEmail(Roles.Teacher);
        var id = await UserIdAsync(email);
        string link;
        await using (var scope = await fixture.App.ScopeForAsync(Admin))
        {
            var (result, url) = await fixture.Service<PeopleService>(scope).ResetLinkAsync(id, "http://localhost/");
            Assert.True(result.Succeeded);
            link = new Uri(url!).PathAndQuery;
        }

        using var client = NewClient();
        var form = await client.GetStringAsync(link);
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + link).Query);
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "reset-password",
            ["__RequestVerificationToken"] = token,
            ["Input.User"] = query["user"]!,
            ["Input.Code"] = query["code"]!,
            ["Input.Password"] = "brand-new-password-42",
            ["Input.Confirm"] = "different-password-42",
        };
        var mismatch = await client.PostAsync("/Account/ResetPassword", new FormUrlEncodedContent(fields));
        Assert.Contains("The two passwords are different", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        fields["Input.Confirm"] = "brand-new-password-42";
        var saved = await client.PostAsync("/Account/ResetPassword", new FormUrlEncodedContent(fields));
        Assert.Contains("Your new password is saved", await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = await client.PostAsync("/Account/ResetPassword", new FormUrlEncodedContent(fields));
        Assert.Contains("This link is not valid any more", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var teacher = NewClient();
        Assert.Equal("/", PathOf(await SignInAsync(teacher, email, "brand-new-password-42")));
        using var old = NewClient();
        Assert.NotEqual("/", PathOf(await SignInAsync(old, email, DemoDistrict.Password)));
    }

    [Fact]
    public async Task Locking_prevents_sign_in_and_a_stale_stamp_is_refused()
    {
        var email = AppFixture.DemoEmail(Roles.Advisor);
        var id = await UserIdAsync(email);
        await using var scope = await fixture.App.ScopeForAsync(Admin);
        var people = fixture.Service<PeopleService>(scope);
        var before = await people.DetailAsync(id);
        Assert.NotNull(before);

        Assert.True((await people.SetLockedAsync(id, true, before.Stamp)).Succeeded);
        // A second admin acting on the page they opened before the lock collides and is told so.
        Assert.Equal("People.Conflict", (await people.SetRoleAsync(id, Roles.Teacher, true, before.Stamp)).ErrorKey);

        using var client = NewClient();
        Assert.Equal("/Account/Lockout", PathOf(await SignInAsync(client, email, DemoDistrict.Password)));

        var locked = await people.DetailAsync(id);
        Assert.True(locked!.Locked);
        Assert.True((await people.SetLockedAsync(id, false, locked.Stamp)).Succeeded);
        using var again = NewClient();
        Assert.Equal("/", PathOf(await SignInAsync(again, email, DemoDistrict.Password)));

        var now = await people.DetailAsync(id);
        Assert.True((await people.SetRoleAsync(id, Roles.Teacher, true, now!.Stamp)).Succeeded);
        Assert.Contains(Roles.Teacher, (await people.DetailAsync(id))!.Roles);
        Assert.Equal("People.UnknownRole", (await people.SetRoleAsync(id, "Superuser", true, now.Stamp)).ErrorKey);
    }

    [Fact]
    public async Task A_guardian_link_grants_access_at_once_and_custody_restriction_removes_it()
    {
        var guardian = await UserIdAsync(AppFixture.DemoEmail(Roles.Guardian));
        int studentId;
        string number;
        await using (var db = fixture.OwnerContext())
        {
            var s = await db.Students.Where(s => s.Active && !s.GuardianLinks.Any(g => g.GuardianUserId == guardian)).OrderBy(s => s.Id)
                .Select(s => new { s.Id, s.StudentNumber }).FirstAsync();
            (studentId, number) = (s.Id, s.StudentNumber);
        }
        await using var parentScope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Guardian));
        var records = fixture.Service<StudentRecordService>(parentScope);
        Assert.Null(await records.GetAsync(studentId));

        await using var scope = await fixture.App.ScopeForAsync(Admin);
        var people = fixture.Service<PeopleService>(scope);
        Assert.Equal("People.StudentNumberRequired", (await people.LinkGuardianAsync(guardian, " ", GuardianRelationship.Parent)).ErrorKey);
        Assert.Equal("People.NoSuchStudent", (await people.LinkGuardianAsync(guardian, "NO-SUCH", GuardianRelationship.Parent)).ErrorKey);
        Assert.True((await people.LinkGuardianAsync(guardian, number, GuardianRelationship.Grandparent)).Succeeded);
        Assert.Equal("People.AlreadyLinked", (await people.LinkGuardianAsync(guardian, number, GuardianRelationship.Parent)).ErrorKey);
        Assert.NotNull(await records.GetAsync(studentId));

        var link = (await people.DetailAsync(guardian))!.Children.Single(c => c.StudentId == studentId);
        Assert.True((await people.SetCustodyRestrictedAsync(link.Id, true)).Succeeded);
        Assert.Null(await records.GetAsync(studentId));
        Assert.True((await people.UnlinkGuardianAsync(link.Id)).Succeeded);

        var audited = await fixture.QueryAsync<string>(
            "SELECT action FROM access_audit WHERE student_id = @p0 AND action LIKE 'admin-%' ORDER BY id", studentId);
        Assert.Equal(["admin-guardian-link", "admin-custody-restrict", "admin-guardian-unlink"], audited.Where(a => a != "admin-guardian-links"));
    }

    [Fact]
    public async Task The_audit_viewer_filters_and_its_own_use_is_audited()
    {
        int studentId;
        await using (var db = fixture.OwnerContext())
        {
            studentId = await db.Students.Where(s => s.Active).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        }
        await using (var principal = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal)))
        {
            await fixture.Service<StudentRecordService>(principal).GetAsync(studentId);
        }
        await using var scope = await fixture.App.ScopeForAsync(Admin);
        var viewer = fixture.Service<AuditViewerService>(scope);
        Web.Features.People.AuditResult? page = null;
        for (var i = 0; i < 50 && (page is null || page.Total == 0); i++)
        {
            await Task.Delay(100);
            page = await viewer.SearchAsync(new AuditFilter(Action: "student-record", Person: "principal"), 0);
        }
        Assert.NotNull(page);
        Assert.NotEmpty(page.Entries);
        Assert.All(page.Entries, e => Assert.Equal("student-record", e.Action));
        var forPrincipalUser = await UserIdAsync(AppFixture.DemoEmail(Roles.Principal));
        Assert.Contains(page.Entries, e => e.UserId == forPrincipalUser);

        var none = await viewer.SearchAsync(new AuditFilter(From: new DateOnly(2000, 1, 1), To: new DateOnly(2000, 1, 2)), 0);
        Assert.Equal(0, none!.Total);

        var adminId = await UserIdAsync(Admin);
        for (var i = 0; i < 50; i++)
        {
            if ((await fixture.QueryAsync<long>("SELECT count(*) FROM access_audit WHERE action = 'audit-viewer' AND user_id = @p0", adminId))[0] > 0)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.True((await fixture.QueryAsync<long>("SELECT count(*) FROM access_audit WHERE action = 'audit-viewer' AND user_id = @p0", adminId))[0] > 0);

        using var client = NewClient();
        await SignInAsync(client, Admin, DemoDistrict.Password);
        var csv = await client.GetAsync("/admin/audit.csv?action=student-record");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Contains("student-record", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string> AdminPaths => new() { "/admin/people", "/admin/audit", "/admin/audit.csv", "/admin/audit.xlsx" };

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Non_admins_get_nothing_from_admin_pages_and_exports(string path)
    {
        foreach (var role in new[] { Roles.Principal, Roles.Teacher, Roles.Guardian, Roles.Student })
        {
            using var client = NewClient();
            await SignInAsync(client, AppFixture.DemoEmail(role), DemoDistrict.Password);
            var response = await client.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Non_admins_cannot_use_any_people_action()
    {
        var target = await UserIdAsync(AppFixture.DemoEmail(Roles.Teacher));
        await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal));
        var people = fixture.Service<PeopleService>(scope);
        Assert.Null(await people.SearchAsync(null, null, 0));
        Assert.Null(await people.DetailAsync(target));
        Assert.Equal("AccessDeniedBody", (await people.SetLockedAsync(target, true, "x")).ErrorKey);
        Assert.Equal("AccessDeniedBody", (await people.SetRoleAsync(target, Roles.DistrictAdmin, true, "x")).ErrorKey);
        Assert.Equal("AccessDeniedBody", (await people.ResetLinkAsync(target, "http://x/")).Result.ErrorKey);
        Assert.Equal("AccessDeniedBody", (await people.LinkGuardianAsync(target, "1", GuardianRelationship.Parent)).ErrorKey);
        Assert.Equal("AccessDeniedBody", (await people.AssignAdvisoryAsync(1, null)).ErrorKey);
        Assert.Null(await fixture.Service<AuditViewerService>(scope).SearchAsync(new AuditFilter(), 0));
    }

    private static string? PathOf(HttpResponseMessage redirect) =>
        redirect.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString
            : null;

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
