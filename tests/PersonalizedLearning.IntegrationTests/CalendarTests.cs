using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Admin;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

public class CalendarTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_break_the_admin_adds_stops_counting_as_school_days()
    {
        await using var admin = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.DistrictAdmin));
        var calendar = fixture.Service<CalendarService>(admin);
        var clock = fixture.Service<DistrictClock>(admin);
        var year = (await clock.CurrentYearAsync())!;
        var day = year.StartsOn.AddDays(7 * 20);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday or DayOfWeek.Friday)
        {
            day = day.AddDays(1);
        }
        var before = await clock.CalendarAsync(year, null);
        Assert.True(before.IsSchoolDay(day));

        var result = await calendar.AddAsync(new CalendarEntryForm
        {
            Name = "Snow day",
            Kind = CalendarEntryKind.Holiday,
            StartsOn = day.ToDateTime(TimeOnly.MinValue),
            EndsOn = day.ToDateTime(TimeOnly.MinValue),
        });

        Assert.True(result.Succeeded);
        Assert.False((await clock.CalendarAsync(year, null)).IsSchoolDay(day));
        Assert.Contains((await calendar.ListAsync()).Entries, e => e.Name == "Snow day" && e.StartsOn == day);
    }

    [Fact]
    public async Task Bad_dates_are_refused_and_only_district_admins_may_change_the_calendar()
    {
        await using (var admin = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.DistrictAdmin)))
        {
            var calendar = fixture.Service<CalendarService>(admin);
            var backwards = new CalendarEntryForm { Name = "Oops", StartsOn = new DateTime(2026, 12, 10), EndsOn = new DateTime(2026, 12, 9) };
            Assert.Equal("Calendar.DatesInvalid", (await calendar.AddAsync(backwards)).ErrorKey);
            var outside = new CalendarEntryForm { Name = "Far away", StartsOn = new DateTime(2030, 1, 1), EndsOn = new DateTime(2030, 1, 2) };
            Assert.Equal("Calendar.OutsideYear", (await calendar.AddAsync(outside)).ErrorKey);
        }

        await using var principal = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal));
        var asPrincipal = fixture.Service<CalendarService>(principal);
        var year = (await fixture.Service<DistrictClock>(principal).CurrentYearAsync())!;
        var form = new CalendarEntryForm { Name = "Mine", StartsOn = year.StartsOn.AddDays(30).ToDateTime(TimeOnly.MinValue), EndsOn = year.StartsOn.AddDays(30).ToDateTime(TimeOnly.MinValue) };
        Assert.Equal("AccessDeniedBody", (await asPrincipal.AddAsync(form)).ErrorKey);
        Assert.Empty((await asPrincipal.ListAsync()).Entries);
    }
}
