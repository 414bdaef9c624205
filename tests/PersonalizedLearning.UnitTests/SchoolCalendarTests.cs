using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.UnitTests;

public class SchoolCalendarTests
{
    // 2026-11-23 is a Monday; Thanksgiving break Wed 25 – Fri 27.
    private static readonly SchoolCalendar Calendar = new(
        new DateOnly(2026, 8, 24), new DateOnly(2027, 6, 11),
        [(new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 27))]);

    [Fact]
    public void Weekends_and_breaks_are_not_school_days()
    {
        Assert.True(Calendar.IsSchoolDay(new DateOnly(2026, 11, 24)));
        Assert.False(Calendar.IsSchoolDay(new DateOnly(2026, 11, 25)));
        Assert.False(Calendar.IsSchoolDay(new DateOnly(2026, 11, 28)));
        Assert.False(Calendar.IsSchoolDay(new DateOnly(2026, 8, 21)));
    }

    [Fact]
    public void School_days_between_skip_the_thanksgiving_break_and_the_weekend()
    {
        // After Tue 24th up to Mon 30th: only Monday the 30th is a school day.
        Assert.Equal(1, Calendar.SchoolDaysBetween(new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 30)));
        Assert.Equal(5, Calendar.SchoolDaysBetween(new DateOnly(2026, 11, 13), new DateOnly(2026, 11, 20)));
    }
}
