using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>Two app instances on one database stand for two web nodes.</summary>
public class ChangeFeedTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_committed_change_reaches_subscribers_on_both_nodes()
    {
        await using var nodeB = new AppFactory(fixture.Db);
        var (feedA, feedB) = (await ReadyFeedAsync(fixture.App), await ReadyFeedAsync(nodeB));
        var onA = Watch(feedA, 42);
        var onB = Watch(feedB, 42);

        await WriteAsync(fixture.App, 42, "plan", commit: true);

        Assert.Equal(new StudentChanged(42, "plan"), await onA.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(new StudentChanged(42, "plan"), await onB.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_rolled_back_change_notifies_nobody()
    {
        var feed = await ReadyFeedAsync(fixture.App);
        var rolledBack = Watch(feed, 43);
        var committed = Watch(feed, 44);

        await WriteAsync(fixture.App, 43, "plan", commit: false);
        await WriteAsync(fixture.App, 44, "plan", commit: true);

        // Notifications arrive in commit order, so once 44's arrives, 43's would have too.
        await committed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(rolledBack.Task.IsCompleted);
    }

    [Fact]
    public async Task Pages_that_close_leave_no_subscription_behind()
    {
        var feed = await ReadyFeedAsync(fixture.App);
        var before = feed.WatchedStudentCount;
        for (var i = 0; i < 1_000; i++)
        {
            using var page = feed.Subscribe([100_000 + (i % 50)], _ => Task.CompletedTask);
        }
        Assert.Equal(before, feed.WatchedStudentCount);
    }

    private static async Task<ChangeFeed> ReadyFeedAsync(AppFactory node)
    {
        var feed = node.Services.GetRequiredService<ChangeFeed>();
        await feed.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        return feed;
    }

    private static TaskCompletionSource<StudentChanged> Watch(ChangeFeed feed, int studentId)
    {
        var seen = new TaskCompletionSource<StudentChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        feed.Subscribe([studentId], change =>
        {
            seen.TrySetResult(change);
            return Task.CompletedTask;
        });
        return seen;
    }

    private static async Task WriteAsync(AppFactory node, int studentId, string what, bool commit)
    {
        var dbf = node.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await dbf.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await ChangeFeed.NotifyAsync(db, [studentId], what);
        if (commit)
        {
            await tx.CommitAsync();
        }
        else
        {
            await tx.RollbackAsync();
        }
    }
}
