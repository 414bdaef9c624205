using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>
/// The one-round-trip section grid (SectionGridQuery): on the seeded demo district it shows exactly what the
/// EF queries through the access filter (<c>VisibleTo</c>) read, and the access rule holds: a teacher not on the
/// section, a non-teacher, an inactive section or a withdrawn student give nothing.
/// </summary>
public class SectionGridQueryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static string Teacher => AppFixture.DemoEmail(Roles.Teacher);

    [Fact]
    public async Task Every_section_and_framework_of_the_teacher_shows_the_same_roster_standards_cells_and_attention_as_the_access_filter_reads()
    {
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var me = await fixture.Service<CurrentUser>(scope).GetAsync();
        var mastery = fixture.Service<MasteryService>(scope);
        var clock = fixture.Service<DistrictClock>(scope);
        await using var db = fixture.OwnerContext();
        var sections = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == me.UserId))
            .Select(s => new { s.Id, s.SchoolId }).ToListAsync();
        var frameworks = await db.Frameworks.OrderBy(f => f.Name).Select(f => f.Id).ToListAsync();
        Assert.NotEmpty(sections);
        var compared = 0;

        foreach (var section in sections)
        {
            foreach (var framework in frameworks)
            {
                var grid = await mastery.SectionGridAsync(me, section.Id, framework);
                Assert.NotNull(grid);
                Assert.Equal(framework, grid.FrameworkId);
                Assert.Equal(frameworks, grid.Frameworks.Select(f => f.Id));

                // The reference: the queries the grid ran before, each student query through the access filter.
                var students = db.Students.AsNoTracking().VisibleTo(db, me)
                    .Where(s => s.Enrollments.Any(e => e.SectionId == section.Id && e.Active));
                var roster = await students.OrderBy(s => s.LastName).ThenBy(s => s.FirstName)
                    .Select(s => new GridStudent(s.Id, s.FirstName + " " + s.LastName)).ToListAsync();
                var cells = await db.MasteryRollups.AsNoTracking()
                    .Where(r => students.Any(s => s.Id == r.StudentId) && db.Standards.Any(s => s.Id == r.StandardId && s.FrameworkId == framework))
                    .Select(r => new GridCell(r.StudentId, r.StandardId, r.Score, r.AtMastery, r.EvidenceCount, r.LastEvidenceAt))
                    .ToListAsync();
                var standards = await db.Standards.AsNoTracking().Where(s => s.FrameworkId == framework).OrderBy(s => s.SortOrder)
                    .Select(s => new StandardColumn(s.Id, s.Code, s.Statement, s.ParentId)).ToListAsync();
                var levels = await db.MasteryLevels.AsNoTracking().Where(l => l.FrameworkId == framework).OrderBy(l => l.Points)
                    .Select(l => new LevelView(l.Points, l.Name, l.Color, l.IsMastery)).ToListAsync();

                Assert.Equal(roster, grid.Students);
                Assert.Equal(cells.OrderBy(c => c.StudentId).ThenBy(c => c.StandardId), grid.Cells.OrderBy(c => c.StudentId).ThenBy(c => c.StandardId));
                Assert.Equal(standards.OrderBy(s => s.Id), grid.Groups.Concat(grid.Standards).OrderBy(s => s.Id));
                Assert.Equal(levels, grid.Levels);

                var zone = await clock.TimeZoneAsync();
                var year = await clock.CurrentYearAsync();
                var calendar = year is null ? null : await clock.CalendarAsync(year, section.SchoolId);
                var codes = grid.Standards.ToDictionary(s => s.Id, s => s.Code);
                var attention = roster.Select(s => MasteryAttention.For(s, cells, codes, clock.Today(zone), calendar,
                        at => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime)))
                    .OfType<AttentionRow>().ToList();
                Assert.Equal(attention.Select(Describe), grid.Attention.Select(Describe));
                compared += grid.Cells.Count;
            }
        }
        Assert.True(compared > 100, $"only {compared} cells compared: the demo seed should give the teacher's grids rollups");
    }

    [Fact]
    public async Task Without_a_framework_the_grid_shows_that_of_the_sections_latest_evidence()
    {
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var me = await fixture.Service<CurrentUser>(scope).GetAsync();
        await using var db = fixture.OwnerContext();
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == me.UserId)
                && db.Evidence.Any(e => e.SectionId == s.Id))
            .OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        var latest = await db.Evidence.Where(e => e.SectionId == section).OrderByDescending(e => e.RecordedAt)
            .Select(e => db.Standards.Where(s => s.Id == e.StandardId).Select(s => s.FrameworkId).First()).FirstAsync();

        var grid = await fixture.Service<MasteryService>(scope).SectionGridAsync(me, section, null);
        var unknown = await fixture.Service<MasteryService>(scope).SectionGridAsync(me, section, -1);

        Assert.Equal(latest, grid!.FrameworkId);
        Assert.Equal(latest, unknown!.FrameworkId);
    }

    [Fact]
    public async Task A_teacher_not_on_the_section_a_non_teacher_and_an_inactive_section_get_nothing()
    {
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var me = await fixture.Service<CurrentUser>(scope).GetAsync();
        var mastery = fixture.Service<MasteryService>(scope);
        int mine, theirs;
        string otherTeacher;
        await using (var db = fixture.OwnerContext())
        {
            mine = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == me.UserId)).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
            var other = await db.SectionTeachers
                .Where(t => t.TeacherUserId != me.UserId && db.Sections.Any(s => s.Id == t.SectionId && s.Active && !s.Teachers.Any(x => x.TeacherUserId == me.UserId)))
                .OrderBy(t => t.SectionId).FirstAsync();
            (theirs, otherTeacher) = (other.SectionId, other.TeacherUserId);
        }
        Assert.NotNull(await mastery.SectionGridAsync(me, mine, null));

        // Another teacher on my section, I on theirs, and my own user without the teacher role: nothing.
        Assert.Null(await mastery.SectionGridAsync(new Viewer(otherTeacher, new HashSet<string> { Roles.Teacher }), mine, null));
        Assert.Null(await mastery.SectionGridAsync(me, theirs, null));
        Assert.Null(await mastery.SectionGridAsync(new Viewer(me.UserId, new HashSet<string> { Roles.Advisor, Roles.Principal }), mine, null));
        Assert.Null(await mastery.SectionGridAsync(me, int.MaxValue, null));

        // A section that is no longer active: nothing either.
        await fixture.QueryAsync<int>("UPDATE sections SET active = false WHERE id = @p0 RETURNING id", mine);
        try
        {
            Assert.Null(await mastery.SectionGridAsync(me, mine, null));
        }
        finally
        {
            await fixture.QueryAsync<int>("UPDATE sections SET active = true WHERE id = @p0 RETURNING id", mine);
        }
    }

    [Fact]
    public async Task A_withdrawn_or_inactive_student_leaves_the_grid_with_their_cells()
    {
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var me = await fixture.Service<CurrentUser>(scope).GetAsync();
        var mastery = fixture.Service<MasteryService>(scope);
        await using var db = fixture.OwnerContext();
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == me.UserId)).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        var before = await mastery.SectionGridAsync(me, section, null);
        var withdrawn = before!.Cells.Select(c => c.StudentId).Distinct().Order().First();
        var inactive = before.Cells.Select(c => c.StudentId).Distinct().Order().Skip(1).First();

        await db.Enrollments.Where(e => e.SectionId == section && e.StudentId == withdrawn).ExecuteUpdateAsync(u => u.SetProperty(e => e.Active, false));
        await db.Students.Where(s => s.Id == inactive).ExecuteUpdateAsync(u => u.SetProperty(s => s.Active, false));
        try
        {
            var after = await mastery.SectionGridAsync(me, section, before.FrameworkId);
            Assert.Equal(before.Students.Count - 2, after!.Students.Count);
            Assert.DoesNotContain(after.Students, s => s.Id == withdrawn || s.Id == inactive);
            Assert.DoesNotContain(after.Cells, c => c.StudentId == withdrawn || c.StudentId == inactive);
            Assert.DoesNotContain(after.Attention, a => a.StudentId == withdrawn || a.StudentId == inactive);
        }
        finally
        {
            await db.Enrollments.Where(e => e.SectionId == section && e.StudentId == withdrawn).ExecuteUpdateAsync(u => u.SetProperty(e => e.Active, true));
            await db.Students.Where(s => s.Id == inactive).ExecuteUpdateAsync(u => u.SetProperty(s => s.Active, true));
        }
    }

    private static string Describe(AttentionRow a) =>
        $"{a.StudentId}:{a.SchoolDaysSinceEvidence}:{a.Quiet}:{string.Join(',', a.BelowMastery)}";
}
