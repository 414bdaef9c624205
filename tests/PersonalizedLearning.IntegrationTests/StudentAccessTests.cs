using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Students;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>The access filter, role by role, against scopes computed independently in SQL.</summary>
public class StudentAccessTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string UserIdOf = "(SELECT id FROM users WHERE normalized_email = upper(@p0))";

    private static readonly Dictionary<string, string> ExpectedScopeSql = new()
    {
        [Roles.Student] = $"SELECT id FROM students WHERE user_id = {UserIdOf} AND active",
        [Roles.Teacher] = $"""
            SELECT DISTINCT e.student_id FROM enrollments e
            JOIN section_teachers t ON t.section_id = e.section_id
            JOIN sections s ON s.id = e.section_id JOIN students st ON st.id = e.student_id
            WHERE t.teacher_user_id = {UserIdOf} AND e.active AND s.active AND st.active
            """,
        [Roles.Advisor] = $"""
            SELECT st.id FROM students st JOIN advisories a ON a.id = st.advisory_id
            WHERE a.advisor_user_id = {UserIdOf} AND a.active AND st.active
            """,
        [Roles.Guardian] = $"""
            SELECT g.student_id FROM guardian_links g JOIN students st ON st.id = g.student_id
            WHERE g.guardian_user_id = {UserIdOf} AND NOT g.custody_restricted AND st.active
            """,
        [Roles.Principal] = $"SELECT id FROM students WHERE school_id = (SELECT school_id FROM users WHERE id = {UserIdOf}) AND active",
        [Roles.DistrictAdmin] = $"SELECT id FROM students WHERE district_id = (SELECT district_id FROM users WHERE id = {UserIdOf})",
    };

    public static TheoryData<string> AllRoles => [.. Roles.All];

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task Each_role_sees_exactly_its_own_students(string role)
    {
        var email = AppFixture.DemoEmail(role);
        var expected = await ExpectedScopeAsync(email);

        var visible = await VisibleIdsAsync(email);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), visible.Order());
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task A_student_outside_the_scope_answers_not_found_like_a_missing_id(string role)
    {
        var email = AppFixture.DemoEmail(role);
        var inScope = (await fixture.QueryAsync<int>(ExpectedScopeSql[role], email)).First();
        var outside = await fixture.QueryAsync<int>(
            $"SELECT id FROM students WHERE NOT (id = ANY(@p1)) ORDER BY id LIMIT 1", email,
            (await fixture.QueryAsync<int>(ExpectedScopeSql[role], email)).ToArray());

        await using var scope = await fixture.App.ScopeForAsync(email);
        var records = fixture.Service<StudentRecordService>(scope);

        Assert.NotNull(await records.GetAsync(inScope));
        Assert.Null(await records.GetAsync(int.MaxValue));
        if (role != Roles.DistrictAdmin)
        {
            Assert.Null(await records.GetAsync(outside.Single()));
        }
    }

    [Fact]
    public async Task A_custody_restriction_hides_the_child_from_that_guardian_only()
    {
        await using var db = fixture.OwnerContext();
        var restricted = await db.GuardianLinks.AsNoTracking().SingleAsync(g => g.CustodyRestricted);
        var other = await db.GuardianLinks.AsNoTracking()
            .FirstAsync(g => g.StudentId == restricted.StudentId && !g.CustodyRestricted);
        var restrictedEmail = await db.Users.Where(u => u.Id == restricted.GuardianUserId).Select(u => u.Email!).SingleAsync();
        var otherEmail = await db.Users.Where(u => u.Id == other.GuardianUserId).Select(u => u.Email!).SingleAsync();

        Assert.DoesNotContain(restricted.StudentId, await VisibleIdsAsync(restrictedEmail));
        Assert.Contains(restricted.StudentId, await VisibleIdsAsync(otherEmail));
    }

    [Fact]
    public async Task A_user_with_two_roles_sees_the_union_of_both_scopes()
    {
        var email = DemoDistrict.DualRoleEmail;
        var asTeacher = await fixture.QueryAsync<int>(ExpectedScopeSql[Roles.Teacher], email);
        var asGuardian = await fixture.QueryAsync<int>(ExpectedScopeSql[Roles.Guardian], email);

        var visible = await VisibleIdsAsync(email);

        Assert.NotEmpty(asTeacher);
        Assert.NotEmpty(asGuardian);
        Assert.Equal(asTeacher.Union(asGuardian).Order(), visible.Order());
        Assert.Equal(await ExpectedScopeAsync(email), visible.Order());
    }

    [Fact]
    public async Task Removing_a_guardian_link_takes_effect_on_the_next_query()
    {
        var email = AppFixture.DemoEmail(Roles.Guardian);
        await using var scope = await fixture.App.ScopeForAsync(email);
        var records = fixture.Service<StudentRecordService>(scope);
        var child = (await fixture.QueryAsync<int>(ExpectedScopeSql[Roles.Guardian], email)).Max();
        Assert.NotNull(await records.GetAsync(child));

        await using (var db = fixture.OwnerContext())
        {
            await db.GuardianLinks.Where(g => g.StudentId == child && g.GuardianUserId == db.Users.Single(u => u.NormalizedEmail == email.ToUpperInvariant()).Id)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.CustodyRestricted, true));
        }

        Assert.Null(await records.GetAsync(child));
    }

    /// <summary>The union of the scopes of every role the user holds, computed in SQL.</summary>
    private async Task<List<int>> ExpectedScopeAsync(string email)
    {
        var roles = await fixture.QueryAsync<string>(
            $"SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = {UserIdOf}", email);
        var ids = new SortedSet<int>();
        foreach (var role in roles)
        {
            ids.UnionWith(await fixture.QueryAsync<int>(ExpectedScopeSql[role], email));
        }
        return [.. ids];
    }

    private async Task<List<int>> VisibleIdsAsync(string email)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        var me = await fixture.Service<CurrentUser>(scope).GetAsync();
        await using var db = fixture.OwnerContext();
        return await db.Students.VisibleTo(db, me).Select(s => s.Id).ToListAsync();
    }
}
