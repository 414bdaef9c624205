using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;

namespace PersonalizedLearning.E2ETests.ScaleOut;

/// <summary>
/// Two real app processes (the built web dll, each on its own loopback port) over one throwaway database, with
/// Debian's HAProxy in front running the repository's <c>deploy/haproxy.cfg</c> itself, and Chromium for the browser.
/// </summary>
public sealed class ScaleOutCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string workDirectory = Directory.CreateTempSubdirectory("pl-scaleout-").FullName;
    private IPlaywright? playwright;
    private Process? haproxy;
    private readonly StringBuilder haproxyLog = new();
    private readonly List<string> startup = [];

    public TestDb Db { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The load balancer's address: every browser goes through it.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The two nodes by their HAProxy server name (also the PLNODE cookie value): w1 and w2.</summary>
    public IReadOnlyDictionary<string, AppNode> Nodes { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Haproxy.Path is null)
        {
            return; // every test here is skipped, saying why
        }
        var watch = Stopwatch.StartNew();
        Db = await TestDatabase.CreateAsync();
        startup.Add($"database {watch.Elapsed.TotalSeconds:F1} s");
        var dll = WebDll();
        Nodes = new Dictionary<string, AppNode>
        {
            ["w1"] = new AppNode("w1", dll, FreePort(), Db, workDirectory),
            ["w2"] = new AppNode("w2", dll, FreePort(), Db, workDirectory),
        };
        // Both nodes start at once, as they would after a deployment.
        await Task.WhenAll(Nodes.Values.Select(n => n.StartAsync(Http, StartTimeout)));
        startup.Add($"both nodes healthy {watch.Elapsed.TotalSeconds:F1} s");
        await StartHaproxyAsync();
        startup.Add($"HAProxy routing to both {watch.Elapsed.TotalSeconds:F1} s");

        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
    }

    /// <summary>How long the cluster took to come up (cumulative), for the test output.</summary>
    public string StartupReport() => "Cluster start: " + string.Join(", ", startup);

    /// <summary>Restarts any node a previous test killed and waits until HAProxy routes to it again.</summary>
    public async Task EnsureAllNodesUpAsync()
    {
        foreach (var node in Nodes.Values.Where(n => !n.IsRunning))
        {
            var watch = Stopwatch.StartNew();
            await node.StartAsync(Http, StartTimeout);
            startup.Add($"{node.Name} restarted in {watch.Elapsed.TotalSeconds:F1} s");
        }
        foreach (var node in Nodes.Values)
        {
            await WaitUntilAsync(() => ServedByAsync(node.Name), $"HAProxy to route to {node.Name} again");
        }
    }

    /// <summary>A fresh browser context; with <paramref name="pinnedTo"/>, its PLNODE cookie pins it to that node.</summary>
    public async Task<IPage> NewPageAsync(string? pinnedTo = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(60_000);
        if (pinnedTo is not null)
        {
            await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "PLNODE", Value = pinnedTo, Url = BaseUrl.ToString() }]);
        }
        return await context.NewPageAsync();
    }

    /// <summary>The node HAProxy pinned this browser to (its PLNODE cookie).</summary>
    public static async Task<string?> StickyNodeAsync(IPage page) =>
        (await page.Context.CookiesAsync()).FirstOrDefault(c => c.Name == "PLNODE")?.Value;

    /// <summary>What each process printed, for a failing test's message.</summary>
    public string Logs() =>
        string.Join("\n", Nodes.Values.Select(n => n.Log()).Append($"---- haproxy ----\n{Tail(haproxyLog)}"));

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        Stop(haproxy);
        foreach (var node in Nodes?.Values ?? [])
        {
            node.Kill();
        }
        if (Db is not null)
        {
            await TestDatabase.DropAsync(Db.Name);
        }
        try
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still held open by a dying process: the temp folder is cleaned by the OS.
        }
    }

    private async Task StartHaproxyAsync()
    {
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(Haproxy.Path!)
        {
            // -db: stay in the foreground, so the test owns the process. The config is the repository's own file.
            ArgumentList = { "-db", "-f", Path.Combine(RepositoryRoot(), "deploy", "haproxy.cfg") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["PL_LB_BIND"] = $"127.0.0.1:{port}",
                ["PL_NODE1"] = $"127.0.0.1:{Nodes["w1"].Port}",
                ["PL_NODE2"] = $"127.0.0.1:{Nodes["w2"].Port}",
            },
        };
        haproxy = Capture(Process.Start(start)!, haproxyLog);
        foreach (var node in Nodes.Keys)
        {
            await WaitUntilAsync(() => ServedByAsync(node), $"HAProxy to route to {node}");
        }
    }

    /// <summary>True when a request pinned to <paramref name="node"/> is answered healthy by that node.</summary>
    private async Task<bool> ServedByAsync(string node)
    {
        if (haproxy is { HasExited: true })
        {
            throw new InvalidOperationException($"HAProxy exited with {haproxy.ExitCode}:\n{Tail(haproxyLog)}");
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl, "/health"));
        request.Headers.Add("Cookie", $"PLNODE={node}");
        try
        {
            using var response = await Http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK
                && response.Headers.TryGetValues("X-Served-By", out var servedBy) && servedBy.Single() == node;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }
            await Task.Delay(100);
        }
    }

    internal static Process Capture(Process process, StringBuilder log)
    {
        void Append(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var text = log.ToString();
            return text.Length > 6000 ? text[^6000..] : text;
        }
    }

    internal static void Stop(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PersonalizedLearning.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }

    /// <summary>The web app as built with this test project (same configuration: Debug or Release).</summary>
    private static string WebDll()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(RepositoryRoot(), "src", "PersonalizedLearning.Web", "bin", configuration, "net10.0",
            "PersonalizedLearning.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the web project first", dll);
    }
}

/// <summary>One app process: <c>dotnet PersonalizedLearning.Web.dll</c> on a loopback port, as the app role.</summary>
public sealed class AppNode(string name, string dll, int port, TestDb db, string workDirectory)
{
    private readonly StringBuilder log = new();
    private Process? process;

    public string Name { get; } = name;

    public int Port { get; } = port;

    public bool IsRunning => process is { HasExited: false };

    public async Task StartAsync(HttpClient http, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
                // Development: static web assets from the build output and demo logins on the sign-in page.
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__Owner"] = db.Owner,
                ["ConnectionStrings__App"] = db.App,
                ["Database__AppRole"] = TestDatabase.AppRole,
                ["Seed__Demo"] = "false",
                ["Logging__Directory"] = Path.Combine(workDirectory, Name),
                ["DOTNET_NOLOGO"] = "1",
            },
        };
        lock (log)
        {
            log.AppendLine($"---- starting {Name} on port {Port} ----");
        }
        process = ScaleOutCluster.Capture(Process.Start(start)!, log);
        var health = new Uri($"http://127.0.0.1:{Port}/health");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Node {Name} exited with {process.ExitCode}:\n{Log()}");
            }
            try
            {
                using var response = await http.GetAsync(health);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Node {Name} did not become healthy:\n{Log()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Kills the process outright (SIGKILL): no graceful shutdown, as when a machine dies.</summary>
    public void Kill()
    {
        ScaleOutCluster.Stop(process);
        process = null;
    }

    public string Log() => $"---- {Name} ----\n{ScaleOutCluster.Tail(log)}";
}

/// <summary>Where Debian's haproxy is, or null when it is not installed (scripts/test.sh installs it).</summary>
public static class Haproxy
{
    public static string? Path { get; } =
        new[] { "/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists);
}

/// <summary>A test that needs HAProxy: skipped, saying why, only where haproxy is not installed.</summary>
public sealed class HaproxyFactAttribute : FactAttribute
{
    public HaproxyFactAttribute()
    {
        if (Haproxy.Path is null)
        {
            Skip = "haproxy is not installed: run `apt-get install haproxy` (scripts/test.sh does) to run the two-node test.";
        }
    }
}
