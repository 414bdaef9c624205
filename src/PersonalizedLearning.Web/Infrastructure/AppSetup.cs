using Microsoft.AspNetCore.DataProtection;
using MudBlazor.Services;
using PersonalizedLearning.Web.Components;
using PersonalizedLearning.Web.Components.Account;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Features.Admin;
using PersonalizedLearning.Web.Features.Advisory;
using PersonalizedLearning.Web.Features.Family;
using PersonalizedLearning.Web.Features.Homes;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Features.MasterySettings;
using PersonalizedLearning.Web.Features.People;
using PersonalizedLearning.Web.Features.Plans;
using PersonalizedLearning.Web.Features.Profiles;
using PersonalizedLearning.Web.Features.Roster;
using PersonalizedLearning.Web.Features.SchoolDashboard;
using PersonalizedLearning.Web.Features.Standards;
using PersonalizedLearning.Web.Features.Students;
using Serilog;

namespace PersonalizedLearning.Web.Infrastructure;

public static class AppSetup
{
    public static WebApplicationBuilder AddAppServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DistrictClock>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService<AuditFlusher>();
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService<ChangeFeedListener>();
        // Change events go out after commit, batched, from one publisher per node (ChangeFeedPublisher.cs).
        services.AddSingleton<ChangeFeedPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeFeedPublisher>());
        services.AddSingleton<ChangeFeedCommitInterceptor>();
        // Live updates: pages of one user re-querying for the same change share one read (SharedReads.cs).
        services.AddSingleton<SharedReads>();
        services.AddDataProtection().PersistKeysToDbContext<AppDbContext>().SetApplicationName("PersonalizedLearning");

        services.AddScoped<HomeService>();
        services.AddScoped<StudentRecordService>();
        services.AddScoped<PlanService>();
        services.AddScoped<PlanEditing>();
        services.AddScoped<PlanTemplateService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<CheckInService>();
        services.AddScoped<FlagService>();
        services.AddScoped<InterventionService>();
        services.AddHostedService<FlagSweep>();
        services.AddScoped<DistrictSettingsService>();
        services.AddScoped<CalendarService>();
        services.AddScoped<CoverageService>();
        services.AddScoped<EvidenceService>();
        services.AddScoped<MasteryService>();
        // Bulk evidence import (CSV)
        services.AddScoped<EvidenceImportService>();
        // Standards import (CASE) and mastery settings
        services.AddScoped<CaseImportService>();
        services.AddScoped<MasterySettingsService>();
        services.AddSingleton<RollupRecompute>();
        services.AddHostedService(sp => sp.GetRequiredService<RollupRecompute>());
        // Family: guardian child pages, messages, alerts and email
        services.AddScoped<ChildService>();
        services.AddScoped<MessageService>();
        services.AddScoped<NotificationService>();
        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<FamilyAlertJobs>();
        services.AddHostedService<FamilyAlertWorker>();
        // OneRoster import
        services.Configure<RosterImportOptions>(builder.Configuration.GetSection("RosterImport"));
        services.AddScoped<OneRosterImportService>();
        services.AddScoped<GuardianInvitations>();
        // School dashboard and district admin screens (principal-admin)
        services.AddScoped<SchoolDashboardService>();
        services.AddScoped<PeopleService>();
        services.AddScoped<AuditViewerService>();
        // District view: pre-aggregated school numbers, refreshed in the background
        services.AddSingleton<Features.DistrictView.SchoolStatsRefresh>();
        services.AddScoped<Features.DistrictView.DistrictViewService>();
        services.AddHostedService<Features.DistrictView.SchoolStatsRefresher>();
        return builder;
    }

    public static WebApplicationBuilder AddAppUi(this WebApplicationBuilder builder)
    {
        // Prerendered page state (e.g. a 35 × 60 mastery grid) reaches the circuit in one message: allow more than 32 KB.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = 1024 * 1024);
        builder.Services.AddMudServices();
        return builder;
    }

    /// <summary>
    /// "migrate" applies migrations (and with "--seed" the demo district) and exits: the explicit step outside
    /// Development. Returns true when a command ran.
    /// </summary>
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        if (args.FirstOrDefault() != "migrate")
        {
            return false;
        }
        await MigrateAndSeedAsync(app, seed: args.Contains("--seed"));
        return true;
    }

    /// <summary>In Development the app migrates at start; it seeds the demo district only when Seed:Demo is true.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>("Database:MigrateOnStart"))
        {
            await MigrateAndSeedAsync(app, app.Configuration.GetValue<bool>("Seed:Demo"));
        }
    }

    private static async Task MigrateAndSeedAsync(WebApplication app, bool seed)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Database");
        await DatabaseSetup.MigrateAsync(app.Configuration, logger);
        // Scale-out: one Data Protection key for all nodes, created before any node needs one.
        await SharedKeys.EnsureActiveKeyAsync(app.Services, app.Configuration, logger);
        if (seed)
        {
            await using var db = DatabaseSetup.OwnerContext(app.Configuration);
            await DemoDistrict.SeedAsync(db, app.Services.GetRequiredService<TimeProvider>(), logger);
        }
    }

    public static WebApplication UseAppPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseSerilogRequestLogging();
        app.UseRequestLocalization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapHealthChecks("/health");
        app.MapLanguageSwitch();
        app.MapAccountEndpoints();
        app.MapMasteryExport();
        app.MapSchoolDashboardExports();
        app.MapAuditExport();
        Features.DistrictView.DistrictViewEndpoints.MapDistrictViewExport(app);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
