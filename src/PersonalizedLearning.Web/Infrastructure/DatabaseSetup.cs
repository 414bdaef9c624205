using Microsoft.EntityFrameworkCore;
using Npgsql;
using PersonalizedLearning.Web.Data;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// Two database roles: the owner migrates and seeds; the app's role reads and writes data but cannot
/// UPDATE, DELETE or TRUNCATE the access audit. "ConnectionStrings:App" is the app's; "ConnectionStrings:Owner"
/// (defaulting to the app's) is the owner's.
/// </summary>
public static class DatabaseSetup
{
    public static string AppConnectionString(IConfiguration config) =>
        config.GetConnectionString("App")
        ?? throw new InvalidOperationException(
            "No database configured: set ConnectionStrings__App (and ConnectionStrings__Owner for migrations), "
            + "or start the app with scripts/run.sh, which brings up a private PostgreSQL.");

    public static string OwnerConnectionString(IConfiguration config) =>
        config.GetConnectionString("Owner") ?? AppConnectionString(config);

    /// <summary>Npgsql with snake_case names; with <paramref name="retry"/>, transient failures are retried
    /// (writes then go through <see cref="Data.Transactions.InTransactionAsync{T}"/>).</summary>
    public static void ConfigureNpgsql(DbContextOptionsBuilder options, string connectionString, bool retry = true) =>
        options.UseNpgsql(connectionString, npgsql =>
            {
                if (retry)
                {
                    npgsql.EnableRetryOnFailure(3);
                }
            })
            .UseSnakeCaseNamingConvention();

    public static WebApplicationBuilder AddAppDatabase(this WebApplicationBuilder builder)
    {
        var connectionString = AppConnectionString(builder.Configuration);
        builder.Services.AddDbContextFactory<AppDbContext>((sp, o) =>
        {
            ConfigureNpgsql(o, connectionString);
            // Change events registered in a transaction are published after it commits (ChangeFeed.NotifyAsync).
            if (sp.GetService<ChangeFeedCommitInterceptor>() is { } changeFeed)
            {
                o.AddInterceptors(changeFeed);
            }
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");
        return builder;
    }

    /// <summary>Applies migrations as the owner, then grants the app role what it may do.</summary>
    public static async Task MigrateAsync(IConfiguration config, ILogger logger, CancellationToken ct = default)
    {
        await using var db = OwnerContext(config);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        logger.LogInformation("Applying {Count} pending migrations", pending.Count);
        await db.Database.MigrateAsync(ct);

        var appRole = config["Database:AppRole"];
        if (!string.IsNullOrWhiteSpace(appRole))
        {
            await GrantAppRoleAsync(db, appRole, ct);
            logger.LogInformation("Granted the app role {AppRole} its rights; the access audit is append-only for it", appRole);
        }
    }

    public static AppDbContext OwnerContext(IConfiguration config)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        ConfigureNpgsql(options, OwnerConnectionString(config));
        return new AppDbContext(options.Options);
    }

    /// <summary>Advisory lock key held while granting the app role its rights ("PLGRANT").</summary>
    private const long GrantLockKey = 0x504C4752414E54;

    private static async Task GrantAppRoleAsync(AppDbContext db, string appRole, CancellationToken ct)
    {
        var role = new NpgsqlCommandBuilder().QuoteIdentifier(appRole);
        // Role names cannot be parameters; the name is quoted as an identifier above.
        // Two nodes starting together both grant: concurrent GRANTs on one table fail with "tuple concurrently
        // updated", so the grants run one node at a time under a transaction-scoped advisory lock.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5)); // may wait for another node's grants
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync($"""
            BEGIN;
            SELECT pg_advisory_xact_lock({GrantLockKey});
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
            REVOKE UPDATE, DELETE, TRUNCATE ON access_audit FROM {role};
            COMMIT;
            """, ct);
#pragma warning restore EF1002
    }
}
