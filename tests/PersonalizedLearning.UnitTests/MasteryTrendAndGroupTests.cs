using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.UnitTests;

/// <summary>The falling-trend rule of "needs attention" and the small-group suggestions.</summary>
public class MasteryTrendAndGroupTests
{
    private static readonly MasteryLevel[] Scale =
    [
        new() { Points = 1, Name = "Beginning", Color = "#E57373" },
        new() { Points = 2, Name = "Developing", Color = "#FFB74D" },
        new() { Points = 3, Name = "Proficient", Color = "#81C784", IsMastery = true },
        new() { Points = 4, Name = "Advanced", Color = "#4FC3F7" },
    ];

    private static readonly DateTimeOffset Start = new(2026, 9, 1, 16, 0, 0, TimeSpan.Zero);

    private static List<ScoredEvidence> Scores(params (int Day, decimal Score)[] scores) =>
        [.. scores.Select((s, i) => new ScoredEvidence(i + 1, s.Score, Start.AddDays(s.Day), Start.AddDays(s.Day)))];

    [Theory]
    [InlineData(new[] { 4.0, 3.0, 2.0 }, true)]
    [InlineData(new[] { 1.0, 4.0, 3.5, 3.0, 2.0 }, true)]
    [InlineData(new[] { 4.0, 3.0, 3.0 }, false)]
    [InlineData(new[] { 4.0, 2.0, 3.0 }, false)]
    [InlineData(new[] { 3.0, 2.0 }, false)]
    [InlineData(new double[0], false)]
    public void Falling_means_each_of_the_last_three_scores_lower_than_the_one_before(double[] scores, bool falling) =>
        Assert.Equal(falling, MasteryTrend.IsFalling(Scores([.. scores.Select((s, i) => (i, (decimal)s))])));

    [Fact]
    public void A_level_dropped_within_twenty_school_days_counts_as_falling()
    {
        // Proficient (3, 3) on day 1–2; then 2 and 1 after the cut-off: decaying average falls to Beginning/Developing.
        var evidence = Scores((1, 3m), (2, 3m), (40, 2m), (41, 1m));
        var then = Start.AddDays(10);

        Assert.True(MasteryTrend.DroppedALevel(evidence, then, MasteryMethod.DecayingAverage, 65, 3m, Scale));
        Assert.False(MasteryTrend.DroppedALevel(Scores((1, 3m), (2, 3m), (40, 4m)), then, MasteryMethod.DecayingAverage, 65, 3m, Scale));
        // Nothing before the cut-off (no level then) or nothing after it (no change): not a drop.
        Assert.False(MasteryTrend.DroppedALevel(Scores((40, 3m), (41, 1m)), then, MasteryMethod.DecayingAverage, 65, 3m, Scale));
        Assert.False(MasteryTrend.DroppedALevel(Scores((1, 3m), (2, 1m)), then, MasteryMethod.DecayingAverage, 65, 3m, Scale));
    }

    [Fact]
    public void Twenty_school_days_back_skips_weekends_and_breaks()
    {
        var calendar = new SchoolCalendar(new DateOnly(2026, 8, 31), new DateOnly(2027, 6, 11),
            [(new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 27))]);

        // Friday 2026-12-04: back 20 school days, skipping the Thanksgiving week and four weekends.
        Assert.Equal(new DateOnly(2026, 10, 30), MasteryTrend.SchoolDaysBefore(new DateOnly(2026, 12, 4), 20, calendar));
        Assert.Equal(new DateOnly(2026, 11, 6), MasteryTrend.SchoolDaysBefore(new DateOnly(2026, 12, 4), 20, null));
    }

    [Fact]
    public void Small_groups_gather_students_who_share_unmastered_standards_at_a_similar_level()
    {
        GridStudent[] students = [.. Enumerable.Range(1, 9).Select(i => new GridStudent(i, $"Student {i:00}"))];
        StandardColumn[] standards = [new(101, "EMP.1", "", 1), new(102, "EMP.2", "", 1), new(103, "EMP.3", "", 1)];
        var cells = new List<GridCell>();
        void Cell(int student, int standard, decimal score) =>
            cells.Add(new GridCell(student, standard, score, score >= 3, 2, Start));
        // EMP.1: students 1–8 below mastery (two groups of four by score); 9 at mastery.
        foreach (var s in Enumerable.Range(1, 8))
        {
            Cell(s, 101, s <= 4 ? 1m : 2.5m);
        }
        Cell(9, 101, 3.5m);
        // EMP.2: students 1–4 also below mastery; EMP.3: only student 9, alone (no group of one).
        foreach (var s in Enumerable.Range(1, 4))
        {
            Cell(s, 102, 2m);
        }
        Cell(9, 103, 1m);

        var groups = SmallGroups.Suggest(students, standards, cells);

        Assert.Collection(groups,
            g =>
            {
                Assert.Equal(["EMP.1", "EMP.2"], g.Standards.Select(s => s.Code));
                Assert.Equal([1, 2, 3, 4], g.Students.Select(s => s.Id));
            },
            g =>
            {
                Assert.Equal(["EMP.1"], g.Standards.Select(s => s.Code));
                Assert.Equal([5, 6, 7, 8], g.Students.Select(s => s.Id));
            });
    }
}

/// <summary>The student's view: trend per standard and pacing against plan goals' target dates.</summary>
public class MasteryPacingTests
{
    private static readonly DateOnly Start = new(2026, 9, 1);
    private static readonly DateOnly Target = new(2026, 12, 10);

    [Theory]
    [InlineData(new[] { 2.0, 3.0 }, ScoreTrend.Rising)]
    [InlineData(new[] { 3.0, 3.0 }, ScoreTrend.Steady)]
    [InlineData(new[] { 3.0, 2.0 }, ScoreTrend.Falling)]
    [InlineData(new[] { 3.0 }, ScoreTrend.None)]
    public void Trend_compares_the_latest_score_with_the_one_before(double[] scores, ScoreTrend trend) =>
        Assert.Equal(trend, MasteryPacing.Trend([.. scores.Select(s => (decimal)s)]));

    [Theory]
    [InlineData("2026-10-20", 2, 4, Pace.OnTrack)]   // half the time, half the standards
    [InlineData("2026-10-20", 0, 4, Pace.Behind)]    // half the time, nothing mastered
    [InlineData("2026-09-10", 3, 4, Pace.Ahead)]     // a tenth of the time, most mastered
    [InlineData("2026-12-11", 3, 4, Pace.Behind)]    // past the target date
    [InlineData("2026-12-11", 4, 4, Pace.Done)]
    public void Pace_compares_standards_mastered_with_time_elapsed_toward_the_target(string today, int mastered, int total, Pace pace) =>
        Assert.Equal(pace, MasteryPacing.For(Start, Target, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), mastered, total));
}
