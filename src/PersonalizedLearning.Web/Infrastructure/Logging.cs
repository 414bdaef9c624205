using Serilog;
using Serilog.Formatting.Compact;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>Serilog: console plus a rolling JSON file. Message templates with ids only — no names, notes or scores.</summary>
public static class Logging
{
    public static WebApplicationBuilder AddAppLogging(this WebApplicationBuilder builder)
    {
        var logDirectory = builder.Configuration["Logging:Directory"] ?? Path.Combine(builder.Environment.ContentRootPath, "logs");
        builder.Services.AddSerilog((services, config) => config
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(logDirectory, "app-.json"),
                rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14));
        CacheLoggers(builder.Services);
        return builder;
    }

    /// <summary>
    /// Serilog's logger factory makes a new logger (with its own enricher and event-id cache) on every CreateLogger
    /// call, and Blazor creates about 20 loggers for every circuit it opens; ASP.NET Core's own factory keeps one per
    /// category. This keeps one per category too (a heap dump showed ≈ 7 KB of loggers per open circuit).
    /// </summary>
    private static void CacheLoggers(IServiceCollection services)
    {
        var serilog = services.Last(d => d.ServiceType == typeof(ILoggerFactory));
        services.Remove(serilog);
        services.AddSingleton<ILoggerFactory>(sp => new CategoryCachingLoggerFactory((ILoggerFactory)(serilog.ImplementationInstance
            ?? serilog.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, serilog.ImplementationType!))));
    }
}

/// <summary>One logger per category over another factory (loggers are thread-safe and stateless per category).</summary>
internal sealed class CategoryCachingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Microsoft.Extensions.Logging.ILogger> loggers = new(StringComparer.Ordinal);

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => loggers.GetOrAdd(categoryName, inner.CreateLogger);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}
