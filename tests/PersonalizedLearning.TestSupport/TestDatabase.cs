using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Infrastructure;
using Testcontainers.PostgreSql;

namespace PersonalizedLearning.TestSupport;

/// <summary>
/// Real PostgreSQL for tests. The server comes from PL_TEST_DB (a superuser connection string, as scripts/test.sh
/// sets it) or, without it, from Testcontainers where a Docker engine exists. Per test run a template database is
/// migrated with the real migrations (and seeded with the demo district); each test class gets its own copy.
/// </summary>
public static class TestDatabase
{
    public const string AppRole = "pl_app";
    private const string AppRolePassword = "pl_app_test_password";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<bool, string> Templates = [];
    private static string? server;
    private static PostgreSqlContainer? container;

    /// <summary>Creates a fresh database; returns its owner (superuser) and app-role connection strings.</summary>
    public static async Task<TestDb> CreateAsync(bool seeded = true)
    {
        var template = await TemplateAsync(seeded);
        var name = $"pl_test_{Guid.NewGuid():N}"[..30];
        await ExecAsync(await ServerAsync(), $"CREATE DATABASE {name} TEMPLATE {template}");
        return new TestDb(WithDatabase(server!, name), AppConnection(WithDatabase(server!, name)), name);
    }

    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecAsync(await ServerAsync(), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    /// <summary>The configuration the app needs to run against a test database.</summary>
    public static Dictionary<string, string?> AppSettings(TestDb db) => new()
    {
        ["ConnectionStrings:Owner"] = db.Owner,
        ["ConnectionStrings:App"] = db.App,
        ["Database:AppRole"] = AppRole,
        ["Seed:Demo"] = "false",
        // The hourly early-warning sweep raises flags on its own a minute after start-up: off in tests, so what a
        // test arranges is what the app shows (tests that need flags evaluate them through FlagService).
        ["EarlyWarning:SweepMinutes"] = "0",
        // District view: no periodic refresh of school_stats; tests refresh on demand (SchoolStatsRefresh.RefreshAsync).
        ["DistrictView:RefreshMinutes"] = "0",
    };

    private static async Task<string> TemplateAsync(bool seeded)
    {
        await Gate.WaitAsync();
        try
        {
            if (Templates.TryGetValue(seeded, out var existing))
            {
                return existing;
            }
            var srv = await ServerAsync();
            await ExecAsync(srv, $"""
                DO $$ BEGIN
                  CREATE ROLE {AppRole} LOGIN PASSWORD '{AppRolePassword}';
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
                """);
            var name = $"pl_tmpl_{(seeded ? "demo" : "empty")}_{Guid.NewGuid():N}"[..30];
            await ExecAsync(srv, $"CREATE DATABASE {name}");
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Owner"] = WithDatabase(srv, name),
                ["ConnectionStrings:App"] = WithDatabase(srv, name),
                ["Database:AppRole"] = AppRole,
            }).Build();
            await DatabaseSetup.MigrateAsync(config, NullLogger.Instance);
            if (seeded)
            {
                await using var db = DatabaseSetup.OwnerContext(config);
                await DemoDistrict.SeedAsync(db, new FakeTimeProvider(SeedTime), NullLogger.Instance);
            }
            NpgsqlConnection.ClearAllPools();
            Templates[seeded] = name;
            return name;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The demo district in tests is seeded as of this instant, so tests are repeatable.</summary>
    public static readonly DateTimeOffset SeedTime = new(2026, 11, 20, 18, 0, 0, TimeSpan.Zero);

    private static async Task<string> ServerAsync()
    {
        if (server is not null)
        {
            return server;
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("PL_TEST_DB");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return server = fromEnvironment;
        }
        try
        {
            container = new PostgreSqlBuilder("postgres:15").Build();
            await container.StartAsync();
            return server = container.GetConnectionString();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                "No PostgreSQL for tests: set PL_TEST_DB to a superuser connection string (scripts/test.sh does) "
                + "or start a Docker engine for Testcontainers.", ex);
        }
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    private static string AppConnection(string ownerConnection) =>
        new NpgsqlConnectionStringBuilder(ownerConnection) { Username = AppRole, Password = AppRolePassword }.ConnectionString;

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A database for one test class: Owner is a superuser connection, App is the app's restricted role.</summary>
public sealed record TestDb(string Owner, string App, string Name);
