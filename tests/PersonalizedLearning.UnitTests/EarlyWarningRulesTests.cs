using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.UnitTests;

/// <summary>
/// Each early-warning rule against a fixed "today" (Tue 2026-12-01) and a calendar with the Thanksgiving break
/// (Wed 25 – Fri 27 November): weekends and the break are never counted as missed school days.
/// </summary>
public class EarlyWarningRulesTests
{
    private static readonly DateOnly Today = D(12, 1);

    private static readonly SchoolCalendar Calendar = new(
        new DateOnly(2026, 8, 24), new DateOnly(2027, 6, 11),
        [(D(11, 25), D(11, 27))]);

    private static readonly DistrictSettings Settings = new();

    private static DateOnly D(int month, int day) => new(2026, month, day);

    private static StudentFacts Facts(
        IEnumerable<CheckInFact>? checkIns = null, IEnumerable<DateOnly>? interventions = null,
        IEnumerable<StandardScores>? standards = null, DateOnly? lastEvidence = null,
        PlanStatus? plan = PlanStatus.Active, IEnumerable<GoalFact>? goals = null) =>
        new(1, [.. checkIns ?? []], [.. interventions ?? []], [.. standards ?? []], lastEvidence, plan, [.. goals ?? []]);

    private static CheckInFact Present(DateOnly day, int? mood = 4, bool needsHelp = false, bool answered = false) =>
        new(day, CheckInAttendance.Present, mood, needsHelp, answered);

    // --- No check-in in N school days ---

    [Fact]
    public void No_check_in_over_the_thanksgiving_break_is_not_missed()
    {
        // Last check-in Tue 24th; seven calendar days ago but only Mon 30th was a school day.
        Assert.Null(EarlyWarningRules.NoCheckIn(Facts([Present(D(11, 24))]), Today, Calendar, Settings));
    }

    [Fact]
    public void Three_missed_school_days_raise_the_flag_with_the_last_check_in_as_the_reason()
    {
        var finding = EarlyWarningRules.NoCheckIn(Facts([Present(D(11, 20))]), Today, Calendar, Settings);

        Assert.NotNull(finding);
        Assert.Equal(FlagRule.NoCheckIn, finding.Rule);
        Assert.Equal(["3", "2026-11-20"], finding.Facts);
        Assert.Equal("2026-11-20", finding.Episode);
    }

    [Fact]
    public void Absence_marks_are_not_check_ins_but_excused_ones_are()
    {
        var absent = Facts([Present(D(11, 20)), new(D(11, 23), CheckInAttendance.Absent, null, false, false), new(D(11, 24), CheckInAttendance.Absent, null, false, false)]);
        var excused = Facts([Present(D(11, 20)), new(D(11, 24), CheckInAttendance.Excused, null, false, false)]);

        Assert.NotNull(EarlyWarningRules.NoCheckIn(absent, Today, Calendar, Settings));
        Assert.Null(EarlyWarningRules.NoCheckIn(excused, Today, Calendar, Settings));
    }

    [Fact]
    public void Todays_missing_check_in_does_not_count_yet_and_the_threshold_is_a_setting()
    {
        // Last check-in Mon 30th: today (Tue) is not missed yet.
        Assert.Null(EarlyWarningRules.NoCheckIn(Facts([Present(D(11, 30))]), Today, Calendar, Settings));
        // Last Tue 24th: one missed school day (Mon 30th), enough with a threshold of 1.
        Assert.NotNull(EarlyWarningRules.NoCheckIn(Facts([Present(D(11, 24))]), Today, Calendar, new DistrictSettings { NoCheckInSchoolDays = 1 }));
    }

    [Fact]
    public void A_student_who_never_checked_in_is_flagged_with_no_last_day()
    {
        var finding = EarlyWarningRules.NoCheckIn(Facts(), Today, Calendar, Settings);
        Assert.NotNull(finding);
        Assert.Equal("none", finding.Episode);
        Assert.Equal("", finding.Facts[1]);
    }

    // --- Mood ≤ 2 on 3 of the last 5 ---

    [Fact]
    public void Low_mood_on_three_of_the_last_five_raises_the_flag()
    {
        var moods = new[] { 2, 1, 4, 2, 5 };
        var checkIns = moods.Select((m, i) => Present(Today.AddDays(-i), m));

        var finding = EarlyWarningRules.LowMood(Facts(checkIns), Settings);

        Assert.NotNull(finding);
        Assert.Equal(["3", "5"], finding.Facts);
        Assert.Equal("2026-12-01", finding.Episode);
    }

    [Fact]
    public void A_low_mood_older_than_the_last_five_does_not_count_and_days_without_a_mood_are_skipped()
    {
        int[] olderMoods = [2, 1, 4, 3, 5, 2];
        var older = olderMoods.Select((m, i) => Present(Today.AddDays(-i), m));
        Assert.Null(EarlyWarningRules.LowMood(Facts(older), Settings));

        var withGaps = new[] { Present(D(11, 30), 1), Present(D(11, 24), null), Present(D(11, 23), 2), Present(D(11, 20), 2) };
        Assert.NotNull(EarlyWarningRules.LowMood(Facts(withGaps), Settings));
    }

    // --- Needs help unanswered for 2 school days ---

    [Fact]
    public void An_unanswered_request_for_help_is_flagged_after_two_school_days_not_counting_the_break()
    {
        var facts = Facts([Present(D(11, 24), needsHelp: true)]);

        Assert.Null(EarlyWarningRules.HelpUnanswered(facts, D(11, 30), Calendar, Settings));
        var finding = EarlyWarningRules.HelpUnanswered(facts, Today, Calendar, Settings);
        Assert.NotNull(finding);
        Assert.Equal(["2026-11-24", "2"], finding.Facts);
    }

    [Fact]
    public void A_reply_or_a_later_intervention_answers_the_request()
    {
        Assert.Null(EarlyWarningRules.HelpUnanswered(Facts([Present(D(11, 23), needsHelp: true, answered: true)]), Today, Calendar, Settings));
        Assert.Null(EarlyWarningRules.HelpUnanswered(Facts([Present(D(11, 23), needsHelp: true)], interventions: [D(11, 24)]), Today, Calendar, Settings));
        Assert.NotNull(EarlyWarningRules.HelpUnanswered(Facts([Present(D(11, 23), needsHelp: true)], interventions: [D(11, 20)]), Today, Calendar, Settings));
        Assert.Null(EarlyWarningRules.HelpUnanswered(Facts([Present(D(11, 23), needsHelp: true), Present(D(11, 24), answered: true)]), Today, Calendar, Settings));
    }

    [Fact]
    public void A_request_older_than_ten_school_days_is_history_not_an_alarm()
    {
        // Wed 11 Nov is 11 school days before 1 Dec (the break does not count); Thu 12 Nov is 10.
        Assert.Null(EarlyWarningRules.HelpUnanswered(Facts([Present(D(11, 11), needsHelp: true)]), Today, Calendar, Settings));
        Assert.NotNull(EarlyWarningRules.HelpUnanswered(Facts([Present(D(11, 12), needsHelp: true)]), Today, Calendar, Settings));
    }

    // --- Mastery falling on 2+ standards ---

    [Fact]
    public void Scores_falling_three_times_in_a_row_on_two_standards_raise_the_flag()
    {
        var finding = EarlyWarningRules.MasteryFalling(Facts(standards:
        [
            new(7, "Q.1", [3.5m, 3m, 2.5m, 2m]),
            new(8, "C.2", [4m, 3m, 2m]),
            new(9, "E.1", [1m, 2m, 3m]),
        ]), Settings);

        Assert.NotNull(finding);
        Assert.Equal("7,8", finding.Episode);
        Assert.Equal(["C.2: 4 → 3 → 2", "Q.1: 3 → 2.5 → 2"], finding.Facts);
    }

    [Fact]
    public void A_flat_step_or_a_single_falling_standard_is_not_enough()
    {
        Assert.False(EarlyWarningRules.IsFalling([3m, 3m, 2m]));
        Assert.False(EarlyWarningRules.IsFalling([3m, 2m]));
        Assert.True(EarlyWarningRules.IsFalling([1m, 4m, 3m, 2m]));
        Assert.Null(EarlyWarningRules.MasteryFalling(Facts(standards: [new(7, "Q.1", [4m, 3m, 2m]), new(8, "C.2", [3m, 3m, 2m])]), Settings));
    }

    // --- No evidence in 10 school days ---

    [Fact]
    public void No_evidence_counts_school_days_only()
    {
        // After Fri 13th: 16–20 (5), 23–24 (2), 30 and 1 Dec (2) = 9 school days in 18 calendar days.
        Assert.Null(EarlyWarningRules.NoEvidence(Facts(lastEvidence: D(11, 13)), Today, Calendar, Settings));
        var finding = EarlyWarningRules.NoEvidence(Facts(lastEvidence: D(11, 12)), Today, Calendar, Settings);
        Assert.NotNull(finding);
        Assert.Equal(["10", "2026-11-12"], finding.Facts);
    }

    // --- Plan goals past their target date ---

    [Fact]
    public void Goals_past_their_date_and_not_achieved_or_dropped_raise_the_flag()
    {
        var finding = EarlyWarningRules.GoalsPastTarget(Facts(goals:
        [
            new(1, "Read two novels", D(11, 30), GoalStatus.InProgress),
            new(2, "Finish the lab report", D(11, 2), GoalStatus.Achieved),
            new(3, "Fractions", D(11, 2), GoalStatus.Dropped),
            new(4, "Due today", Today, GoalStatus.NotStarted),
        ]), Today);

        Assert.NotNull(finding);
        Assert.Equal(["Read two novels (2026-11-30)"], finding.Facts);
        Assert.Null(EarlyWarningRules.GoalsPastTarget(Facts(goals: [new(4, "Due today", Today, GoalStatus.NotStarted)]), Today));
    }

    // --- Plan still draft 3 weeks into the year ---

    [Fact]
    public void A_draft_plan_is_flagged_from_three_weeks_after_the_first_day()
    {
        Assert.Null(EarlyWarningRules.PlanStillDraft(Facts(plan: PlanStatus.Draft), D(9, 13), Calendar, Settings));
        Assert.NotNull(EarlyWarningRules.PlanStillDraft(Facts(plan: PlanStatus.Draft), D(9, 14), Calendar, Settings));
        Assert.NotNull(EarlyWarningRules.PlanStillDraft(Facts(plan: null), D(9, 14), Calendar, Settings));
        Assert.Null(EarlyWarningRules.PlanStillDraft(Facts(plan: PlanStatus.Submitted), D(9, 14), Calendar, Settings));
    }

    [Fact]
    public void A_student_doing_well_raises_no_flag()
    {
        var facts = Facts(
            checkIns: Calendar.SchoolDays(D(11, 16), D(11, 30)).Select(d => Present(d, 4)),
            standards: [new(7, "Q.1", [2m, 3m, 3.5m])],
            lastEvidence: D(11, 30),
            goals: [new(1, "Read two novels", D(12, 18), GoalStatus.InProgress)]);

        Assert.Empty(EarlyWarningRules.Evaluate(facts, Today, Calendar, Settings));
    }
}
