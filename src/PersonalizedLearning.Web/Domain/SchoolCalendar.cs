namespace PersonalizedLearning.Web.Domain;

/// <summary>
/// Which days are school days: weekdays inside the school year that no holiday or break covers.
/// Rules such as "no check-in in 3 school days" count with this, so weekends and holidays are never "missed".
/// </summary>
public sealed class SchoolCalendar(DateOnly firstDay, DateOnly lastDay, IEnumerable<(DateOnly From, DateOnly To)> closures)
{
    private readonly List<(DateOnly From, DateOnly To)> closures = [.. closures];

    public DateOnly FirstDay { get; } = firstDay;
    public DateOnly LastDay { get; } = lastDay;

    public bool IsSchoolDay(DateOnly day) =>
        day >= FirstDay && day <= LastDay
        && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
        && !closures.Any(c => day >= c.From && day <= c.To);

    /// <summary>School days after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int SchoolDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
        {
            if (IsSchoolDay(d))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The school days from <paramref name="first"/> to <paramref name="last"/>, inclusive, in order.</summary>
    public IEnumerable<DateOnly> SchoolDays(DateOnly first, DateOnly last)
    {
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            if (IsSchoolDay(d))
            {
                yield return d;
            }
        }
    }
}
