using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ExposureApi.Tests;

/// <summary>
/// The citizens' page in a real browser: Debian's Chromium driven by Playwright, against the app started on a free
/// loopback port with the embedded demo store. Every state is checked with axe-core and saved as screenshots 390 and
/// 1280 pixels wide under TestResults/screenshots (CI keeps them as artefacts).
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
    private async Task<(IPage Page, AppProcess App)> OpenAsync(int anonymousPerMinute = 1000, string? locale = null, bool javaScript = true, int width = 320)
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
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = width, Height = 800 }, Locale = locale ?? "en-GB", JavaScriptEnabled = javaScript,
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => _console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => _console.Add($"error: {error}");
        await page.GotoAsync(address.ToString());
        await page.Locator("#region option[value='GB']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return (page, _app);
    }

    private readonly List<string> _console = [];

    /// <summary>The state as a screenshot 390 and 1280 pixels wide, the page's full length.</summary>
    private static async Task Screenshot(IPage page, string name)
    {
        var size = page.ViewportSize!;
        foreach (var width in new[] { 390, 1280 })
        {
            await page.SetViewportSizeAsync(width, 800);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{name}-{width}.png"), FullPage = true });
        }

        await page.SetViewportSizeAsync(size.Width, size.Height);
    }

    /// <summary>Fills and sends the form; without script that is a full POST navigation, with it a fetch that swaps the answer in.</summary>
    private static async Task CheckAsync(IPage page, string number, string region)
    {
        await page.SelectOptionAsync("#region", region);
        await page.FillAsync("#phone", number);
        await page.ClickAsync("#submit");
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    private static readonly Lazy<Task<string>> AxeSource = new(async () =>
    {
        var npm = ExternalTool.Require("/usr/bin/npm", "npm");
        var folder = Path.Combine(AppContext.BaseDirectory, "Axe");
        var (installed, log) = await ChildProcess.RunAsync(npm, folder, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], CancellationToken.None);
        Assert.True(installed == 0, log);
        return await File.ReadAllTextAsync(Path.Combine(folder, "node_modules", "axe-core", "axe.min.js"));
    });

    /// <summary>
    /// axe-core's WCAG 2.x A and AA rules on the page as it is now. Without script the page's own scripts are off; axe
    /// then runs on the same HTML loaded into a page where it can run, at the same address (the same stylesheet).
    /// </summary>
    private async Task AssertNoAxeViolationsAsync(IPage page, bool script, string state)
    {
        var source = await AxeSource.Value;
        var subject = script ? page : await WithScriptAsync(page);

        await subject.EvaluateAsync(source);
        var violations = await subject.EvaluateAsync<string[]>(
            "async () => (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })).violations"
            + ".map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join('; ')}`)");
        Assert.True(violations.Length == 0, $"{state}:\n{string.Join('\n', violations)}");
    }

    /// <summary>The HTML <paramref name="page"/> shows, without the page's own script, in a page where a test's script can run.</summary>
    private async Task<IPage> WithScriptAsync(IPage page)
    {
        var size = page.ViewportSize!;
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = size.Width, Height = size.Height } });
        var copy = await context.NewPageAsync();
        await copy.GotoAsync(page.Url);
        await copy.SetContentAsync(PageScript().Replace(await page.ContentAsync(), ""));
        return copy;
    }

    public static TheoryData<string, bool> LanguagesWithAndWithoutScript() => new()
    {
        { "en", true }, { "en", false }, { "hi", true }, { "hi", false },
    };

    private sealed record Words(string Exposed3, string CowinTitle, string Aadhaar, string AadhaarStep, string NotFound, string TooShort);

    private static readonly Dictionary<string, Words> Expected = new()
    {
        ["en"] = new("Your number was found in 3 data breaches", "CoWIN vaccination records (Telegram bot)", "Aadhaar numbers", "Lock your Aadhaar biometrics", "Your number was not found",
            "This number has too few digits. Check it, or choose the right country."),
        ["hi"] = new("आपका नंबर 3 डेटा लीक में मिला", "CoWIN टीकाकरण रिकॉर्ड (टेलीग्राम बॉट)", "आधार नंबर", "अपने आधार बायोमेट्रिक्स लॉक करें", "आपका नंबर नहीं मिला",
            "इस नंबर में अंक कम हैं। इसे जाँचें, या सही देश चुनें।"),
    };

    // The acceptance matrix: English and Hindi (from the browser's language), script on and off, each outcome. Every
    // state is checked with axe-core and kept as screenshots; no URL ever holds the number.
    [Theory]
    [MemberData(nameof(LanguagesWithAndWithoutScript))]
    public async Task EveryOutcomeShowsTheRightPageInEitherLanguageWithOrWithoutScript(string language, bool script)
    {
        var (page, app) = await OpenAsync(locale: language == "hi" ? "hi-IN" : "en-GB", javaScript: script, width: 390);
        var words = Expected[language];
        var name = $"{language}-{(script ? "script" : "no-script")}";
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await AssertNoAxeViolationsAsync(page, script, $"{name} form");
        await Screenshot(page, $"{name}-form");

        await CheckAsync(page, "07700 900000", "GB");
        var result = page.Locator("#result");
        await Assertions.Expect(result.Locator("h2")).ToHaveTextAsync(words.Exposed3);
        await Assertions.Expect(result.Locator("article.card")).ToHaveCountAsync(3);
        await Assertions.Expect(result.Locator("article.card h3").Nth(1)).ToHaveTextAsync(words.CowinTitle); // the breach's own translation
        await Assertions.Expect(result.Locator("article.card").Nth(1).Locator(".badges li", new() { HasText = words.Aadhaar })).ToBeVisibleAsync();
        await Assertions.Expect(result.Locator(".checklist")).ToContainTextAsync(words.AadhaarStep);
        await Assertions.Expect(result.Locator(".checklist a[href='https://myaadhaar.uidai.gov.in/']")).ToBeVisibleAsync();
        await Assertions.Expect(result.Locator(".advice > .links a[href='https://www.actionfraud.police.uk/']")).ToBeVisibleAsync(); // a UK number
        await Assertions.Expect(result.Locator("article.card").Nth(1).Locator(".description p")).ToHaveCountAsync(2);
        await AssertNoAxeViolationsAsync(page, script, $"{name} exposed");
        await Screenshot(page, $"{name}-exposed");

        await CheckAsync(page, "+1 202-555-0143", "US");
        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync(words.NotFound);
        await AssertNoAxeViolationsAsync(page, script, $"{name} not exposed");
        await Screenshot(page, $"{name}-not-exposed");

        await CheckAsync(page, "98123", "IN");
        await Assertions.Expect(page.Locator("#phone-error")).ToHaveTextAsync(words.TooShort);
        await Assertions.Expect(page.Locator("#phone")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#result")).ToBeEmptyAsync();
        await AssertNoAxeViolationsAsync(page, script, $"{name} invalid");
        await Screenshot(page, $"{name}-invalid");

        Assert.Equal(app.BaseAddress!.ToString(), page.Url); // every answer came back to "/", never to a URL with the number
        // Chromium reports the invalid number's 422 as a failed load: that one is the answer itself. Nothing else (no
        // missing favicon, no CSP refusal, no script error).
        Assert.DoesNotContain(_console, line => line.StartsWith("error", StringComparison.Ordinal) && !line.Contains("status of 422", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInvalidNumberWithScriptKeepsWhatWasTypedAndFocusesTheField()
    {
        var (page, _) = await OpenAsync();

        await CheckAsync(page, "98123", "IN");

        await Assertions.Expect(page.Locator("#phone-error")).ToHaveTextAsync("This number has too few digits. Check it, or choose the right country.");
        await Assertions.Expect(page.Locator("#phone")).ToHaveValueAsync("98123");
        await Assertions.Expect(page.Locator("#phone")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task TheRateLimitMessageSaysWhenToTryAgain()
    {
        var (page, _) = await OpenAsync(anonymousPerMinute: 2, javaScript: false);

        for (var i = 0; i < 3; i++)
        {
            await CheckAsync(page, "+44 7700 900001", "GB");
        }

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync(RetryMessage());
        await Screenshot(page, "rate-limited");
    }

    [Fact]
    public async Task AnUnreachableServerGetsAMessageNotABlankPage()
    {
        var (page, _) = await OpenAsync();
        await page.RouteAsync("**/*", route => route.Request.Method == "POST" ? route.AbortAsync("connectionrefused") : route.ContinueAsync());

        await CheckAsync(page, "+44 7700 900001", "GB");

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("The service could not be reached. Check your connection and try again.");
        await Assertions.Expect(page.Locator("#submit")).ToBeEnabledAsync();
        await Screenshot(page, "unreachable");
    }

    // 320 px is the narrowest phone in use; 200 % is the largest text size browsers offer (the page sizes in rem).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ThePageFitsA320PixelScreenAtTwiceTheTextSizeWithoutSidewaysScrolling(bool script)
    {
        var (page, _) = await OpenAsync(locale: "hi-IN", javaScript: script);

        await CheckAsync(page, "07700 900000", "GB");
        await page.Locator("#result article.card").First.WaitForAsync();
        if (script)
        {
            await page.EvaluateAsync("() => { document.documentElement.style.fontSize = '200%'; }");
        }
        else
        {
            page = await WithScriptAsync(page);
            await page.EvaluateAsync("() => { document.documentElement.style.fontSize = '200%'; }");
        }

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await Screenshot(page, $"hi-{(script ? "script" : "no-script")}-text-200");
    }

    [Fact]
    public async Task TheLanguageIsChosenByLinkAndKeptByTheForm()
    {
        var (page, _) = await OpenAsync(javaScript: false);

        await page.ClickAsync("a[hreflang='hi']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("क्या मेरा फ़ोन नंबर लीक हुआ?");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "hi");
        await CheckAsync(page, "+1 202-555-0143", "US");
        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("आपका नंबर नहीं मिला");
        await Assertions.Expect(page.Locator("a[hreflang='hi']")).ToHaveAttributeAsync("aria-current", "true");

        await page.ClickAsync("a[hreflang='en']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Was my phone number leaked?");
    }

    // With script and an answer on screen, switching language asks again and shows the whole page, answer included,
    // in the new language, keeping what was typed; the address bar gets ?lang=hi, never the number.
    [Fact]
    public async Task WithScriptSwitchingLanguageKeepsTheAnswerAndTheTypedNumber()
    {
        var (page, app) = await OpenAsync();
        await CheckAsync(page, "07700 900000", "GB");
        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("Your number was found in 3 data breaches");

        await page.ClickAsync("a[hreflang='hi']");

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("आपका नंबर 3 डेटा लीक में मिला");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("क्या मेरा फ़ोन नंबर लीक हुआ?");
        await Assertions.Expect(page.Locator("#phone")).ToHaveValueAsync("07700 900000");
        Assert.Equal(new Uri(app.BaseAddress!, "/?lang=hi").ToString(), page.Url);

        await CheckAsync(page, "+1 202-555-0143", "US"); // the swapped-in page's form still works
        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("आपका नंबर नहीं मिला");
    }

    [Fact]
    public async Task EverythingWorksFromTheKeyboard()
    {
        var (page, _) = await OpenAsync();

        // Tab from the top: the two language links, then the country, then the number, then the button.
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

        await Assertions.Expect(page.Locator("#result h2")).ToHaveTextAsync("Your number was found in 1 data breach");
        await Screenshot(page, "keyboard");
    }

    // The first view in a fresh browser, in Hindi (the larger page), as bytes on the wire; then a returning visitor,
    // whose browser asks the server for the page only: the stylesheet, script and icon are immutable, fingerprinted files.
    [Fact]
    public async Task TheFirstViewIsSmallAReturningVisitLoadsOnlyThePageAndHeadersAreStrict()
    {
        var (_, app) = await OpenAsync();
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { Locale = "hi-IN", ViewportSize = new() { Width = 390, Height = 800 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => _console.Add($"{message.Type}: {message.Text}");
        var responses = new List<IResponse>();
        page.Response += (_, response) => responses.Add(response);
        var response = await page.GotoAsync(app.BaseAddress!.ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

        long bytes = 0;
        foreach (var each in responses)
        {
            var sizes = await each.Request.SizesAsync();
            bytes += sizes.ResponseHeadersSize + sizes.ResponseBodySize;
        }

        Assert.Contains(responses, r => r.Url.Contains("/styles.", StringComparison.Ordinal) && r.Headers["content-encoding"] == "br");
        Assert.Contains(responses, r => r.Url.Contains("/app.", StringComparison.Ordinal));
        Assert.InRange(bytes, 10 * 1024, 50 * 1024);
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.DoesNotContain(_console, line => line.StartsWith("error", StringComparison.Ordinal)); // no 404 for a favicon, no CSP report

        var files = FileRequests().Count(app.Output);
        await page.GotoAsync(app.BaseAddress!.ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.True(files > 0, "the first view should have fetched the files");
        Assert.Equal(files, FileRequests().Count(app.Output));
    }

    [GeneratedRegex(@"HTTP GET /?(styles|app|favicon)\.")] // a file's route is logged without its leading slash
    private static partial Regex FileRequests();

    // The canary through both paths: the script's fetch and the form's own POST, at Trace, in logs, files and the browser.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ANumberTypedIntoThePageReachesNoLogLineNoFileAndNoBrowserStorage(bool script)
    {
        var canary = new Canary("+447700900123");
        var (page, app) = await OpenAsync(javaScript: script);

        await CheckAsync(page, canary.Forms[6], "GB");       // 07700 900123
        await page.Locator("#result h2").WaitForAsync();
        await CheckAsync(page, canary.Forms[5] + "99", "GB"); // invalid
        await Assertions.Expect(page.Locator("#phone-error")).ToBeVisibleAsync();

        Assert.Empty(canary.FoundIn(page.Url));
        if (script)
        {
            var storage = await page.EvaluateAsync<string>("() => JSON.stringify({ url: location.href, history: history.length, local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })");
            Assert.Empty(canary.FoundIn(storage));
        }

        Assert.Empty(canary.FoundIn(await page.ContentAsync())); // the page never writes the number back
        Assert.Empty(await page.Context.CookiesAsync());
        await Task.Delay(200, TestContext.Current.CancellationToken);
        canary.AssertAbsent(app.Output, _folder.Path);
        Assert.Contains("HTTP POST / responded 200", app.Output, StringComparison.Ordinal);
        Assert.Contains("HTTP POST / responded 422", app.Output, StringComparison.Ordinal);
    }

    // The server renders plurals, dates and numbers from the language files (it runs without ICU); the browser's Intl,
    // CLDR's own data, is the oracle for every language file shipped.
    [Fact]
    public async Task PluralsDatesAndNumbersMatchTheBrowsersOwnIntl()
    {
        ExternalTool.Require(Chromium, "chromium");
        var problems = new List<string>();
        var languages = WebPage.PageLanguages.Load(Path.Combine(AppContext.BaseDirectory, "languages"), problems)!;
        Assert.Empty(problems);
        var page = await (await _browser!.NewContextAsync()).NewPageAsync();
        long[] counts = [.. Enumerable.Range(0, 31).Select(n => (long)n), 100, 101, 1_000, 1_234, 12_345, 123_456, 1_234_567, 1_500_000_000];
        DateOnly[] dates = [.. Enumerable.Range(1, 12).Select(month => new DateOnly(2023, month, month * 2))];

        foreach (var language in languages.All.Values)
        {
            var locale = language.Code == "en" ? "en-GB" : language.Code + "-IN";
            var plurals = await page.EvaluateAsync<string[]>("([locale, counts]) => counts.map(n => new Intl.PluralRules(locale).select(n))", new object[] { locale, counts });
            var numbers = await page.EvaluateAsync<string[]>("([locale, counts]) => counts.map(n => new Intl.NumberFormat(locale).format(n))", new object[] { locale, counts });
            var formatted = await page.EvaluateAsync<string[]>(
                "([locale, dates]) => dates.map(d => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(d[0], d[1] - 1, d[2])))",
                new object[] { locale, dates.Select(d => new[] { d.Year, d.Month, d.Day }).ToArray() });

            Assert.Equal(plurals, counts.Select(n => language.PluralOne.Contains(n) ? "one" : "other"));
            Assert.Equal(numbers, counts.Select(language.Number));
            Assert.Equal(formatted, dates.Select(language.Date));
        }
    }

    [GeneratedRegex("<script src=\"/app[^\"]*\" defer></script>")]
    private static partial Regex PageScript();

    [GeneratedRegex(@"^Too many checks from here\. Please try again in \d+ seconds\.$")]
    private static partial Regex RetryMessage();
}
