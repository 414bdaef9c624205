using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;

namespace PersonalizedLearning.E2ETests;

/// <summary>The app on a loopback port (Development, so the sign-in page lists demo logins) and Debian's Chromium.</summary>
public class BrowserFixture : AppFixture
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    protected override string Environment => "Development";

    protected override bool ServeOverKestrel => true;

    public static string ScreenshotDirectory { get; } =
        System.Environment.GetEnvironmentVariable("PL_SCREENSHOTS") ?? Path.Combine(Path.GetTempPath(), "pl-screenshots");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Generous waits: these assert what a user eventually sees, not how fast (speed is measured in bench/).
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = System.Environment.GetEnvironmentVariable("PL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public override async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A fresh browser context (its own cookies) at phone or desktop width.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl!.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 360, Height = 780 } : new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }
}

public static class PageExtensions
{
    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Waits until the Blazor circuit is connected, so that clicks are not lost.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("[data-interactive='true']").WaitForAsync();

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
}
