using System.Net;
using System.Text.Json;

namespace ExposureApi.Tests;

public sealed class BreachEndpointTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await _factory.AddAsync(TestData.Breach("Newer", new DateOnly(2023, 6, 12)) with { DataClasses = ["Aadhaar numbers", "Phone numbers"] });
        await _factory.AddAsync(TestData.Breach("Older", new DateOnly(2019, 5, 1)) with { DataClasses = ["Email addresses"] });
        await _factory.AddAsync(TestData.Breach("Hidden", new DateOnly(2021, 1, 1), sensitive: true));
        await _factory.AddAsync(TestData.Breach("Withdrawn", new DateOnly(2020, 1, 1), retired: true) with { DataClasses = ["Passwords"] });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<JsonElement> GetJson(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _client.GetAsync(url, Ct);
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
    }

    // The v1 breach is the Breach record as it is, less the three fields only HIBP's model has: a field added to the
    // record appears here by itself, and what v1 has always shown stays exactly as it was.
    [Fact]
    public async Task TheV1BreachIsTheRecordLessTheHibpOnlyFields()
    {
        var breach = await GetJson("/api/v1/breaches/Newer");

        Assert.Equal(
            ["name", "title", "domain", "breachDate", "addedDate", "modifiedDate", "pwnCount", "description", "dataClasses",
             "isVerified", "isFabricated", "isSensitive", "isRetired", "isSpamList", "isMalware"],
            breach.EnumerateObject().Select(p => p.Name));
        var hibp = await GetJson("/api/v3/breach/Newer");
        Assert.True(hibp.TryGetProperty("LogoPath", out _) && hibp.TryGetProperty("IsSubscriptionFree", out _) && hibp.TryGetProperty("IsStealerLog", out _));
    }

    [Fact]
    public async Task TheListHoldsEveryBreachThatIsNotRetiredOldestFirst()
    {
        var breaches = await GetJson("/api/v1/breaches");

        Assert.Equal(["Older", "Hidden", "Newer"], breaches.EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.True(breaches[1].GetProperty("isSensitive").GetBoolean());
    }

    [Fact]
    public async Task OneBreachIsFoundByNameWithoutRegardToCase()
    {
        var breach = await GetJson("/api/v1/breaches/newer");

        Assert.Equal("Newer", breach.GetProperty("name").GetString());
        Assert.Equal("2023-06-12", breach.GetProperty("breachDate").GetString());
        Assert.Equal(1000, breach.GetProperty("pwnCount").GetInt64());
        Assert.False(breach.GetProperty("isRetired").GetBoolean());
    }

    [Fact]
    public async Task ARetiredBreachStillResolvesByName()
    {
        Assert.True((await GetJson("/api/v1/breaches/Withdrawn")).GetProperty("isRetired").GetBoolean());
    }

    [Fact]
    public async Task AnUnknownBreachIsANotFoundProblem()
    {
        var response = await _client.GetAsync("/api/v1/breaches/NoSuchBreach", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("/problems/breach-not-found", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task DataClassesAreTheSortedUnionOverBreachesThatAreNotRetired()
    {
        var classes = await GetJson("/api/v1/dataclasses");

        Assert.Equal(["Aadhaar numbers", "Email addresses", "Names", "Phone numbers"], classes.EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task AnUnknownRouteIsAProblemToo()
    {
        var response = await _client.GetAsync("/api/v1/nothing-here", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
