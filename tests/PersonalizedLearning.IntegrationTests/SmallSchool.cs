using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>
/// A 25-student school added to the demo district, with levels and groups chosen so every dashboard number can be
/// computed by hand (see the comments): grade 7 has 15 students (5 proficient, 5 beginning, 5 with no level yet),
/// grade 8 has 10 (all developing); 9 English learners (suppressed), 10 students with an IEP (reported).
/// </summary>
public sealed class SmallSchoolFixture : AppFixture
{
    public const string PrincipalEmail = "principal.small@test.example";
    public const string Password = "Small-school-2026!";

    public int SchoolId { get; private set; }
    public int[] Students { get; private set; } = [];
    public int AreaA { get; private set; }
    public int AreaB { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = OwnerContext();
        var districtId = await db.Districts.Select(d => d.Id).FirstAsync();
        var school = new School { DistrictId = districtId, Name = "Small Test School", SourcedId = "small-school", LowestGrade = 7, HighestGrade = 8 };
        db.Schools.Add(school);
        var framework = new CompetencyFramework { DistrictId = districtId, Name = "Test framework", Code = "TST" };
        framework.Levels.Add(new MasteryLevel { Points = 1, Name = "Not yet", Color = "#999999" });
        framework.Levels.Add(new MasteryLevel { Points = 3, Name = "Mastery", Color = "#2e7d32", IsMastery = true });
        db.Frameworks.Add(framework);
        await db.SaveChangesAsync();

        var a = new Standard { FrameworkId = framework.Id, Code = "A", Statement = "Area A" };
        var b = new Standard { FrameworkId = framework.Id, Code = "B", Statement = "Area B", SortOrder = 1 };
        db.Standards.AddRange(a, b);
        await db.SaveChangesAsync();
        var a1 = new Standard { FrameworkId = framework.Id, ParentId = a.Id, Code = "A.1", Statement = "A one" };
        var a2 = new Standard { FrameworkId = framework.Id, ParentId = a.Id, Code = "A.2", Statement = "A two" };
        var b1 = new Standard { FrameworkId = framework.Id, ParentId = b.Id, Code = "B.1", Statement = "B one" };
        db.Standards.AddRange(a1, a2, b1);

        // Students 0–14 in grade 7, 15–24 in grade 8; 0–11 female, 12–24 male; 0–8 English learners; 15–24 with an IEP.
        var students = Enumerable.Range(0, 25).Select(i => new Student
        {
            DistrictId = districtId,
            SchoolId = school.Id,
            StudentNumber = $"SM{i:D3}",
            SourcedId = $"small-{i}",
            // Student 0's name starts with a formula (names are exported first-name first), to prove exports defuse it.
            FirstName = i == 0 ? "=HYPERLINK(\"http://x\")" : $"Pupil{i:D2}",
            LastName = "Small",
            GradeLevel = i < 15 ? 7 : 8,
            Sex = i < 12 ? Sex.Female : Sex.Male,
            EnglishLearner = i < 9,
            HasIep = i >= 15,
        }).ToList();
        db.Students.AddRange(students);
        await db.SaveChangesAsync();
        var advisor = await db.Users.Where(u => u.Active).Select(u => u.Id).FirstAsync();
        var advisory = new Web.Domain.Advisory { SchoolId = school.Id, Name = "Small advisory", AdvisorUserId = advisor };
        db.Advisories.Add(advisory);
        await db.SaveChangesAsync();
        // Students 20–24 have no advisor.
        foreach (var s in students.Take(20))
        {
            s.AdvisoryId = advisory.Id;
        }

        var now = DateTimeOffset.UtcNow;
        void Rollup(Student s, Standard st, bool atMastery) => db.MasteryRollups.Add(new MasteryRollup
        {
            StudentId = s.Id,
            StandardId = st.Id,
            Score = atMastery ? 3 : 1,
            AtMastery = atMastery,
            EvidenceCount = 1,
            LastEvidenceAt = now,
            UpdatedAt = now,
        });
        for (var i = 0; i < 25; i++)
        {
            var s = students[i];
            switch (i)
            {
                case < 5: // 3 of 3 at mastery: proficient (area A 2/2, area B 1/1)
                    Rollup(s, a1, true); Rollup(s, a2, true); Rollup(s, b1, true);
                    break;
                case < 10: // 1 of 3: beginning (area A 1/2 developing, area B 0/1 beginning)
                    Rollup(s, a1, true); Rollup(s, a2, false); Rollup(s, b1, false);
                    break;
                case < 15: // nothing assessed: no level yet
                    break;
                default: // 2 of 3: developing (area A 2/2 proficient, area B 0/1 beginning)
                    Rollup(s, a1, true); Rollup(s, a2, true); Rollup(s, b1, false);
                    break;
            }
        }

        // Open flags: no check-in for 0, 1, 2; low mood for 0; a resolved one for 3 (not counted).
        foreach (var i in new[] { 0, 1, 2 })
        {
            db.Flags.Add(new EarlyWarningFlag { StudentId = students[i].Id, Rule = FlagRule.NoCheckIn, Episode = "e", RaisedAt = now });
        }
        db.Flags.Add(new EarlyWarningFlag { StudentId = students[0].Id, Rule = FlagRule.LowMood, Episode = "e", RaisedAt = now });
        db.Flags.Add(new EarlyWarningFlag { StudentId = students[3].Id, Rule = FlagRule.NoCheckIn, Episode = "e", RaisedAt = now, ResolvedAt = now });

        // Plans this year: 0–3 draft, 4–5 active, 6 submitted; student 4 has one overdue goal (and one achieved).
        int yearId;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            yearId = (await scope.ServiceProvider.GetRequiredService<DistrictClock>().CurrentYearAsync())!.Id;
        }
        for (var i = 0; i < 7; i++)
        {
            var plan = new LearningPlan
            {
                StudentId = students[i].Id,
                SchoolYearId = yearId,
                CreatedAt = now,
                UpdatedAt = now,
                Status = i < 4 ? PlanStatus.Draft : i < 6 ? PlanStatus.Active : PlanStatus.Submitted,
            };
            if (i == 4)
            {
                var past = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-10);
                plan.Goals.Add(new PlanGoal { Title = "Overdue", TargetDate = past, Status = GoalStatus.InProgress });
                plan.Goals.Add(new PlanGoal { Title = "Done", TargetDate = past, Status = GoalStatus.Achieved, SortOrder = 1 });
            }
            db.Plans.Add(plan);
        }
        await db.SaveChangesAsync();

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var principal = new AppUser
            {
                UserName = PrincipalEmail,
                Email = PrincipalEmail,
                EmailConfirmed = true,
                DisplayName = "Small Principal",
                DistrictId = districtId,
                SchoolId = school.Id,
            };
            Check(await users.CreateAsync(principal, Password));
            Check(await users.AddToRoleAsync(principal, Roles.Principal));
        }
        SchoolId = school.Id;
        Students = [.. students.Select(s => s.Id)];
        AreaA = a.Id;
        AreaB = b.Id;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
