using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Family;
using PersonalizedLearning.Web.Features.Homes;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>Guardian pages re-querying after a change: shared reads per user, access and audit per page, never stale.</summary>
public class LiveUpdateTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly string Guardian = AppFixture.DemoEmail(Roles.Guardian);

    [Fact]
    public async Task A_guardians_open_tabs_share_one_read_per_change_and_another_family_never_gets_it()
    {
        var (guardianId, children, otherEmail) = await FamiliesAsync();
        var change = new StudentChanged(children[0], "evidence") { HeardAt = Stopwatch.GetTimestamp() };
        var auditedBefore = await AuditedAsync(guardianId, children[0]);

        await using var tab1 = await fixture.App.ScopeForAsync(Guardian);
        await using var tab2 = await fixture.App.ScopeForAsync(Guardian);
        await using var otherFamily = await fixture.App.ScopeForAsync(otherEmail);
        var homes = await Task.WhenAll(
            fixture.Service<HomeService>(tab1).GuardianHomeAfterAsync(change),
            fixture.Service<HomeService>(tab2).GuardianHomeAfterAsync(change),
            fixture.Service<HomeService>(otherFamily).GuardianHomeAfterAsync(change));

        Assert.Same(homes[0], homes[1]);
        Assert.Equal(children.Order(), homes[0].Children.Select(c => c.StudentId).Order());
        Assert.NotEmpty(homes[2].Children);
        Assert.DoesNotContain(homes[2].Children, c => children.Contains(c.StudentId));
        // The bell of each tab shares one count too, and it is the guardian's own.
        var bells = await Task.WhenAll(
            fixture.Service<NotificationService>(tab1).UnreadCountAfterAsync(change),
            fixture.Service<NotificationService>(tab2).UnreadCountAfterAsync(change));
        Assert.Equal(await fixture.Service<NotificationService>(tab1).UnreadCountAsync(), bells[0]);
        Assert.Equal(bells[0], bells[1]);

        await Task.Delay(1200); // the audit queue flushes every 0.5 s
        Assert.Equal(auditedBefore + 2, await AuditedAsync(guardianId, children[0])); // one view per tab
    }

    [Fact]
    public async Task A_page_re_querying_for_a_later_change_sees_it()
    {
        var (_, children, _) = await FamiliesAsync();
        var child = children[0];
        await using var tab = await fixture.App.ScopeForAsync(Guardian);
        var homes = fixture.Service<HomeService>(tab);
        var earlier = new StudentChanged(child, "evidence") { HeardAt = Stopwatch.GetTimestamp() };
        var before = (await homes.GuardianHomeAfterAsync(earlier)).Children.Single(c => c.StudentId == child).StandardsMastered;

        // A change commits after that read (a rollup reaches or leaves mastery), and the node hears of it.
        var nowAtMastery = (await fixture.QueryAsync<bool>(
            "UPDATE mastery_rollups SET at_mastery = NOT at_mastery WHERE student_id = @p0 AND standard_id = " +
            "(SELECT min(standard_id) FROM mastery_rollups WHERE student_id = @p0) RETURNING at_mastery", child)).Single();
        var later = new StudentChanged(child, "evidence") { HeardAt = Stopwatch.GetTimestamp() };

        var after = (await homes.GuardianHomeAfterAsync(later)).Children.Single(c => c.StudentId == child).StandardsMastered;
        Assert.Equal(before + (nowAtMastery ? 1 : -1), after);
    }

    private async Task<(string GuardianId, List<int> Children, string OtherEmail)> FamiliesAsync()
    {
        await using var db = fixture.OwnerContext();
        var guardianId = await db.Users.Where(u => u.Email == Guardian).Select(u => u.Id).SingleAsync();
        var children = await db.GuardianLinks.Where(l => l.GuardianUserId == guardianId && !l.CustodyRestricted)
            .Select(l => l.StudentId).OrderBy(id => id).ToListAsync();
        var otherEmail = await db.GuardianLinks
            .Where(l => l.GuardianUserId != guardianId && !l.CustodyRestricted && !children.Contains(l.StudentId))
            .Where(l => !db.GuardianLinks.Any(m => m.GuardianUserId == l.GuardianUserId && children.Contains(m.StudentId)))
            .Join(db.Users, l => l.GuardianUserId, u => u.Id, (l, u) => u.Email!)
            .OrderBy(e => e).FirstAsync();
        return (guardianId, children, otherEmail);
    }

    private async Task<long> AuditedAsync(string userId, int studentId) => (await fixture.QueryAsync<long>(
        "SELECT count(*) FROM access_audit WHERE user_id = @p0 AND student_id = @p1 AND action = 'guardian-home' AND outcome = 'Allowed'",
        userId, studentId)).Single();
}
