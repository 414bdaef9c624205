using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// One app process (the Release build of the web app) on a loopback port against the bench's PostgreSQL, with
/// <c>Bench:Timestamps</c> on. Two nodes on one database are two of these.
/// </summary>
public sealed partial class AppNode : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient http;

    private AppNode(Process process, Uri baseUri)
    {
        this.process = process;
        BaseUri = baseUri;
        http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri BaseUri { get; }
    public int ProcessId => process.Id;

    public static async Task<AppNode> StartAsync(string connectionString, int port, bool seed, string logFile)
    {
        // PL_BENCH_WEB_DLL runs another build of the app (e.g. the base branch's, for a before/after comparison).
        var dll = Environment.GetEnvironmentVariable("PL_BENCH_WEB_DLL")
            ?? Path.Combine(RepoRoot(), "src/PersonalizedLearning.Web/bin/Release/net10.0/PersonalizedLearning.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build the app first: dotnet build src/PersonalizedLearning.Web -c Release ({dll}).");
        }
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = start.Environment;
        // Development serves the static web assets (blazor.web.js, CSS) from the build output without a publish step;
        // logging is turned down to warnings below, and nothing else in the app differs by environment on this path.
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ConnectionStrings__App"] = connectionString;
        env["Database__MigrateOnStart"] = seed ? "true" : "false";
        env["Seed__Demo"] = seed ? "true" : "false";
        env["Bench__Timestamps"] = "true";
        env["DetailedErrors"] = Environment.GetEnvironmentVariable("PL_BENCH_DEBUG") == "1" ? "true" : "false";
        env["Serilog__MinimumLevel__Default"] = "Warning";
        env["Serilog__MinimumLevel__Override__Microsoft.AspNetCore"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new AppNode(process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited ({process.ExitCode}); see {logFile}.");
            }
            try
            {
                using var health = await node.http.GetAsync("health");
                if (health.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The app did not become healthy; see {logFile}.");
    }

    /// <summary>The node's bench stats (GC, working set, open circuits, change-feed marks drained).</summary>
    public async Task<NodeStats> StatsAsync(bool collect = false) =>
        (await http.GetFromJsonAsync<NodeStats>($"bench/stats?gc={collect}", JsonSerializerOptions.Web))!;

    /// <summary>Resident set size of the process (VmRSS in /proc), in bytes.</summary>
    public long ResidentBytes()
    {
        var status = File.ReadAllText($"/proc/{process.Id}/status");
        var match = VmRss().Match(status);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024 : 0;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PersonalizedLearning.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex VmRss();
}

public sealed record NodeStats(int Circuits, long HeapBytes, long TotalCommittedBytes, long WorkingSet, long Frequency,
    List<NodeMark> Marks);

public sealed record NodeMark(string Stage, int StudentId, string What, long Timestamp);
