using Microsoft.EntityFrameworkCore;
using Npgsql;
using PersonalizedLearning.Web.Data;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>What changed about a student; <see cref="What"/> is a short tag such as "plan" or "evidence".</summary>
public readonly record struct StudentChanged(int StudentId, string What)
{
    /// <summary>
    /// When this node heard of the change (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>; 0 if unknown): a read
    /// started at or after it sees the change (<see cref="SharedReads"/>). Not part of the event's identity.
    /// </summary>
    public long HeardAt { get; init; }

    public bool Equals(StudentChanged other) => StudentId == other.StudentId && string.Equals(What, other.What, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(StudentId, What);
}

/// <summary>
/// The change feed. A writing transaction calls <see cref="NotifyAsync"/>; once it has committed, this node's
/// <see cref="ChangeFeedPublisher"/> sends the events with NOTIFY, which PostgreSQL delivers to every node. Each node's
/// <see cref="ChangeFeedListener"/> LISTENs once and fans out here to the open components that subscribed for that
/// student. A missed event heals on the next one or on reload, and after a
/// lost listener connection every subscriber is told to re-query.
/// </summary>
public sealed class ChangeFeed(ILogger<ChangeFeed> logger)
{
    public const string Channel = "student_changed";
    /// <summary>Sent to every subscriber when events may have been missed (listener reconnected).</summary>
    public const string Resync = "resync";

    private readonly Lock gate = new();
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<int, List<Subscription>> byStudent = [];

    /// <summary>
    /// Emits "student changed" for the caller's transaction: delivered to every node only if it commits, once. On a
    /// context from the app's container the events wait for the commit and then go out through this node's
    /// <see cref="ChangeFeedPublisher"/> (no NOTIFY inside the writing transaction; see there why). On any other
    /// context (tools, tests) it falls back to pg_notify inside the transaction, which PostgreSQL delivers on commit.
    /// </summary>
    public static Task NotifyAsync(AppDbContext db, IEnumerable<int> studentIds, string what, CancellationToken ct = default)
    {
        var changes = studentIds.Distinct().Select(id => new StudentChanged(id, what)).ToArray();
        if (changes.Length == 0)
        {
            return Task.CompletedTask;
        }
        if (ChangeFeedCommitInterceptor.Of(db) is { } interceptor)
        {
            interceptor.Register(db, changes);
            return Task.CompletedTask;
        }
        var payloads = ChangeFeedPublisher.Payloads(changes).ToArray();
        return db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, p) FROM unnest({payloads}) AS p", ct);
    }

    /// <summary>Calls <paramref name="onChange"/> for changes to any of the students, until disposed.</summary>
    public IDisposable Subscribe(IEnumerable<int> studentIds, Func<StudentChanged, Task> onChange)
    {
        var subscription = new Subscription(this, [.. studentIds.Distinct()], onChange);
        lock (gate)
        {
            foreach (var id in subscription.StudentIds)
            {
                if (!byStudent.TryGetValue(id, out var list))
                {
                    byStudent[id] = list = [];
                }
                list.Add(subscription);
            }
        }
        return subscription;
    }

    /// <summary>Bench only (<see cref="BenchRecorder"/>): told when an event arrives and when a subscriber has handled it.</summary>
    public Action<string, StudentChanged>? Observer { get; set; }

    /// <summary>Completes once this node's listener has subscribed to the database channel.</summary>
    public Task Listening => listening.Task;

    internal void MarkListening() => listening.TrySetResult();

    /// <summary>How many students have at least one open subscription (for leak checks and metrics).</summary>
    public int WatchedStudentCount
    {
        get
        {
            lock (gate)
            {
                return byStudent.Count;
            }
        }
    }

    internal void Publish(StudentChanged change)
    {
        Subscription[] targets;
        lock (gate)
        {
            targets = change.What == Resync
                ? [.. byStudent.Values.SelectMany(l => l).Distinct()]
                : byStudent.TryGetValue(change.StudentId, out var list) ? [.. list] : [];
        }
        foreach (var target in targets)
        {
            _ = DeliverAsync(target, change);
        }
    }

    /// <summary>A payload is "id:what", or "id,id,…:what" for a batch (bulk imports: one event per 600 students).</summary>
    internal void Publish(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return;
        }
        var heardAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var what = payload[(colon + 1)..];
        var ids = payload.AsSpan(0, colon);
        if (!ids.Contains(','))
        {
            if (int.TryParse(ids, out var single))
            {
                var change = new StudentChanged(single, what) { HeardAt = heardAt };
                Observer?.Invoke("received", change);
                Publish(change);
            }
            return;
        }
        // A batch: each open page hears once, for the first of its students in the batch.
        var targets = new Dictionary<Subscription, int>();
        lock (gate)
        {
            foreach (var range in ids.Split(','))
            {
                if (!int.TryParse(ids[range], out var id))
                {
                    continue;
                }
                Observer?.Invoke("received", new StudentChanged(id, what));
                if (byStudent.TryGetValue(id, out var list))
                {
                    foreach (var subscription in list)
                    {
                        targets.TryAdd(subscription, id);
                    }
                }
            }
        }
        foreach (var (target, id) in targets)
        {
            _ = DeliverAsync(target, new StudentChanged(id, what) { HeardAt = heardAt });
        }
    }

    private async Task DeliverAsync(Subscription target, StudentChanged change)
    {
        try
        {
            await target.OnChange(change);
            Observer?.Invoke("rendered", change);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A change-feed subscriber failed for student {StudentId}", change.StudentId);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (gate)
        {
            foreach (var id in subscription.StudentIds)
            {
                if (byStudent.TryGetValue(id, out var list) && list.Remove(subscription) && list.Count == 0)
                {
                    byStudent.Remove(id);
                }
            }
        }
    }

    private sealed class Subscription(ChangeFeed feed, int[] studentIds, Func<StudentChanged, Task> onChange) : IDisposable
    {
        public int[] StudentIds { get; } = studentIds;
        public Func<StudentChanged, Task> OnChange { get; } = onChange;

        public void Dispose() => feed.Remove(this);
    }
}

/// <summary>One LISTEN connection per node (ConnectionStrings:Listen, else the app's); reconnects with back-off and tells subscribers to resync after a gap.</summary>
public sealed class ChangeFeedListener(ChangeFeed feed, IConfiguration config, ILogger<ChangeFeedListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // "ConnectionStrings:Listen" points LISTEN straight at PostgreSQL when the app's own connections go through a
        // transaction-pooling PgBouncer, which cannot hold a LISTEN (docs/SCALING.md); by default it is the app's.
        var builder = new NpgsqlConnectionStringBuilder(config.GetConnectionString("Listen") ?? DatabaseSetup.AppConnectionString(config))
        {
            KeepAlive = 15,
            Pooling = false,
        };
        var delay = TimeSpan.FromMilliseconds(250);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => feed.Publish(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChangeFeed.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                logger.LogInformation("Change feed listening");
                feed.MarkListening();
                if (!first)
                {
                    feed.Publish(new StudentChanged(0, ChangeFeed.Resync) { HeardAt = System.Diagnostics.Stopwatch.GetTimestamp() });
                }
                first = false;
                delay = TimeSpan.FromMilliseconds(250);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Change feed connection lost; reconnecting in {Delay}", delay);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
                first = false;
            }
        }
    }
}
