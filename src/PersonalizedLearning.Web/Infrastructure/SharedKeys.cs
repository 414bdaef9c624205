using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// Every node must protect cookies and circuit ids with the same Data Protection key (the keys live in
/// <c>data_protection_keys</c>). Nodes that start together on an empty key table would each create a key of their own,
/// and after the key ring's two-minute start-up window a node no longer reloads the ring for a key it has not seen
/// (dotnet/aspnetcore#52678): cookies from one node would then fail on another. So the migrate step creates the first key,
/// one node at a time; later keys are created by Data Protection itself 48 hours before they are needed, which every
/// node sees in time.
/// </summary>
public static class SharedKeys
{
    /// <summary>Advisory lock key held while checking for a key ("PLKEYS").</summary>
    private const long LockKey = 0x504C4B455953;

    public static async Task EnsureActiveKeyAsync(IServiceProvider services, IConfiguration config, ILogger logger, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(DatabaseSetup.AppConnectionString(config));
        await connection.OpenAsync(ct);
        // Another node may hold the lock while it builds its EF model and writes the key: wait for it (a session lock is
        // released if that node dies).
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection) { CommandTimeout = 300 })
        {
            await take.ExecuteNonQueryAsync(ct);
        }
        try
        {
            var keys = services.GetRequiredService<IKeyManager>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            {
                var key = keys.CreateNewKey(now, now.AddDays(90));
                logger.LogInformation("Created the shared Data Protection key {KeyId}", key.KeyId);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
