using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// Sends this node's change events after their transactions committed. A writing transaction only registers its
/// events (<see cref="ChangeFeed.NotifyAsync"/>); <see cref="ChangeFeedCommitInterceptor"/> hands them here when the
/// commit succeeded and drops them when it rolled back or failed. When no send is in flight, the committing code's own
/// continuation sends them at once (no queue, no hop to another thread: on a busy node a thread-pool hop waited behind
/// everything else, p50 110 ms in benchmark scenario 5); while a send is in flight, events collect and the sender takes
/// everything collected when it returns — so under load they are batched, never delayed by a timer. A batch becomes
/// as few "id,id,…:what" payloads as fit pg_notify's 8000 bytes, sent in one round trip on one dedicated connection
/// (opened at start and kept open), in its own short transaction with <c>synchronous_commit = off</c>. One send at a
/// time keeps the node's events in commit order.
/// <para>Why not NOTIFY inside the writing transaction: PostgreSQL's NOTIFY holds a cluster-wide lock from pre-commit
/// until the commit record is flushed, so concurrent notifying commits queue on the WAL fsync one by one instead of
/// sharing it (group commit). Here the notifying transaction is tiny and never waits for a flush (a notification is
/// transient: it needs no durable commit), and the user's commit never waits for it.</para>
/// <para>Trade-off: a node that dies between a commit and the send loses that live refresh only (the data is
/// committed); open pages heal on the next event for the student, on reload, or on the listener's resync.</para>
/// </summary>
public sealed class ChangeFeedPublisher(IConfiguration config, ILogger<ChangeFeedPublisher> logger) : IHostedService, IDisposable
{
    /// <summary>pg_notify refuses payloads of 8000 bytes or more; ids are ASCII.</summary>
    internal const int MaxPayload = 7900;

    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private List<StudentChanged> pending = [];
    private bool sending;
    private TaskCompletionSource? idle;
    private NpgsqlConnection? connection;

    /// <summary>
    /// Sends events of a committed transaction: right away on the caller's thread when no send is in flight (it returns
    /// at the first wait for the server), else they join the next batch. Never throws and never blocks on I/O.
    /// </summary>
    public void Enqueue(IEnumerable<StudentChanged> changes)
    {
        lock (gate)
        {
            pending.AddRange(changes);
            if (sending || pending.Count == 0 || stopping.IsCancellationRequested)
            {
                return;
            }
            sending = true;
        }
        // The send must not resume on the caller's synchronization context (a circuit's, when a page wrote).
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            _ = PumpAsync();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>The payloads for a batch: per "what", distinct ids joined with commas, each payload under <see cref="MaxPayload"/>.</summary>
    internal static List<string> Payloads(IEnumerable<StudentChanged> changes)
    {
        var payloads = new List<string>();
        foreach (var group in changes.GroupBy(c => c.What, StringComparer.Ordinal))
        {
            var suffix = ":" + group.Key;
            var payload = new StringBuilder();
            foreach (var id in group.Select(c => c.StudentId).Distinct())
            {
                var text = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (payload.Length > 0 && payload.Length + 1 + text.Length + suffix.Length > MaxPayload)
                {
                    payloads.Add(payload.Append(suffix).ToString());
                    payload.Clear();
                }
                if (payload.Length > 0)
                {
                    payload.Append(',');
                }
                payload.Append(text);
            }
            if (payload.Length > 0)
            {
                payloads.Add(payload.Append(suffix).ToString());
            }
        }
        return payloads;
    }

    /// <summary>Opens the connection at start (in the background: a database that is not up yet only delays it to the first send).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (sending)
            {
                return Task.CompletedTask;
            }
            sending = true;
        }
        _ = Task.Run(() => PumpAsync(warm: true), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Lets a send in flight finish (bounded by the host's shutdown timeout), then closes the connection.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task wait = Task.CompletedTask;
        lock (gate)
        {
            if (sending)
            {
                idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = idle.Task;
            }
        }
        try
        {
            await wait.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        await stopping.CancelAsync();
        if (TakeIdleConnection() is { } open)
        {
            await open.DisposeAsync();
        }
    }

    /// <summary>Stops sending; the connection closes now, or when a send still in flight gives up.</summary>
    public void Dispose()
    {
        stopping.Cancel();
        TakeIdleConnection()?.Dispose();
    }

    private NpgsqlConnection? TakeIdleConnection()
    {
        lock (gate)
        {
            if (sending)
            {
                return null;
            }
            var open = connection;
            connection = null;
            return open;
        }
    }

    /// <summary>
    /// The one sender: sends what is pending, then whatever arrived meanwhile, until nothing is left. Only one runs at a
    /// time (<see cref="sending"/>), so the connection is never used concurrently and events leave in commit order.
    /// </summary>
    private async Task PumpAsync(bool warm = false)
    {
        try
        {
            if (warm)
            {
                try
                {
                    connection ??= await OpenAsync(stopping.Token);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    logger.LogDebug(ex, "Change feed: the publisher's connection will open on the first send");
                }
            }
            while (!stopping.IsCancellationRequested)
            {
                List<StudentChanged> batch;
                lock (gate)
                {
                    if (pending.Count == 0)
                    {
                        sending = false;
                        idle?.TrySetResult();
                        idle = null;
                        return;
                    }
                    (batch, pending) = (pending, []);
                }
                await SendAsync(Payloads(batch), stopping.Token);
            }
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // Not expected (SendAsync logs and drops its own failures); never leave the publisher stuck "sending".
            logger.LogWarning(ex, "Change feed: the publisher stopped a send");
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Change feed: stopping; a send in flight was abandoned");
        }
        NpgsqlConnection? close = null;
        lock (gate)
        {
            sending = false;
            idle?.TrySetResult();
            idle = null;
            if (stopping.IsCancellationRequested)
            {
                (close, connection) = (connection, null);
            }
        }
        if (close is not null)
        {
            await close.DisposeAsync();
        }
    }

    private async Task SendAsync(List<string> payloads, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                connection ??= await OpenAsync(ct);
                await using var batch = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand("BEGIN"),
                        new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"),
                        new NpgsqlBatchCommand($"SELECT pg_notify('{ChangeFeed.Channel}', p) FROM unnest($1::text[]) AS p")
                        {
                            Parameters = { new NpgsqlParameter { Value = payloads.ToArray() } },
                        },
                        new NpgsqlBatchCommand("COMMIT"),
                    },
                };
                await batch.ExecuteNonQueryAsync(ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                await DropConnectionAsync();
                if (attempt >= 2)
                {
                    // The data is committed; open pages heal on the next event, on reload or on the listener's resync.
                    logger.LogWarning(ex, "Change feed: {Count} notifications could not be sent", payloads.Count);
                    return;
                }
            }
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        // Its own connection, outside the app's pool: a busy pool (hundreds of editors) never delays a notification.
        // Notifications are sent to the same server the app writes to ("ConnectionStrings:App").
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.AppConnectionString(config))
        {
            Pooling = false,
            KeepAlive = 15,
            Enlist = false,
        };
        var opened = new NpgsqlConnection(builder.ConnectionString);
        await opened.OpenAsync(ct);
        return opened;
    }

    private async Task DropConnectionAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }
}

/// <summary>
/// Holds the change events a transaction registered until it ends: committed → handed to the
/// <see cref="ChangeFeedPublisher"/> exactly once; rolled back or failed → dropped. A retried attempt of
/// <see cref="Data.Transactions.InTransactionAsync{T}"/> runs on a new context, so only the attempt that committed publishes.
/// </summary>
public sealed class ChangeFeedCommitInterceptor(ChangeFeedPublisher publisher) : DbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<StudentChanged>> pending = [];

    /// <summary>The interceptor configured on <paramref name="db"/>, if it was built by the app's container.</summary>
    internal static ChangeFeedCommitInterceptor? Of(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?
            .OfType<ChangeFeedCommitInterceptor>().FirstOrDefault();

    /// <summary>Inside a transaction: kept until it ends. Outside one: the write already committed, so sent now.</summary>
    internal void Register(DbContext db, IReadOnlyCollection<StudentChanged> changes)
    {
        if (db.Database.CurrentTransaction is null)
        {
            publisher.Enqueue(changes);
            return;
        }
        lock (pending)
        {
            pending.GetOrCreateValue(db).AddRange(changes);
        }
    }

    private List<StudentChanged>? Take(DbContext? db)
    {
        if (db is null)
        {
            return null;
        }
        lock (pending)
        {
            if (!pending.TryGetValue(db, out var list))
            {
                return null;
            }
            pending.Remove(db);
            return list;
        }
    }

    private void Committed(DbContext? db)
    {
        if (Take(db) is { Count: > 0 } changes)
        {
            publisher.Enqueue(changes);
        }
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Take(eventData.Context);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Take(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Take(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Take(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Failed(eventData);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData);
        return Task.CompletedTask;
    }

    /// <summary>A failed commit (outcome unknown: the retry, if any, publishes) or rollback drops the events; a failed savepoint does not end the transaction.</summary>
    private void Failed(TransactionErrorEventData eventData)
    {
        if (eventData.Action is "Commit" or "Rollback")
        {
            Take(eventData.Context);
        }
    }
}
