using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace FunctionsApp.IntegrationTests.Dashboard;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, from scripts/test's apt list) driven by Playwright: nothing is downloaded.
/// Screenshots go to <c>artifacts/screenshots/</c>, which CI uploads.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly string[] Flags =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string Screenshots { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");

    public static async Task<Browser> LaunchAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (scripts/test does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = Flags });
        return new Browser(playwright, browser);
    }

    /// <summary>A fresh browser profile: its own cookies, one page, errors of the page collected.</summary>
    public async Task<(IPage Page, List<string> Errors)> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            // Chromium reports every 4xx as a console error: the 401 before signing in (how the page learns to ask for a
            // key) and the browser's own /favicon.ico. Script errors are what counts.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource:", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        return (page, errors);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
