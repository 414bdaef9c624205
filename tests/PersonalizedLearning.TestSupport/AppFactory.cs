using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.TestSupport;

/// <summary>
/// The real app over a test database. <see cref="StartKestrel"/> serves it on a loopback port for a browser;
/// <see cref="ScopeForAsync"/> gives a service scope signed in as a user, for service-level tests.
/// </summary>
public sealed class AppFactory(
    TestDb db, string environment = "Testing", IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    : WebApplicationFactory<Program>
{
    public TestDb Database { get; } = db;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        var all = TestDatabase.AppSettings(Database);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        all["Logging:Directory"] = Path.Combine(Path.GetTempPath(), "pl-test-logs");
        foreach (var (key, value) in all)
        {
            builder.UseSetting(key, value);
        }
        if (clock is not null)
        {
            // A fixed "today" for tests that need one (e.g. a school day with known check-ins).
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    /// <summary>Starts Kestrel on a free loopback port and returns the base address.</summary>
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>A DI scope whose current user is the account with this email, exactly as sign-in would build it.</summary>
    public async Task<AsyncServiceScope> ScopeForAsync(string email)
    {
        var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user {email}");
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(user);
        var auth = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return scope;
    }
}
