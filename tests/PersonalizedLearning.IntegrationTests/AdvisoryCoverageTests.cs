using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Admin;
using PersonalizedLearning.Web.Features.Advisory;

namespace PersonalizedLearning.IntegrationTests;

public class AdvisoryCoverageTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string SchoolOf = "(SELECT school_id FROM users WHERE normalized_email = upper(@p0))";

    [Fact]
    public async Task The_principal_moves_students_into_an_advisory_of_their_own_school_only()
    {
        var principal = AppFixture.DemoEmail(Roles.Principal);
        var advisories = await fixture.QueryAsync<int>($"SELECT id FROM advisories WHERE school_id = {SchoolOf} AND active ORDER BY id", principal);
        var movers = (await fixture.QueryAsync<int>(
            $"SELECT id FROM students WHERE school_id = {SchoolOf} AND active AND (advisory_id IS NULL OR advisory_id <> @p1) ORDER BY id LIMIT 2",
            principal, advisories[0])).ToArray();
        var otherSchoolAdvisory = (await fixture.QueryAsync<int>($"SELECT id FROM advisories WHERE school_id <> {SchoolOf} ORDER BY id LIMIT 1", principal)).Single();
        await using var scope = await fixture.App.ScopeForAsync(principal);
        var coverage = fixture.Service<CoverageService>(scope);

        Assert.True((await coverage.MoveAsync(movers, advisories[0])).Ok);
        Assert.Equal(Result.NotFound, await coverage.MoveAsync(movers, otherSchoolAdvisory));

        var now = await fixture.QueryAsync<int>("SELECT advisory_id FROM students WHERE id = ANY(@p0)", movers);
        Assert.All(now, a => Assert.Equal(advisories[0], a));
        var model = await coverage.CoverageAsync();
        Assert.NotNull(model);
        Assert.Equal(advisories.Count, model.Advisories.Count);

        await using var advisorScope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Advisor));
        Assert.Equal(Result.NotFound, await fixture.Service<CoverageService>(advisorScope).MoveAsync(movers, advisories[1]));
    }

    [Fact]
    public async Task Only_the_district_admin_changes_the_thresholds_and_nonsense_is_refused()
    {
        await using var admin = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.DistrictAdmin));
        var settings = fixture.Service<DistrictSettingsService>(admin);
        var input = await settings.GetAsync();
        Assert.NotNull(input);
        Assert.Equal(3, input.NoCheckInSchoolDays);

        input.NoCheckInSchoolDays = 5;
        input.TutoringAllowanceHours = 40;
        Assert.Null(await settings.SaveAsync(input));
        input.LowMoodCount = 9;
        input.LowMoodWindow = 5;
        Assert.Equal("Settings.LowMoodCountOverWindow", await settings.SaveAsync(input));

        await using var db = fixture.OwnerContext();
        var stored = await db.Districts.AsNoTracking().Select(d => d.Settings).SingleAsync();
        Assert.Equal(5, stored.NoCheckInSchoolDays);
        Assert.Equal(40, stored.TutoringAllowanceHours);

        await using var principal = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal));
        var asPrincipal = fixture.Service<DistrictSettingsService>(principal);
        Assert.Null(await asPrincipal.GetAsync());
        input.LowMoodCount = 3;
        Assert.Equal("AccessDeniedBody", await asPrincipal.SaveAsync(input));
    }
}
