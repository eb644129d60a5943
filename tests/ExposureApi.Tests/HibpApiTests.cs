using System.Net;
using System.Text.Json;

namespace ExposureApi.Tests;

/// <summary>The HIBP v3 surface: each endpoint's success and error shapes, and the account kept out of every log.</summary>
public sealed class HibpApiTests : IAsyncLifetime
{
    private static readonly Canary Account = new("+447700900123");

    private readonly ExposureApiFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _factory.CreateClient().Dispose();
        _client = _factory.ClientWithKey(await _factory.IssueKeyAsync("hibp-client", "check"), "hibp-api-key");
        await _factory.AddAsync(TestData.Breach("Verified", new DateOnly(2019, 1, 1)) with { Domain = "verified.example" }, Account.E164);
        await _factory.AddAsync(TestData.Breach("Unverified", new DateOnly(2020, 1, 1)) with { IsVerified = false, Domain = "other.example" }, Account.E164);
        await _factory.AddAsync(TestData.Breach("Sensitive", new DateOnly(2021, 1, 1), sensitive: true), Account.E164);
        await _factory.AddAsync(TestData.Breach("Retired", new DateOnly(2018, 1, 1), retired: true), Account.E164);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> Get(string url, HttpClient? client = null)
    {
        var response = await (client ?? _client).GetAsync(url, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static JsonElement Parse(string body) => JsonDocument.Parse(body).RootElement;

    [Fact]
    public async Task BreachedAccountGivesNamesByDefaultAndFullBreachesWhenNotTruncated()
    {
        var (status, body) = await Get("/api/v3/breachedaccount/%2B447700900123");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""[{"Name":"Verified"},{"Name":"Unverified"}]""", body);

        var (_, full) = await Get("/api/v3/breachedaccount/%2B447700900123?truncateResponse=false");
        var first = Parse(full)[0];
        Assert.Equal("Verified", first.GetProperty("Name").GetString());
        Assert.Equal("2019-01-01", first.GetProperty("BreachDate").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", first.GetProperty("AddedDate").GetString());
        foreach (var field in new[] { "Title", "Domain", "ModifiedDate", "PwnCount", "Description", "LogoPath", "DataClasses", "IsVerified", "IsFabricated",
                     "IsSensitive", "IsRetired", "IsSpamList", "IsMalware", "IsSubscriptionFree", "IsStealerLog" })
        {
            Assert.True(first.TryGetProperty(field, out _), $"missing {field}");
        }
    }

    [Fact]
    public async Task BreachedAccountFiltersByVerificationAndDomainAndReadsNationalNumbers()
    {
        Assert.Equal("""[{"Name":"Verified"}]""", (await Get("/api/v3/breachedaccount/%2B447700900123?includeUnverified=false")).Body);
        Assert.Equal("""[{"Name":"Unverified"}]""", (await Get("/api/v3/breachedaccount/%2B447700900123?domain=other.example")).Body);
        Assert.Equal("""[{"Name":"Verified"},{"Name":"Unverified"}]""", (await Get("/api/v3/breachedaccount/%2B44%207700%20900123?truncateResponse=true")).Body);
    }

    [Fact]
    public async Task AnAccountInNoBreachIsNotFoundWithAnEmptyBody()
    {
        var (status, body) = await Get("/api/v3/breachedaccount/%2B447700900999");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Empty(body);
    }

    [Fact]
    public async Task AnAccountThatIsNotAPhoneNumberIsABadRequest()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/api/v3/breachedaccount/someone%40example.com")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/api/v3/breachedaccount/123")).Status);
    }

    [Fact]
    public async Task AMissingOrBadKeyGetsHibpsErrorBody()
    {
        using var anonymous = _factory.CreateClient();
        using var bad = _factory.ClientWithKey("exk_nope", "hibp-api-key");
        using var adminOnly = _factory.ClientWithKey(await _factory.IssueKeyAsync("admin-only", "admin"));

        var (missingStatus, missing) = await Get("/api/v3/breachedaccount/%2B447700900123", anonymous);
        var (badStatus, badBody) = await Get("/api/v3/breachedaccount/%2B447700900123", bad);
        var (forbiddenStatus, forbidden) = await Get("/api/v3/breachedaccount/%2B447700900123", adminOnly);

        Assert.Equal(HttpStatusCode.Unauthorized, missingStatus);
        Assert.Equal(401, Parse(missing).GetProperty("statusCode").GetInt32());
        Assert.False(string.IsNullOrEmpty(Parse(missing).GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, badStatus);
        Assert.Equal(401, Parse(badBody).GetProperty("statusCode").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenStatus);
        Assert.Equal(403, Parse(forbidden).GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task MissingAndInvalidKeysGetHibpsOwnWords()
    {
        using var anonymous = _factory.CreateClient();
        using var bad = _factory.ClientWithKey("exk_nope", "hibp-api-key");

        Assert.Equal("Access denied due to missing hibp-api-key.", Parse((await Get("/api/v3/breachedaccount/%2B447700900123", anonymous)).Body).GetProperty("message").GetString());
        Assert.Equal("Access denied due to invalid hibp-api-key.", Parse((await Get("/api/v3/breachedaccount/%2B447700900123", bad)).Body).GetProperty("message").GetString());
    }

    // HIBP refuses a caller that does not say who it is, before anything else.
    [Theory]
    [InlineData("/api/v3/breachedaccount/%2B447700900123")]
    [InlineData("/api/v3/breaches")]
    [InlineData("/api/v3/nosuchservice")]
    public async Task ARequestWithoutAUserAgentIs403WithHibpsBody(string path)
    {
        _client.DefaultRequestHeaders.UserAgent.Clear();

        var (status, body) = await Get(path);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(403, Parse(body).GetProperty("statusCode").GetInt32());
        Assert.Contains("user agent", Parse(body).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSpamListFilterIsApplied()
    {
        await _factory.Store.Breaches.UpsertAsync(TestData.Breach("Spam", new DateOnly(2022, 1, 1)) with { IsSpamList = true }, Ct);

        Assert.Equal(["Spam"], Parse((await Get("/api/v3/breaches?isSpamList=true")).Body).EnumerateArray().Select(b => b.GetProperty("Name").GetString()));
        Assert.Equal(4, Parse((await Get("/api/v3/breaches?isSpamList=false")).Body).GetArrayLength());
        Assert.Equal(5, Parse((await Get("/api/v3/breaches")).Body).GetArrayLength());
        var (status, body) = await Get("/api/v3/breaches?isSpamList=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, Parse(body).GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    public async Task TruncateResponseTakesTheFormsHibpTakes(string value, bool truncated)
    {
        var (status, body) = await Get($"/api/v3/breachedaccount/%2B447700900123?truncateResponse={value}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(!truncated, Parse(body)[0].TryGetProperty("Title", out _));
    }

    [Theory]
    [InlineData("truncateResponse=yes")]
    [InlineData("truncateResponse=no")]
    [InlineData("includeUnverified=2")]
    public async Task AnyOtherFlagValueIsHibps400(string query)
    {
        var (status, body) = await Get($"/api/v3/breachedaccount/%2B447700900123?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, Parse(body).GetProperty("statusCode").GetInt32());
    }

    // Written without "+" the number is read as international when only that reading fits; a region may be given.
    [Theory]
    [InlineData("447700900123", HttpStatusCode.OK)]
    [InlineData("44%207700%20900123", HttpStatusCode.OK)]
    [InlineData("07700900123?region=GB", HttpStatusCode.OK)]
    [InlineData("07700900123", HttpStatusCode.NotFound)] // a valid Indian number in the default region: that reading wins
    [InlineData("07700900123?region=ZZ", HttpStatusCode.BadRequest)]
    public async Task TheAccountMayBeWrittenWithoutPlusOrWithARegion(string account, HttpStatusCode expected)
    {
        var (status, body) = await Get($"/api/v3/breachedaccount/{account}");

        Assert.True(expected == status, $"{status}: {body}");
    }

    [Fact]
    public async Task ServicesNotOfferedAre501WithHibpsBody()
    {
        foreach (var (pattern, _) in Hibp.HibpEndpoints.NotImplemented)
        {
            var path = "/api/v3" + System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", "someone%40example.com");

            var (status, body) = await Get(path);

            Assert.True(status == HttpStatusCode.NotImplemented, $"{path}: {status}");
            Assert.Equal(501, Parse(body).GetProperty("statusCode").GetInt32());
        }
    }

    [Fact]
    public async Task SensitiveBreachesNeedTheScope()
    {
        using var trusted = _factory.ClientWithKey(await _factory.IssueKeyAsync("trusted", "check,check:sensitive"), "hibp-api-key");

        Assert.Equal("""[{"Name":"Verified"},{"Name":"Unverified"},{"Name":"Sensitive"}]""", (await Get("/api/v3/breachedaccount/%2B447700900123", trusted)).Body);
    }

    [Fact]
    public async Task BreachesBreachDataClassesAndLatestBreachNeedNoKey()
    {
        using var anonymous = _factory.CreateClient();

        var breaches = Parse((await Get("/api/v3/breaches", anonymous)).Body);
        Assert.Equal(4, breaches.GetArrayLength());
        Assert.Single(Parse((await Get("/api/v3/breaches?domain=verified.example", anonymous)).Body).EnumerateArray());
        Assert.Equal("Sensitive", Parse((await Get("/api/v3/breach/sensitive", anonymous)).Body).GetProperty("Name").GetString());
        Assert.Equal(["Names", "Phone numbers"], Parse((await Get("/api/v3/dataclasses", anonymous)).Body).EnumerateArray().Select(c => c.GetString()));
        Assert.True(Parse((await Get("/api/v3/latestbreach", anonymous)).Body).TryGetProperty("Name", out _));

        var (notFound, empty) = await Get("/api/v3/breach/Unknown", anonymous);
        Assert.Equal(HttpStatusCode.NotFound, notFound);
        Assert.Empty(empty);
    }

    [Fact]
    public async Task TheAccountInThePathReachesNoLogLineAndNoFile()
    {
        foreach (var form in new[] { Account.E164, Account.Forms[2], Account.Forms[5] })
        {
            var (status, _) = await Get("/api/v3/breachedaccount/" + Uri.EscapeDataString(form) + "?truncateResponse=false");
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/api/v3/breachedaccount/" + Uri.EscapeDataString(Account.E164 + "999999"))).Status);
        using var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/api/v3/breachedaccount/" + Uri.EscapeDataString(Account.E164), anonymous)).Status);

        var logs = _factory.Logs.AllText;
        Assert.Contains("HTTP GET /api/v3/breachedaccount/{account} responded 200", logs, StringComparison.Ordinal);
        Account.AssertAbsent(logs, _factory.Folder);
    }
}
