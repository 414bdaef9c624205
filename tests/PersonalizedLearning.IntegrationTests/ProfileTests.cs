using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Profiles;

namespace PersonalizedLearning.IntegrationTests;

public class ProfileTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData(Roles.Student, false)]
    [InlineData(Roles.Guardian, false)]
    [InlineData(Roles.Teacher, true)]
    [InlineData(Roles.Advisor, true)]
    [InlineData(Roles.Principal, true)]
    [InlineData(Roles.DistrictAdmin, true)]
    public async Task Support_notes_are_shown_only_to_staff_who_serve_the_student(string role, bool sees)
    {
        var maya = await MayaAsync();
        await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(role));

        var view = await fixture.Service<ProfileService>(scope).GetAsync(maya);

        Assert.NotNull(view);
        Assert.Equal(sees, view.Support is not null);
        Assert.Equal(role == Roles.Student, view.CanEdit);
    }

    [Fact]
    public async Task The_student_edits_their_profile_and_a_stale_second_device_gets_a_conflict_not_an_overwrite()
    {
        var maya = await MayaAsync();
        await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Student));
        var profiles = fixture.Service<ProfileService>(scope);
        var opened = (await profiles.GetAsync(maya))!;

        var phone = opened.Fields.Copy();
        phone.Strengths = "Drawing and patterns";
        phone.InterestClusters = ["Arts", "Marketing"];
        Assert.IsType<ProfileSaveOutcome.Saved>(await profiles.SaveAsync(maya, opened.Version, phone));

        var laptop = opened.Fields.Copy();
        laptop.Strengths = "Typed on the laptop";
        var conflict = Assert.IsType<ProfileSaveOutcome.Conflict>(await profiles.SaveAsync(maya, opened.Version, laptop));

        Assert.Equal("Drawing and patterns", conflict.Theirs.Strengths);
        Assert.Equal("Drawing and patterns", (await profiles.GetAsync(maya))!.Fields.Strengths);
        Assert.Equal(["Arts", "Marketing"], (await profiles.GetAsync(maya))!.Fields.InterestClusters);
    }

    [Fact]
    public async Task Nobody_but_the_student_can_change_the_profile_and_bad_input_changes_nothing()
    {
        var maya = await MayaAsync();
        await using (var guardian = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Guardian)))
        {
            var profiles = fixture.Service<ProfileService>(guardian);
            var view = (await profiles.GetAsync(maya))!;
            var form = view.Fields.Copy();
            form.Motivation = "Changed by parent";
            Assert.Equal("Problem.OnlyTheStudent", Assert.IsType<ProfileSaveOutcome.Refused>(await profiles.SaveAsync(maya, view.Version, form)).ErrorKey);
        }

        await using var student = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Student));
        var own = fixture.Service<ProfileService>(student);
        var mine = (await own.GetAsync(maya))!;
        var tooLong = mine.Fields.Copy();
        tooLong.Interests = new string('x', ProfileForm.Limit + 1);
        tooLong.InterestClusters = ["Space piracy"];
        var refused = Assert.IsType<ProfileSaveOutcome.Refused>(await own.SaveAsync(maya, mine.Version, tooLong));
        Assert.Equal("Problem.TooLong", refused.FieldProblems["Interests"]);
        Assert.Equal("Problem.UnknownCluster", refused.FieldProblems["InterestClusters"]);
        Assert.Equal(mine.Fields.Interests, (await own.GetAsync(maya))!.Fields.Interests);

        var classmate = (await fixture.QueryAsync<int>("SELECT id FROM students WHERE id <> @p0 ORDER BY id LIMIT 1", maya)).Single();
        Assert.Null(await own.GetAsync(classmate));
        Assert.IsType<ProfileSaveOutcome.Refused>(await own.SaveAsync(classmate, 0, mine.Fields));
    }

    private async Task<int> MayaAsync() =>
        (await fixture.QueryAsync<int>("SELECT id FROM students WHERE user_id = (SELECT id FROM users WHERE normalized_email = upper(@p0))",
            AppFixture.DemoEmail(Roles.Student))).Single();
}
