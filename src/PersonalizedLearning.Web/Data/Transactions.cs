using Microsoft.EntityFrameworkCore;

namespace PersonalizedLearning.Web.Data;

public static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on a fresh context, retried as a whole when the connection
    /// drops (the app's execution strategy retries transient failures). Each attempt starts from a new context, so a
    /// retry never sees half-applied tracked changes.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(
        this IDbContextFactory<AppDbContext> dbf, Func<AppDbContext, CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        await using var probe = await dbf.CreateDbContextAsync(ct);
        return await probe.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            await using var db = await dbf.CreateDbContextAsync(token);
            await using var tx = await db.Database.BeginTransactionAsync(token);
            var result = await work(db, token);
            await tx.CommitAsync(token);
            return result;
        }, ct);
    }
}
