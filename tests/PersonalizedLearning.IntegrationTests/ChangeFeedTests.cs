using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
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
    public async Task Only_committed_transactions_publish_and_each_exactly_once()
    {
        // A plain LISTEN connection on the database sees exactly what the node sends, whichever node is listening.
        var what = "test-" + Guid.NewGuid().ToString("N")[..8];
        var heard = new ConcurrentQueue<string>();
        await using var listener = new NpgsqlConnection(fixture.Db.Owner);
        await listener.OpenAsync();
        listener.Notification += (_, e) => heard.Enqueue(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {ChangeFeed.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }
        using var waiting = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await listener.WaitAsync(waiting.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var dbf = fixture.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        const int rolledBack = 901, retried = 902, committed = 903, last = 904;
        await using (var probe = await dbf.CreateDbContextAsync())
        {
            // The app's contexts hold their events until commit (not pg_notify inside the transaction).
            Assert.NotNull(ChangeFeedCommitInterceptor.Of(probe));
        }

        // 1. The work fails after registering its event: the transaction rolls back, nothing is sent.
        await Assert.ThrowsAsync<InvalidOperationException>(() => dbf.InTransactionAsync<int>(async (db, t) =>
        {
            await ChangeFeed.NotifyAsync(db, [rolledBack], what, t);
            throw new InvalidOperationException("refused");
        }));
        // 2. The first attempt registers its event and then loses its connection (a transient error): the execution
        //    strategy runs the work again on a new context, which commits. Only the committed attempt sends.
        var attempts = 0;
        await dbf.InTransactionAsync(async (db, t) =>
        {
            await ChangeFeed.NotifyAsync(db, [retried], what, t);
            if (++attempts == 1)
            {
                throw new NpgsqlException("connection lost (simulated)", new TimeoutException());
            }
            return 0;
        });
        Assert.Equal(2, attempts);
        // 3. A plain commit, registering the same student twice: one event.
        await dbf.InTransactionAsync(async (db, t) =>
        {
            await ChangeFeed.NotifyAsync(db, [committed], what, t);
            await ChangeFeed.NotifyAsync(db, [committed], what, t);
            return 0;
        });
        // One publisher per node sends in order, so once the last commit's event is heard, every earlier one would be.
        await dbf.InTransactionAsync(async (db, t) =>
        {
            await ChangeFeed.NotifyAsync(db, [last], what, t);
            return 0;
        });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Count(last) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await waiting.CancelAsync();
        await pump;

        Assert.Equal(1, Count(last));
        Assert.Equal(0, Count(rolledBack));
        Assert.Equal(1, Count(retried));
        Assert.Equal(1, Count(committed));

        // Payloads are "id:what" or a batch "id,id,…:what".
        int Count(int studentId) => heard
            .Where(p => p.EndsWith(":" + what, StringComparison.Ordinal))
            .Sum(p => p[..p.IndexOf(':', StringComparison.Ordinal)].Split(',').Count(id => id == studentId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Many_commits_at_once_each_publish_exactly_once()
    {
        // The publisher sends from the committing code when idle and batches whatever commits while a send is in
        // flight: under concurrency every committed event still goes out once, and none twice.
        var what = "burst-" + Guid.NewGuid().ToString("N")[..8];
        var feed = await ReadyFeedAsync(fixture.App);
        var heard = new ConcurrentDictionary<int, int>();
        var ids = Enumerable.Range(200_000, 120).ToList();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // One page per student (a page showing several students hears a batch once, for the first of them).
        var pages = ids.Select(id => feed.Subscribe([id], change =>
        {
            if (change.What == what && heard.AddOrUpdate(change.StudentId, 1, (_, n) => n + 1) == 1 && heard.Count == ids.Count)
            {
                all.TrySetResult();
            }
            return Task.CompletedTask;
        })).ToList();
        var dbf = fixture.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (id, ct) =>
            await dbf.InTransactionAsync(async (db, t) =>
            {
                await ChangeFeed.NotifyAsync(db, [id], what, t);
                return 0;
            }, ct));

        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300); // a duplicate would arrive right behind
        pages.ForEach(p => p.Dispose());
        Assert.Equal(ids, heard.Keys.Order());
        Assert.All(heard.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task The_node_hears_a_change_with_the_time_it_arrived()
    {
        var feed = await ReadyFeedAsync(fixture.App);
        var before = System.Diagnostics.Stopwatch.GetTimestamp();
        var seen = Watch(feed, 45);

        await WriteAsync(fixture.App, 45, "plan", commit: true);

        var change = await seen.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.InRange(change.HeardAt, before, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    [Fact]
    public void Batched_payloads_stay_under_the_notify_limit_and_keep_every_student()
    {
        var changes = Enumerable.Range(1_000_000, 3_000).Select(id => new StudentChanged(id, "evidence"))
            .Append(new StudentChanged(7, "plan")).Append(new StudentChanged(7, "plan")).ToList();

        var payloads = ChangeFeedPublisher.Payloads(changes);

        Assert.All(payloads, p => Assert.True(p.Length < 8000));
        Assert.Equal("7:plan", Assert.Single(payloads, p => p.EndsWith(":plan", StringComparison.Ordinal)));
        var evidence = payloads.Where(p => p.EndsWith(":evidence", StringComparison.Ordinal))
            .SelectMany(p => p[..p.IndexOf(':', StringComparison.Ordinal)].Split(',')).Select(int.Parse).ToList();
        Assert.Equal(Enumerable.Range(1_000_000, 3_000), evidence);
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
