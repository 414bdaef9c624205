using System.Diagnostics;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.UnitTests;

public class SharedReadsTests
{
    private readonly SharedReads reads = new();

    [Fact]
    public async Task Pages_re_querying_for_the_same_change_share_one_read()
    {
        var heardAt = Stopwatch.GetTimestamp();
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queries = 0;
        Task<string> Read()
        {
            Interlocked.Increment(ref queries);
            return release.Task;
        }

        var pages = Enumerable.Range(0, 20).Select(_ => reads.GetAsync("home|guardian-1", heardAt, Read)).ToList();
        release.SetResult("Maya, Leo");

        Assert.All(await Task.WhenAll(pages), shown => Assert.Equal("Maya, Leo", shown));
        Assert.Equal(1, queries);
    }

    [Fact]
    public async Task A_read_started_before_the_change_was_heard_is_never_reused_for_it()
    {
        var earlier = Stopwatch.GetTimestamp();
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = reads.GetAsync("unread|guardian-1", earlier, () => first.Task);
        await Task.Delay(5);
        var later = Stopwatch.GetTimestamp();

        // The first read is still in flight but began before the later change was heard: the page reads again.
        var fresh = await reads.GetAsync("unread|guardian-1", later, () => Task.FromResult(2));
        first.SetResult(1);

        Assert.Equal(2, fresh);
        Assert.Equal(1, await started);
        // The newer read serves the older change too (it started after that change as well).
        Assert.Equal(2, await reads.GetAsync("unread|guardian-1", earlier, () => Task.FromResult(3)));
    }

    [Fact]
    public async Task Different_users_never_share_a_read()
    {
        var heardAt = Stopwatch.GetTimestamp();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var mine = reads.GetAsync("home|guardian-1", heardAt, async () => { await gate.Task; return "Maya"; });
        var theirs = reads.GetAsync("home|guardian-2", heardAt, async () => { await gate.Task; return "Sam"; });
        gate.SetResult();

        Assert.Equal("Maya", await mine);
        Assert.Equal("Sam", await theirs);
    }

    [Fact]
    public async Task Without_a_change_time_every_call_reads_alone()
    {
        var queries = 0;
        for (var i = 0; i < 3; i++)
        {
            await reads.GetAsync("home|guardian-1", 0, () => Task.FromResult(Interlocked.Increment(ref queries)));
        }
        Assert.Equal(3, queries);
        Assert.Equal(0, reads.Count);
    }

    [Fact]
    public async Task When_the_shared_read_fails_each_waiting_page_reads_alone()
    {
        var heardAt = Stopwatch.GetTimestamp();
        var failing = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = reads.GetAsync("home|guardian-1", heardAt, () => failing.Task);
        var joined = reads.GetAsync("home|guardian-1", heardAt, () => Task.FromResult("read alone"));

        failing.SetException(new InvalidOperationException("connection lost"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        Assert.Equal("read alone", await joined);
    }
}
