using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Data.Seeding;
using Xunit;

namespace PersonalizedLearning.TestSupport;

/// <summary>A test class's own copy of the seeded demo district and the app running over it.</summary>
public class AppFixture : IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;
    public AppFactory App { get; private set; } = null!;

    /// <summary>Set when the fixture serves the app on a loopback port (for a browser).</summary>
    public Uri? BaseUrl { get; private set; }

    protected virtual string Environment => "Testing";

    protected virtual bool ServeOverKestrel => false;

    /// <summary>Overrides the app's clock (default: the real one).</summary>
    protected virtual TimeProvider? Clock => null;

    /// <summary>Extra app settings for this fixture (e.g. a short revalidation interval).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public virtual async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        App = new AppFactory(Db, Environment, Settings, Clock);
        if (ServeOverKestrel)
        {
            BaseUrl = App.StartKestrel();
        }
        else
        {
            _ = App.Services;
        }
    }

    public virtual async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await TestDatabase.DropAsync(Db.Name);
    }

    public static string DemoEmail(string role) => DemoDistrict.Logins.First(l => l.Role == role).Email;

    /// <summary>A context as the owner, for arranging data and checking results independently of the app's services.</summary>
    public AppDbContext OwnerContext()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        Web.Infrastructure.DatabaseSetup.ConfigureNpgsql(options, Db.Owner, retry: false);
        return new AppDbContext(options.Options);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Db.Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (value, i) in parameters.Select((v, i) => (v, i)))
        {
            command.Parameters.AddWithValue($"p{i}", value);
        }
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetFieldValue<T>(0));
        }
        return rows;
    }

    public T Service<T>(AsyncServiceScope scope) where T : notnull => scope.ServiceProvider.GetRequiredService<T>();
}
