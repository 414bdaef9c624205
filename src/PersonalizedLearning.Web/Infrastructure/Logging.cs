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
        return builder;
    }
}
