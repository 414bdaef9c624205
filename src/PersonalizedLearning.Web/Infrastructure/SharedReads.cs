using System.Diagnostics;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// Lets the open pages of one user that re-query because of the same change share one read. A change event reaches
/// every page showing the student; a guardian with the home open in several tabs (or a page and its notification bell)
/// would otherwise run the same query once per page at the same moment. A page handling an event asks for a read that
/// <b>started at or after the moment the node heard of the change</b> (<see cref="StudentChanged.HeardAt"/>): such a
/// read ran after the commit, so it sees the change; a read started earlier is never reused for it.
/// <para>The key names the query and everything its result depends on (the viewer's id and roles): reads are shared
/// only between identical queries of the same user, so access is still checked in the database by the read itself,
/// and each page still writes its own audit record.</para>
/// </summary>
public sealed class SharedReads
{
    /// <summary>Completed reads are forgotten this long after they started (they can only serve events heard before then).</summary>
    private static readonly long Keep = Stopwatch.Frequency * 2;

    private readonly Lock gate = new();
    private readonly Dictionary<string, (long StartedAt, Task Read)> reads = new(StringComparer.Ordinal);

    /// <summary>How many reads are remembered (for tests and leak checks).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return reads.Count;
            }
        }
    }

    /// <summary>
    /// The result of <paramref name="read"/> for <paramref name="key"/>, from a read that started at or after
    /// <paramref name="notBefore"/> (a monotonic <see cref="Stopwatch"/> timestamp): one in flight or just finished, else a
    /// new one. <paramref name="notBefore"/> ≤ 0 always reads alone. A shared read that failed is retried alone.
    /// <paramref name="read"/> must not need the caller's synchronization context (it runs without it, for every page).
    /// </summary>
    public async Task<T> GetAsync<T>(string key, long notBefore, Func<Task<T>> read)
    {
        if (notBefore <= 0)
        {
            return await read();
        }
        Task<T>? shared = null;
        TaskCompletionSource<T>? mine = null;
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (reads.Count >= 256)
            {
                foreach (var stale in reads.Where(r => r.Value.Read.IsCompleted && now - r.Value.StartedAt > Keep).Select(r => r.Key).ToList())
                {
                    reads.Remove(stale);
                }
            }
            if (reads.TryGetValue(key, out var found) && found.StartedAt >= notBefore && found.Read is Task<T> same
                && !same.IsFaulted && !same.IsCanceled)
            {
                shared = same;
            }
            else
            {
                mine = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                reads[key] = (now, mine.Task);
            }
        }
        if (shared is not null)
        {
            try
            {
                return await shared;
            }
            catch (OperationCanceledException)
            {
                return await read();
            }
        }
        try
        {
            // The read runs off the caller's synchronization context (a circuit's): its steps and the hand-over to the
            // other pages do not wait in line behind that one circuit's work.
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            Task<T> reading;
            try
            {
                reading = read();
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
            var result = await reading.ConfigureAwait(false);
            mine!.SetResult(result);
            return result;
        }
        catch
        {
            // Whoever joined reads alone (a cancelled task is never an unobserved exception).
            mine!.SetCanceled();
            lock (gate)
            {
                if (reads.TryGetValue(key, out var current) && current.Read == mine.Task)
                {
                    reads.Remove(key);
                }
            }
            throw;
        }
    }
}
