using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Seeding;

internal sealed record CheckInRow(Student Student, Advisory Advisory, CheckIn CheckIn);

internal sealed partial class DemoBuilder
{
    private readonly Dictionary<LearnerProfile, Student> profileOwners = [];

    public List<LearnerProfile> Profiles { get; } = [];
    public List<LearningPlan> Plans { get; } = [];
    public List<CheckInRow> CheckIns { get; } = [];

    /// <summary>Profiles get their student's new id (the profile's key).</summary>
    public void BindStudents()
    {
        foreach (var (profile, student) in profileOwners)
        {
            profile.StudentId = student.Id;
        }
    }

    private void BuildProfilesAndPlans()
    {
        foreach (var p in pupils)
        {
            var profile = NewProfile(p);
            Plans.Add(NewPlan(p, profile.Aspirations));
        }
    }

    private LearnerProfile NewProfile(Pupil p)
    {
        var clusters = Sample(Enumerable.Range(0, DemoText.InterestClusters.Length).ToList(), rng.Next(1, 4));
        var iep = Chance(0.12);
        var plan504 = !iep && Chance(0.068);
        var englishLearner = Chance(p.Student.PreferredLanguage == "es" ? 0.42 : 0.035);
        var supports = new List<string>();
        if (iep)
        {
            supports.Add("IEP: " + string.Join(" ", Sample(DemoText.IepNotes, 2)));
        }
        if (plan504)
        {
            supports.Add("504 plan: " + string.Join(" ", Sample(DemoText.Notes504, 2)));
        }
        if (englishLearner)
        {
            supports.Add("English learner: " + Pick(DemoText.EnglishLearnerNotes));
        }

        var profile = new LearnerProfile
        {
            Strengths = string.Join(" ", Sample(DemoText.Strengths, rng.Next(1, 3))),
            Challenges = string.Join(" ", Sample(DemoText.Challenges, rng.Next(1, 3))),
            Interests = string.Join(", ", Sample(DemoText.Interests, rng.Next(2, 4))),
            InterestClusters = [.. clusters.Select(i => DemoText.InterestClusters[i])],
            Aspirations = DemoText.Aspirations[clusters[0]][rng.Next(2)],
            LearningPreferences = string.Join(" ", Sample(DemoText.LearningPreferences, rng.Next(1, 3))),
            Motivation = Pick(DemoText.Motivations),
            SupportNotes = string.Join("\n", supports),
            HasIep = iep,
            Has504 = plan504,
            EnglishLearner = englishLearner,
            UpdatedAt = now.AddDays(-rng.Next(1, 40)).AddMinutes(-rng.Next(600)),
        };
        Profiles.Add(profile);
        profileOwners[profile] = p.Student;
        return profile;
    }

    private LearningPlan NewPlan(Pupil p, string aspirations)
    {
        var status = p == maya ? PlanStatus.Active : Weighted(20, 10, 5, 60, 5) switch
        {
            0 => PlanStatus.Draft,
            1 => PlanStatus.Submitted,
            2 => PlanStatus.ChangesRequested,
            3 => PlanStatus.Active,
            _ => PlanStatus.Completed,
        };
        var yearDay = Year.StartsOn.AddDays(7);
        var createdOn = RandomDay(yearDay, today.AddDays(-14) < yearDay ? yearDay : today.AddDays(-14));
        var created = Utc(createdOn, rng.Next(9, 16), rng.Next(60));
        created = created > now ? now.AddHours(-1) : created;
        var updated = created + ((now - created) * rng.NextDouble());
        var plan = new LearningPlan
        {
            Student = p.Student,
            Status = status,
            Aspirations = aspirations,
            Reflection = status == PlanStatus.Completed || (status == PlanStatus.Active && Chance(0.3)) ? Pick(DemoText.Reflections) : "",
            CreatedAt = created,
            UpdatedAt = updated,
        };

        // Maya's plan: a math goal (Mr. Kim's class), a writing goal and an organization goal.
        var templates = p == maya ? [DemoText.Goals[1], DemoText.Goals[2], DemoText.Goals[9]] : Sample(DemoText.Goals, rng.Next(2, 5));
        for (var i = 0; i < templates.Count; i++)
        {
            plan.Goals.Add(NewGoal(p, templates[i], status, i + 1));
        }
        foreach (var title in Sample(DemoText.Milestones, rng.Next(1, 4)))
        {
            var due = RandomDay(createdOn.AddDays(7), Year.EndsOn.AddDays(-7));
            DateOnly? completed = null;
            if (status == PlanStatus.Completed || (status != PlanStatus.Draft && due < today && Chance(0.7)))
            {
                var done = due.AddDays(-rng.Next(0, 6));
                done = done < createdOn ? createdOn : done;
                completed = done > today ? today : done;
            }
            plan.Milestones.Add(new PlanMilestone { Title = title, DueOn = due, CompletedOn = completed });
        }
        return plan;
    }

    private PlanGoal NewGoal(Pupil p, GoalSeed seed, PlanStatus status, int order)
    {
        var goalStatus = status switch
        {
            PlanStatus.Draft => GoalStatus.NotStarted,
            PlanStatus.Submitted or PlanStatus.ChangesRequested => Chance(0.7) ? GoalStatus.NotStarted : GoalStatus.InProgress,
            PlanStatus.Completed => Chance(0.85) ? GoalStatus.Achieved : GoalStatus.Dropped,
            _ => (GoalStatus)Weighted(15, 55, 25, 5),
        };

        var start = Year.StartsOn.AddDays(21);
        var future = today.AddDays(7) > start ? today.AddDays(7) : start;
        future = future > Year.EndsOn ? Year.EndsOn : future;
        var past = today.AddDays(-1) > start ? today.AddDays(-1) : start;
        var target = goalStatus switch
        {
            _ when status == PlanStatus.Completed => RandomDay(start, past),
            GoalStatus.Achieved or GoalStatus.Dropped => RandomDay(start, Year.EndsOn),
            // A few active goals are overdue and not achieved.
            _ when status == PlanStatus.Active && Chance(0.06) => RandomDay(start, past),
            _ => RandomDay(future, Year.EndsOn),
        };

        // Link to the standards the student has evidence on under the goal's target, else any of the target's.
        var targetParent = seed.Target == "MATH" ? (p.School == Middle ? null : "LG.QUA") : seed.Target;
        var candidates = p.EvidenceStandards.Where(s => targetParent is null ? s.Framework == math : ParentOf(s).Code == targetParent).ToList();
        if (candidates.Count == 0)
        {
            candidates = [.. ChildStandards.Where(s => s.Framework == met && ParentOf(s).Code == (targetParent ?? "LG.QUA"))];
        }

        var goal = new PlanGoal
        {
            Title = seed.Title,
            WhyItMatters = seed.WhyItMatters,
            Strategy = seed.Strategy,
            TargetDate = target,
            Status = goalStatus,
            SortOrder = order,
        };
        goal.Standards.AddRange(Sample(candidates, rng.Next(1, 3)));
        return goal;
    }

    private void BuildCheckIns()
    {
        var lastFour = CheckInDays.TakeLast(4).ToHashSet();
        foreach (var (advisory, _, advisor) in advisoryInfos)
        {
            var members = pupils.Where(p => p.Advisory == advisory).ToList();
            foreach (var day in CheckInDays)
            {
                foreach (var p in members)
                {
                    if (p.Quiet && lastFour.Contains(day))
                    {
                        continue;
                    }
                    var checkIn = NewCheckIn(p, day);
                    if (checkIn is not null)
                    {
                        checkIn.RecordedByUserId = advisor.User.Id;
                        CheckIns.Add(new CheckInRow(p.Student, advisory, checkIn));
                    }
                }
            }
        }
    }

    private CheckIn? NewCheckIn(Pupil p, DateOnly day)
    {
        var attendance = p.AtRisk ? Weighted(78, 14, 3, 5) : Weighted(905, 55, 20, 20);
        var checkIn = new CheckIn { Day = day, RecordedAt = Utc(day, 8, 5 + rng.Next(40)) };
        switch (attendance)
        {
            case 0:
                checkIn.Attendance = CheckInAttendance.Present;
                var mood = p.AtRisk ? Weighted(14, 32, 34, 15, 5) : Weighted(2, 8, 28, 40, 22);
                checkIn.Mood = Chance(0.05) ? null : mood + 1;
                checkIn.TodayGoal = Pick(DemoText.TodayGoals);
                checkIn.Progress = Chance(0.3) ? Pick(DemoText.ProgressNotes) : "";
                checkIn.NeedsHelp = Chance(p.AtRisk ? 0.25 : 0.08);
                checkIn.HelpWith = checkIn.NeedsHelp ? Pick(DemoText.HelpTopics) : "";
                if (Chance(p.AtRisk ? 0.2 : 0.07))
                {
                    checkIn.AdvisorNote = Pick(DemoText.CheckInNotes);
                    checkIn.AdvisorNoteShared = Chance(0.4);
                }
                return checkIn;
            case 1:
                checkIn.Attendance = CheckInAttendance.Absent;
                checkIn.AdvisorNote = Chance(p.AtRisk ? 0.3 : 0.1) ? Pick(DemoText.AbsenceNotes) : "";
                return checkIn;
            case 2:
                checkIn.Attendance = CheckInAttendance.Excused;
                checkIn.AdvisorNote = Chance(0.5) ? Pick(DemoText.ExcusedNotes) : "";
                return checkIn;
            default:
                return null;
        }
    }
}
