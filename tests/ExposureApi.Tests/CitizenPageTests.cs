using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using ExposureApi.WebPage;

namespace ExposureApi.Tests;

/// <summary>
/// The citizens' page as the server renders it (the browser tests drive it in Chromium): the form's answer, the
/// advice for the data that leaked and the number's country, the language files and their checks at start-up, and
/// the description sanitiser.
/// </summary>
public sealed class CitizenPageTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string LanguagesFolder => Path.Combine(AppContext.BaseDirectory, "languages");

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await _factory.AddAsync(TestData.Breach("Aadhaar2023", new DateOnly(2023, 6, 12)) with { DataClasses = ["Aadhaar numbers", "Phone numbers", "Names"] }, "+919812340415");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Html)> PostAsync(string phone, string region, string lang, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent([new("lang", lang), new("region", region), new("phone", phone)]) };
        if (acceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        var response = await _client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("en", "Report cyber fraud online, or call the helpline 1930", "Department of Telecommunications, Government of India")]
    [InlineData("hi", "हेल्पलाइन 1930 पर फ़ोन करें", "दूरसंचार विभाग, भारत सरकार")]
    public async Task AnIndianNumberIsToldTheOfficialPlacesToReportFraudInIndia(string lang, string helpline, string owner)
    {
        var (status, html) = await PostAsync("98123 40415", "IN", lang);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"https://cybercrime.gov.in/\"", html, StringComparison.Ordinal);
        Assert.Contains(helpline, html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://sancharsaathi.gov.in/sfc/\"", html, StringComparison.Ordinal);
        Assert.Contains(owner, html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://myaadhaar.uidai.gov.in/\"", html, StringComparison.Ordinal); // Aadhaar leaked: lock biometrics
        Assert.DoesNotContain("actionfraud", html, StringComparison.Ordinal);
    }

    // A breach's metadata may carry its title and description per language: the page shows them, the API does not.
    [Fact]
    public async Task ATranslatedTitleAndDescriptionReachThePageButNotTheApi()
    {
        using var admin = _factory.ClientWithKey(await _factory.IssueKeyAsync("ops", "admin"));
        var breach = """
            {"name":"Aadhaar2023","title":"Aadhaar leak","breachDate":"2023-06-12","pwnCount":1000,"description":"<p>English.</p>",
             "dataClasses":["Aadhaar numbers","Phone numbers","Names"],
             "translations":{"hi":{"title":"आधार लीक","description":"<p>पहला।</p><p>दूसरा।</p>"}}}
            """;
        var put = await admin.PutAsync("/api/v1/admin/breaches/Aadhaar2023", new StringContent(breach, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));

        var (_, hindi) = await PostAsync("98123 40415", "IN", "hi");
        var (_, english) = await PostAsync("98123 40415", "IN", "en");
        Assert.Contains("<h3>आधार लीक</h3>", hindi, StringComparison.Ordinal);
        Assert.Contains("<div class=\"description\"><p>पहला।</p><p>दूसरा।</p></div>", hindi, StringComparison.Ordinal);
        Assert.Contains("<h3>Aadhaar leak</h3>", english, StringComparison.Ordinal);
        Assert.DoesNotContain("ranslations", await _client.GetStringAsync("/api/v1/breaches/Aadhaar2023", Ct), StringComparison.Ordinal);
        Assert.Equal("आधार लीक", (await _factory.Store.Breaches.GetAsync("Aadhaar2023", Ct))!.Translations["hi"].Title);
    }

    [Fact]
    public async Task TheLanguageComesFromTheFormThenAcceptLanguageThenEnglish()
    {
        Assert.Contains("<html lang=\"hi\">", (await _client.GetStringAsync("/?lang=hi", Ct)), StringComparison.Ordinal);

        using var hindiBrowser = new HttpRequestMessage(HttpMethod.Get, "/");
        hindiBrowser.Headers.AcceptLanguage.ParseAdd("fr-FR, hi;q=0.9, en;q=0.8");
        var page = await _client.SendAsync(hindiBrowser, Ct);
        Assert.Contains("<html lang=\"hi\">", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("Accept-Language", page.Headers.Vary.Single());

        Assert.Contains("<html lang=\"en\">", (await _client.GetStringAsync("/?lang=xx", Ct)), StringComparison.Ordinal);
        var (_, html) = await PostAsync("+1 202-555-0143", "US", "en", acceptLanguage: "hi");
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal); // the form's choice wins
        Assert.Contains("name=\"lang\" value=\"en\"", html, StringComparison.Ordinal); // and is kept for the next post
    }

    // Without script nothing names the countries but the server: every region the normaliser knows, in every language.
    [Fact]
    public async Task EveryCountryIsNamedInEveryLanguage()
    {
        var languages = _factory.Services.GetRequiredService<PageLanguages>().All.Values;
        Assert.All(languages, language => Assert.DoesNotContain(Core.Normalization.PhoneNormalizer.SupportedRegions, r => !language.Regions.ContainsKey(r)));

        var hindi = await _client.GetStringAsync("/?lang=hi", Ct);
        Assert.Contains("<option value=\"IN\" selected>भारत (+91)</option>", hindi, StringComparison.Ordinal); // the default region
        Assert.Contains("<option value=\"GB\">यूनाइटेड किंगडम (+44)</option>", hindi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerIsNeverCachedAndAFormThatIsNotAFormIsRefusedAsAPage()
    {
        var answer = await _client.PostAsync("/", new FormUrlEncodedContent([new("phone", "+1 202-555-0143")]), Ct);
        Assert.Equal("no-store", answer.Headers.CacheControl!.ToString());
        Assert.Equal("text/html; charset=utf-8", answer.Content.Headers.ContentType!.ToString());

        var json = await _client.PostAsync("/", new StringContent("""{"phone":"+12025550143"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Contains("<form id=\"check\" method=\"post\" action=\"/\"", await json.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    // A returning visitor loads nothing but the page: every file it links is fingerprinted, immutable for a year,
    // and sent precompressed in the encoding the browser asks for.
    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task ThePagesFilesArePrecompressedAndCachedForGood(string encoding)
    {
        var html = await _client.GetStringAsync("/", Ct);
        var files = System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src)=\"(/(?:styles|app|favicon)\\.[a-z0-9]+\\.(?:css|js|svg))\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, files.Count);

        foreach (var file in files)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, file);
            request.Headers.AcceptEncoding.ParseAdd(encoding);
            var response = await _client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        }
    }

    // The demo store's data classes and HIBP's ten most common ones, in every language, each with its own advice; and
    // whatever this installation's store holds, so that a breach loaded with a new class fails here, not on a citizen.
    [Fact]
    public async Task EveryDataClassInTheStoreAndHibpsCommonOnesHasAdviceAndANameInEveryLanguage()
    {
        string[] hibpTopTen = ["Email addresses", "Passwords", "Names", "Usernames", "IP addresses", "Phone numbers", "Physical addresses", "Dates of birth", "Genders", "Geographic locations"];
        using var demo = typeof(Program).Assembly.GetManifestResourceStream("demo/breaches.json")!;
        var demoClasses = JsonNode.Parse(demo)!.AsArray().SelectMany(b => b!["DataClasses"]!.AsArray().Select(c => c!.GetValue<string>()));
        var storeClasses = (await _factory.Store.Breaches.ListAsync(includeRetired: true, Ct)).SelectMany(b => b.DataClasses);
        var languages = _factory.Services.GetRequiredService<PageLanguages>().All.Values.ToList();

        Assert.Equal(["en", "hi"], languages.Select(l => l.Code));
        var missing = hibpTopTen.Concat(demoClasses).Concat(storeClasses).Distinct()
            .SelectMany(dataClass => languages.Where(l => !l.Advice.ContainsKey(dataClass) || !l.DataClasses.ContainsKey(dataClass)).Select(l => $"{l.Code}: {dataClass}"))
            .ToList();
        Assert.Empty(missing);
        Assert.All(languages.Where(l => l.Code != "en"), l => Assert.All(l.DataClasses, name => Assert.NotEqual(name.Key, name.Value)));
    }

    [Fact]
    public async Task ABrokenLanguageFileIsARefusalNamingTheFileAndEveryProblem()
    {
        using var folder = new TempFolder();
        var languages = folder.File("languages");
        Directory.CreateDirectory(languages);
        File.Copy(Path.Combine(LanguagesFolder, "en.json"), Path.Combine(languages, "en.json"));
        var hindi = JsonNode.Parse(File.ReadAllText(Path.Combine(LanguagesFolder, "hi.json")))!;
        hindi["text"]!.AsObject().Remove("safeTitle");
        hindi["advice"]!["Passwords"]!["steps"] = new JsonArray();
        hindi["report"]!["IN"]![0]!["url"] = "http://cybercrime.gov.in/";
        hindi["text"]!["records"] = new JsonObject { ["one"] = "{count} रिकॉर्ड" };
        File.WriteAllText(Path.Combine(languages, "hi.json"), hindi.ToJsonString());
        File.WriteAllText(Path.Combine(languages, "fr.json"), "{ \"code\": \"fr\", ");
        var settings = AppProcess.TestSettings(folder.File("store.db"), "Development");
        settings["Exposure__WebPage__LanguagesPath"] = languages;

        await using var app = AppProcess.Start(settings, folder.Path);

        Assert.Equal(1, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var output = app.Output;
        Assert.Contains("ExposureApi refused to start", output, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(languages, "hi.json")}: the text 'safeTitle' is missing", output, StringComparison.Ordinal);
        Assert.Contains("the advice for 'Passwords' needs a 'risk' and one or more 'steps'", output, StringComparison.Ordinal);
        Assert.Contains("must be an https address with its 'owner' named", output, StringComparison.Ordinal);
        Assert.Contains("the text 'records' needs a \"one\" and an \"other\" form", output, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(languages, "fr.json")}: not a language file", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // a refusal, not a crash
    }

    // A third language is one file: the switch offers it and the page speaks it, without a rebuild.
    [Fact]
    public async Task AThirdLanguageIsAddedByAddingOneFile()
    {
        using var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(LanguagesFolder, "*.json"))
        {
            File.Copy(file, folder.File(Path.GetFileName(file)));
        }

        var french = JsonNode.Parse(File.ReadAllText(Path.Combine(LanguagesFolder, "en.json")))!;
        french["code"] = "fr";
        french["name"] = "Français";
        french["text"]!["title"] = "Mon numéro a-t-il fuité ?";
        File.WriteAllText(folder.File("fr.json"), french.ToJsonString());

        await using var factory = new ExposureApiFactory(new Dictionary<string, string?> { ["Exposure:WebPage:LanguagesPath"] = folder.Path });
        var html = await factory.CreateClient().GetStringAsync("/?lang=fr", Ct);

        Assert.Contains("<html lang=\"fr\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Mon numéro a-t-il fuité ?</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"lang\" href=\"/?lang=fr\" hreflang=\"fr\" lang=\"fr\" aria-current=\"true\">Français</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void DescriptionsKeepTheirParagraphsAndLoseEverythingElse()
    {
        var breach = TestData.Breach("X", new DateOnly(2024, 1, 1)) with
        {
            Description = "<p onclick=\"steal()\">First <strong>bold</strong>.</p><p>Second <a href=\"https://example.org/x\" style=\"color:red\">link</a> "
                + "<a href=\"javascript:alert(1)\">bad</a><img src=x onerror=alert(1)><script>alert(1)</script><iframe src=\"https://evil\"></iframe></p>",
        };

        var html = PageRenderer.Description(breach.Description);

        Assert.Equal("<p>First <strong>bold</strong>.</p><p>Second <a href=\"https://example.org/x\" rel=\"noopener noreferrer nofollow\">link</a> <a rel=\"noopener noreferrer nofollow\">bad</a></p>", html);
        Assert.Equal("<p>One.</p><p>Two &amp; three.</p>", PageRenderer.Description("One.\n\nTwo & three."));
    }

    // The server formats plurals, dates and numbers from the language files; the browser's Intl (CLDR) is the oracle in
    // WebPageTests. Here, the rules themselves on values the browser test does not reach.
    [Fact]
    public void PluralsDatesAndNumbersFollowTheLanguageFile()
    {
        var languages = _factory.Services.GetRequiredService<PageLanguages>();
        var (en, hi) = (languages.All["en"], languages.All["hi"]);

        Assert.Equal("Your number was found in 1 data breach", en.Plural("exposedTitle", 1));
        Assert.Equal("Your number was found in 2 data breaches", en.Plural("exposedTitle", 2));
        Assert.Equal("12,34,567 रिकॉर्ड", hi.Plural("records", 1_234_567));
        Assert.Equal("1,234,567 records", en.Plural("records", 1_234_567));
        Assert.Equal("12 जून 2023", hi.Date(new DateOnly(2023, 6, 12)));
        Assert.Equal("1 February 2021", en.Date(new DateOnly(2021, 2, 1)));
    }
}
