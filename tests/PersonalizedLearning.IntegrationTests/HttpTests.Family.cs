using System.Net;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.IntegrationTests;

public partial class HttpTests
{
    [Fact]
    public async Task A_guardian_cannot_open_another_familys_child_by_id_in_any_url()
    {
        int own, other;
        string ownName, otherName;
        await using (var db = fixture.OwnerContext())
        {
            var email = AppFixture.DemoEmail(Roles.Guardian).ToUpperInvariant();
            var me = await db.Users.Where(u => u.NormalizedEmail == email).Select(u => u.Id).SingleAsync();
            var mine = await db.Students.Where(s => s.GuardianLinks.Any(g => g.GuardianUserId == me)).OrderBy(s => s.Id)
                .Select(s => new { s.Id, s.FirstName, s.LastName }).FirstAsync();
            var theirs = await db.Students.Where(s => s.Active && !s.GuardianLinks.Any(g => g.GuardianUserId == me)).OrderBy(s => s.Id)
                .Select(s => new { s.Id, s.FirstName, s.LastName }).FirstAsync();
            (own, ownName, other, otherName) = (mine.Id, $"{mine.FirstName} {mine.LastName}", theirs.Id, $"{theirs.FirstName} {theirs.LastName}");
        }
        using var client = NewClient();
        await SignInAsync(client, AppFixture.DemoEmail(Roles.Guardian), DemoDistrict.Password);

        var page = await client.GetStringAsync($"/parent/children/{own}");
        Assert.Contains(WebUtility.HtmlEncode(ownName), page, StringComparison.Ordinal);

        foreach (var url in new[]
        {
            $"/parent/children/{other}", $"/parent/children/{other}/messages", $"/students/{other}", $"/students/{other}/plan",
            $"/students/{other}/check-ins", $"/students/{other}/profile",
        })
        {
            var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(WebUtility.HtmlEncode(otherName), body, StringComparison.Ordinal);
            Assert.True(response.StatusCode != HttpStatusCode.OK || body.Contains("No encontrado", StringComparison.Ordinal)
                || body.Contains("Not found", StringComparison.Ordinal), url);
        }
    }
}
