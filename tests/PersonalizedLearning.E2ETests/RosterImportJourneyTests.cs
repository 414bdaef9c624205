using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

public class RosterImportJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>A small OneRoster 1.2 bulk zip: the demo high school, one class, a teacher, two students and a parent without email.</summary>
    private static byte[] RosterZipBytes()
    {
        var zip = new RosterZip()
            .Add("orgs.csv",
                "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
                "org-district,active,,Cedar Valley School District,district,CV,",
                "sch-cvhs,active,,Cedar Valley High School,school,CVHS,org-district")
            .Add("academicSessions.csv",
                "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
                "as-2026,active,,2026–27,schoolYear,2026-08-24,2027-06-11,,2027")
            .Add("courses.csv", "sourcedId,status,dateLastModified,title,orgSourcedId", "crs-bio,active,,Biology,sch-cvhs")
            .Add("classes.csv",
                "sourcedId,status,dateLastModified,title,courseSourcedId,schoolSourcedId,termSourcedIds",
                "cls-bio-1,active,,Biology - P3,crs-bio,sch-cvhs,as-2026")
            .Add("users.csv",
                "sourcedId,status,dateLastModified,enabledUser,givenName,familyName,identifier,email,agentSourcedIds,grades",
                "e2e-stu-1,active,,true,Nia,Brooks,E2E1,,e2e-par-1,10",
                "e2e-stu-2,active,,true,Omar,Haddad,E2E2,,,11",
                "e2e-par-1,active,,true,Lena,Brooks,,,,",
                "e2e-tch-1,active,,true,Ivan,Petrov,,ivan.petrov@staff.example,,")
            .Add("roles.csv",
                "sourcedId,status,dateLastModified,userSourcedId,roleType,role,orgSourcedId",
                "r1,active,,e2e-stu-1,primary,student,sch-cvhs",
                "r2,active,,e2e-stu-2,primary,student,sch-cvhs",
                "r3,active,,e2e-par-1,primary,parent,sch-cvhs",
                "r4,active,,e2e-tch-1,primary,teacher,sch-cvhs")
            .Add("enrollments.csv",
                "sourcedId,status,dateLastModified,classSourcedId,userSourcedId,role",
                "e1,active,,cls-bio-1,e2e-stu-1,student",
                "e2,active,,cls-bio-1,e2e-stu-2,student",
                "e3,active,,cls-bio-1,e2e-tch-1,teacher");
        using var stream = zip.Build();
        return stream.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_district_admin_uploads_a_roster_zip_and_sees_the_summary(bool phone)
    {
        var page = await fixture.NewPageAsync(phone);
        await page.SignInAsync(AppFixture.DemoEmail(Roles.DistrictAdmin), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await page.GotoAsync("/admin/roster");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Roster import");

        await page.GetByLabel("Roster zip file").SetInputFilesAsync(new FilePayload { Name = "roster.zip", MimeType = "application/zip", Buffer = RosterZipBytes() });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import roster" }).ClickAsync();

        await Expect(page.GetByText("Roster imported (bulk).")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var summary = page.GetByRole(AriaRole.Table).First;
        await Expect(summary).ToContainTextAsync("Students");
        await Expect(summary).ToContainTextAsync("Enrollments");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Import history" })).ToBeVisibleAsync();
        var students = await fixture.QueryAsync<string>("SELECT first_name FROM students WHERE sourced_id LIKE 'e2e-stu-%' AND active ORDER BY 1");
        Assert.Equal(["Nia", "Omar"], students);
        await page.ScreenshotAsync($"Admin-roster-import-{(phone ? "phone" : "desktop")}");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);
    }
}
