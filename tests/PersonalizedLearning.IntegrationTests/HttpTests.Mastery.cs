using System.Net;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

public partial class HttpTests
{
    [Fact]
    public async Task Mastery_grid_csv_is_for_the_sections_own_teacher_only()
    {
        int own, other;
        await using (var db = fixture.OwnerContext())
        {
            var email = AppFixture.DemoEmail(Roles.Teacher).ToUpperInvariant();
            var teacher = await db.Users.Where(u => u.NormalizedEmail == email).Select(u => u.Id).SingleAsync();
            own = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == teacher)).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
            other = await db.Sections.Where(s => s.Active && !s.Teachers.Any(t => t.TeacherUserId == teacher)).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        }
        using var anonymous = NewClient();
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync($"/teacher/sections/{own}/mastery.csv")).StatusCode);

        using var student = NewClient();
        await SignInAsync(student, AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await student.GetAsync($"/teacher/sections/{own}/mastery.csv")).StatusCode);

        using var client = NewClient();
        await SignInAsync(client, AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        var mine = await client.GetAsync($"/teacher/sections/{own}/mastery.csv");
        var theirs = await client.GetAsync($"/teacher/sections/{other}/mastery.csv");

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal("text/csv", mine.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Student,", (await mine.Content.ReadAsStringAsync()).TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);

        var xlsx = await client.GetAsync($"/teacher/sections/{own}/mastery.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal(TableExport.XlsxType, xlsx.Content.Headers.ContentType?.MediaType);
        Assert.Equal("PK"u8.ToArray(), (await xlsx.Content.ReadAsByteArrayAsync())[..2]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/teacher/sections/{other}/mastery.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/teacher/sections/{own}/mastery.pdf")).StatusCode);
    }
}
