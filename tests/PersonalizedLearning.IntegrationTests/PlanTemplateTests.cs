using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Plans;

namespace PersonalizedLearning.IntegrationTests;

public class PlanTemplateTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_new_plan_starts_from_the_schools_template_before_the_districts()
    {
        var (studentId, email, schoolId, grade) = await AStudentWithoutAPlanAsync();
        await using (var principal = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal)))
        {
            var form = new TemplateForm
            {
                Name = "Our school's plan",
                SchoolId = schoolId,
                LowestGrade = grade,
                HighestGrade = grade,
                Aspirations = "School prompt",
                Goals = [new() { Title = "Read 20 books", WeeksFromStart = 10 }],
            };
            Assert.True((await fixture.Service<PlanTemplateService>(principal).SaveAsync(form)).Succeeded);
        }

        await using var student = await fixture.App.ScopeForAsync(email);
        Assert.True((await fixture.Service<PlanEditing>(student).StartAsync(studentId)).Succeeded);

        var plan = (await fixture.Service<PlanService>(student).GetAsync(studentId))!.Plan!;
        Assert.Equal(PlanStatus.Draft, plan.Status);
        Assert.Equal("School prompt", plan.Content.Aspirations);
        Assert.Equal("Read 20 books", Assert.Single(plan.Content.Goals).Title);
    }

    [Fact]
    public async Task A_principal_cannot_change_district_templates_and_bad_templates_are_refused()
    {
        await using var principal = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal));
        var templates = fixture.Service<PlanTemplateService>(principal);
        var (rows, _) = await templates.ListAsync();
        var district = rows.First(r => r.School is null);
        Assert.False(district.CanEdit);

        var form = (await templates.GetAsync(district.Id))!;
        form.Name = "Taken over";
        Assert.False((await templates.SaveAsync(form)).Succeeded);
        Assert.Equal("Problem.GradeRange", (await templates.SaveAsync(new TemplateForm { Name = "x", SchoolId = 1, LowestGrade = 9, HighestGrade = 6 })).ErrorKey);
        Assert.Equal(district.Name, (await templates.GetAsync(district.Id))!.Name);
    }

    private async Task<(int StudentId, string Email, int SchoolId, int Grade)> AStudentWithoutAPlanAsync()
    {
        await using var db = fixture.OwnerContext();
        var principalSchool = await db.Users.Where(u => u.NormalizedEmail == AppFixture.DemoEmail(Roles.Principal).ToUpperInvariant()).Select(u => u.SchoolId).SingleAsync();
        var student = await db.Students.Where(s => s.SchoolId == principalSchool && s.UserId != null)
            .OrderByDescending(s => s.Id).Select(s => new { s.Id, s.SchoolId, s.GradeLevel, Email = db.Users.Where(u => u.Id == s.UserId).Select(u => u.Email!).First() })
            .FirstAsync();
        await db.Plans.Where(p => p.StudentId == student.Id).ExecuteDeleteAsync();
        return (student.Id, student.Email, student.SchoolId, student.GradeLevel);
    }
}
