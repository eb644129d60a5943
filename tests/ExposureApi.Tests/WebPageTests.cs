using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ExposureApi.Tests;

/// <summary>
/// The citizens' page in a real browser: Debian's Chromium driven by Playwright, against the app started on a free
/// loopback port with the embedded demo store. Each state is saved as a screenshot under TestResults/screenshots.
/// </summary>
public sealed partial class WebPageTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly TempFolder _folder = new();
    private AppProcess? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static string Screenshots => Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        if (!File.Exists(Chromium))
        {
            return; // each test reports the skip, with the reason
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>The run command's default: Development, the demo store, the real Argon2 parameters.</summary>
    private async Task<(IPage Page, AppProcess App)> OpenAsync(int anonymousPerMinute = 1000, string? locale = null)
    {
        ExternalTool.Require(Chromium, "chromium");
        _app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Exposure__Store__Path"] = _folder.File("demo.db"),
            ["Exposure__RateLimits__AnonymousPerMinute"] = anonymousPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
        }, _folder.Path);
        var address = await _app.WaitUntilListeningAsync(TimeSpan.FromSeconds(90));
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 320, Height = 800 }, Locale = locale ?? "en-GB" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(address.ToString());
        await page.Locator("#region option[value='GB']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return (page, _app);
    }

    private static Task<byte[]> Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    private static async Task CheckAsync(IPage page, string number, string region)
    {
        await page.SelectOptionAsync("#region", region);
        await page.FillAsync("#phone", number);
        await page.ClickAsync("#submit");
    }

    [Fact]
    public async Task AnExposedDemoNumberShowsItsBreachCardsDataClassesAndNextSteps()
    {
        var (page, _) = await OpenAsync();

        await CheckAsync(page, "07700 900000", "GB");

        var result = page.Locator("#result");
        await Assertions.Expect(result.Locator("h2")).ToHaveTextAsync("Your number was found in 3 data breach(es)");
        await Assertions.Expect(result.Locator("article.card")).ToHaveCountAsync(3);
        await Assertions.Expect(result.Locator("article.card h3").Nth(1)).ToHaveTextAsync("CoWIN vaccination records (Telegram bot)");
        await Assertions.Expect(result.Locator("article.card").Nth(1).Locator(".badges li", new() { HasText = "Aadhaar numbers" })).ToBeVisibleAsync();
        await Assertions.Expect(result.Locator("article.card").Nth(1).Locator(".steps")).ToContainTextAsync("Lock your Aadhaar biometrics");
        await Assertions.Expect(result.Locator("article.card").Nth(1).Locator(".steps")).ToContainTextAsync("phishing calls and SMS");
        await Assertions.Expect(result).ToHaveAttributeAsync("aria-live", "polite");
        Assert.DoesNotContain("7700", page.Url, StringComparison.Ordinal);
        await Screenshot(page, "exposed");
    }

    [Fact]
    public async Task ANumberInNoBreachSaysSoAndWhatThatMeans()
    {
        var (page, _) = await OpenAsync();

        await CheckAsync(page, "+1 202-555-0143", "US");

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("Your number was not found");
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("only breaches known to this service are checked");
        await Screenshot(page, "not-exposed");
    }

    [Fact]
    public async Task AnInvalidNumberGetsAnInlineMessageAndKeepsWhatWasTyped()
    {
        var (page, _) = await OpenAsync();

        await CheckAsync(page, "98123", "IN");

        await Assertions.Expect(page.Locator("#phone-error")).ToHaveTextAsync("This number has too few digits. Check it, or choose the right country.");
        await Assertions.Expect(page.Locator("#phone")).ToHaveValueAsync("98123");
        await Assertions.Expect(page.Locator("#phone")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#phone")).ToBeFocusedAsync();
        await Screenshot(page, "invalid");
    }

    [Fact]
    public async Task TheRateLimitMessageSaysWhenToTryAgain()
    {
        var (page, _) = await OpenAsync(anonymousPerMinute: 2);

        for (var i = 0; i < 3; i++)
        {
            await CheckAsync(page, "+44 7700 900001", "GB");
            await page.Locator("#result h2").WaitForAsync();
        }

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync(RetryMessage());
        await Screenshot(page, "rate-limited");
    }

    [Fact]
    public async Task AnUnreachableServerGetsAMessageNotABlankPage()
    {
        var (page, _) = await OpenAsync();
        await page.RouteAsync("**/api/v1/check", route => route.AbortAsync("connectionrefused"));

        await CheckAsync(page, "+44 7700 900001", "GB");

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("The service could not be reached. Check your connection and try again.");
        await Assertions.Expect(page.Locator("#submit")).ToBeEnabledAsync();
        await Screenshot(page, "unreachable");
    }

    [Fact]
    public async Task ThePageFitsA320PixelScreenWithoutSidewaysScrolling()
    {
        var (page, _) = await OpenAsync();

        await CheckAsync(page, "07700 900000", "GB");
        await page.Locator("#result article.card").First.WaitForAsync();

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
    }

    [Fact]
    public async Task TheLanguageSwitchesToHindiAndBack()
    {
        var (page, _) = await OpenAsync();

        await page.ClickAsync("button[data-lang='hi']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("क्या मेरा फ़ोन नंबर लीक हुआ?");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "hi");
        await CheckAsync(page, "+1 202-555-0143", "US");
        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("आपका नंबर नहीं मिला");
        await Screenshot(page, "hindi");

        await page.ClickAsync("button[data-lang='en']");
        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("Your number was not found");
    }

    [Fact]
    public async Task EverythingWorksFromTheKeyboard()
    {
        var (page, _) = await OpenAsync();

        // Tab from the top: the two language buttons, then the country, then the number, then the button.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#region")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#phone")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("+44 7700 900003");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#submit")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("Your number was found in 1 data breach(es)");
        await Screenshot(page, "keyboard");
    }

    [Fact]
    public async Task TheFirstViewIsSmallAndComesWithStrictSecurityHeaders()
    {
        ExternalTool.Require(Chromium, "chromium");
        long bytes = 0;
        var (page, app) = await OpenAsync();
        page.Response += (_, response) => bytes += response.Headers.TryGetValue("content-length", out var length) ? long.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var response = await page.GotoAsync((await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(5))).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.InRange(bytes, 1, 50 * 1024);
    }

    [Fact]
    public async Task ANumberTypedIntoThePageReachesNoLogLineNoFileAndNoBrowserStorage()
    {
        var canary = new Canary("+447700900123");
        var (page, app) = await OpenAsync();

        await CheckAsync(page, canary.Forms[6], "GB");       // 07700 900123
        await page.Locator("#result h2").WaitForAsync();
        await CheckAsync(page, canary.Forms[5] + "99", "GB"); // invalid
        await page.Locator("#phone-error").WaitForAsync();

        var storage = await page.EvaluateAsync<string>("() => JSON.stringify({ url: location.href, history: history.length, local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })");
        Assert.Empty(canary.FoundIn(storage));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        canary.AssertAbsent(app.Output, _folder.Path);
        Assert.Contains("HTTP POST /api/v1/check responded 200", app.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^Too many checks from here\. Please try again in \d+ seconds\.$")]
    private static partial Regex RetryMessage();
}
