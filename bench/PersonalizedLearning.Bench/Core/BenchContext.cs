using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PersonalizedLearning.Bench.Generation;
using PersonalizedLearning.TestSupport;

namespace PersonalizedLearning.Bench.Core;

/// <summary>
/// What every scenario gets: the sizes, the database (owner and app-role connection strings), the facts of the
/// generated district (which teacher, section, school to use) and the real app, started once on demand.
/// </summary>
public sealed class BenchContext(BenchOptions options, DistrictFacts facts) : IAsyncDisposable
{
    private AppFactory? app;
    private Uri? kestrel;

    public BenchOptions Options { get; } = options;
    public DistrictFacts Facts { get; } = facts;
    public string OwnerConnection => Options.OwnerConnection;
    public string AppConnection => Options.AppConnection;

    /// <summary>The real app (same DI container and configuration as production, Testing environment).</summary>
    public AppFactory App => app ??= new AppFactory(
        new TestDb(OwnerConnection, AppConnection, new NpgsqlConnectionStringBuilder(AppConnection).Database ?? "bench"),
        "Testing",
        new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Logging:Directory"] = Path.Combine(Path.GetTempPath(), "pl-bench-logs"),
        });

    /// <summary>The app served by Kestrel on a loopback port (started on first use).</summary>
    public Uri Server => kestrel ??= App.StartKestrel();

    public IServiceProvider Services
    {
        get
        {
            _ = Server; // UseKestrel must be chosen before the host starts; start it the Kestrel way once.
            return App.Services;
        }
    }

    /// <summary>A DI scope signed in as the user with this email, as sign-in would build it.</summary>
    public Task<AsyncServiceScope> ScopeForAsync(string email)
    {
        _ = Server;
        return App.ScopeForAsync(email);
    }

    /// <summary>An open connection as the app's role (for the bare SQL references).</summary>
    public async Task<NpgsqlConnection> OpenAppConnectionAsync(CancellationToken ct = default)
    {
        var c = new NpgsqlConnection(AppConnection);
        await c.OpenAsync(ct);
        return c;
    }

    /// <summary>An open connection as the owner (DDL for reference tables).</summary>
    public async Task<NpgsqlConnection> OpenOwnerConnectionAsync(CancellationToken ct = default)
    {
        var c = new NpgsqlConnection(OwnerConnection);
        await c.OpenAsync(ct);
        return c;
    }

    public static void Log(string message) =>
        Console.WriteLine($"[bench {DateTime.UtcNow:HH:mm:ss}] {message}");

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
