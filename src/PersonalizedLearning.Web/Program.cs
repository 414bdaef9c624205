using PersonalizedLearning.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddAppLogging();
builder.AddAppDatabase();
builder.AddAppAuthentication();
builder.AddAppLocalization();
builder.AddAppServices();
builder.AddAppUi();
builder.AddBenchHooks(); // off unless Bench:Timestamps=true (bench/ only)

var app = builder.Build();

if (await app.RunCommandAsync(args))
{
    return;
}

await app.PrepareDatabaseAsync();
app.UseAppPipeline();
app.MapBenchHooks();
await app.RunAsync();
