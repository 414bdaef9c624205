using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Mastery;

public enum ScoreTrend
{
    None,
    Rising,
    Steady,
    Falling,
}

public enum Pace
{
    OnTrack,
    Behind,
    Ahead,
    Done,
}

/// <summary>Pure rules for the student's view: the trend of a standard's scores and a goal's pacing.</summary>
public static class MasteryPacing
{
    /// <summary>How far ahead of or behind the time elapsed a goal may be and still count as on track.</summary>
    public const double Slack = 0.25;

    /// <summary>The latest score against the one before it (in observed order); falling also when the last three fall.</summary>
    public static ScoreTrend Trend(IReadOnlyList<decimal> ordered) =>
        ordered.Count < 2 ? ScoreTrend.None
        : EarlyWarningRules.IsFalling(ordered) || ordered[^1] < ordered[^2] ? ScoreTrend.Falling
        : ordered[^1] > ordered[^2] ? ScoreTrend.Rising
        : ScoreTrend.Steady;

    /// <summary>
    /// On track / behind / ahead: the share of the goal's standards at mastery against the share of time elapsed from
    /// <paramref name="start"/> to the target date (±<see cref="Slack"/>); behind once the target date has passed.
    /// </summary>
    public static Pace For(DateOnly start, DateOnly target, DateOnly today, int mastered, int total)
    {
        if (total > 0 && mastered >= total)
        {
            return Pace.Done;
        }
        if (today > target)
        {
            return Pace.Behind;
        }
        var span = target.DayNumber - start.DayNumber;
        var expected = span <= 0 ? 1.0 : Math.Clamp((today.DayNumber - start.DayNumber) / (double)span, 0, 1);
        var actual = total == 0 ? 0 : mastered / (double)total;
        return actual >= expected + Slack ? Pace.Ahead : actual < expected - Slack ? Pace.Behind : Pace.OnTrack;
    }
}
