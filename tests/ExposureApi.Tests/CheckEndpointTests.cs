using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ExposureApi.Tests;

public sealed class CheckEndpointTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await _factory.AddAsync(TestData.Breach("Older", new DateOnly(2019, 5, 1)), "+447700900010", "+12025550110");
        await _factory.AddAsync(TestData.Breach("Newer", new DateOnly(2023, 6, 12)), "+447700900010");
        await _factory.AddAsync(TestData.Breach("Hidden", new DateOnly(2021, 1, 1), sensitive: true), "+447700900010", "+447700900020");
        await _factory.AddAsync(TestData.Breach("Withdrawn", new DateOnly(2020, 1, 1), retired: true), "+447700900010", "+447700900030");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostJson(string json) =>
        _client.PostAsync("/api/v1/check", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    [Theory]
    [InlineData("+44 7700 900010", null)]
    [InlineData("07700 900010", "GB")]
    [InlineData("00447700900010", "gb")]
    public async Task AnExposedNumberListsItsBreachesOldestFirst(string number, string? region)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/check", new { phoneNumber = number, region }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.True(body.GetProperty("exposed").GetBoolean());
        var breaches = body.GetProperty("breaches").EnumerateArray().ToList();
        Assert.Equal(["Older", "Newer"], breaches.Select(b => b.GetProperty("name").GetString()));
        var first = breaches[0];
        Assert.Equal("Older (test)", first.GetProperty("title").GetString());
        Assert.Equal("older.example", first.GetProperty("domain").GetString());
        Assert.Equal("2019-05-01", first.GetProperty("breachDate").GetString());
        Assert.Equal(["Names", "Phone numbers"], first.GetProperty("dataClasses").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("<p>Older test breach.</p>", first.GetProperty("description").GetString());
        Assert.Equal(1000, first.GetProperty("pwnCount").GetInt64());
        Assert.True(first.GetProperty("isVerified").GetBoolean());
    }

    [Fact]
    public async Task TheDefaultRegionReadsNumbersWithoutACountryCode()
    {
        await _factory.AddAsync(TestData.Breach("India", new DateOnly(2023, 6, 12)), "+919812345678");

        var body = await Json(await PostJson("""{"phoneNumber":"09812345678"}"""));

        Assert.True(body.GetProperty("exposed").GetBoolean());
    }

    [Fact]
    public async Task ANumberInNoBreachIsNotExposed()
    {
        var response = await PostJson("""{"phoneNumber":"+44 7700 900011"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.False(body.GetProperty("exposed").GetBoolean());
        Assert.Empty(body.GetProperty("breaches").EnumerateArray());
    }

    [Fact]
    public async Task SensitiveAndRetiredBreachesAreNotDisclosedToAnAnonymousCheck()
    {
        Assert.False((await Json(await PostJson("""{"phoneNumber":"+447700900020"}"""))).GetProperty("exposed").GetBoolean());
        Assert.False((await Json(await PostJson("""{"phoneNumber":"+447700900030"}"""))).GetProperty("exposed").GetBoolean());
    }

    [Theory]
    [InlineData("""{"phoneNumber":"+44 7700"}""", "phone-number-too-short", "phoneNumber")]
    [InlineData("""{"phoneNumber":"+44 7700 900010 12345"}""", "phone-number-too-long", "phoneNumber")]
    [InlineData("""{"phoneNumber":"+999 7700 900010"}""", "phone-number-invalid-country-code", "phoneNumber")]
    [InlineData("""{"phoneNumber":"call me maybe"}""", "phone-number-not-a-number", "phoneNumber")]
    [InlineData("""{"phoneNumber":""}""", "phone-number-missing", "phoneNumber")]
    [InlineData("""{}""", "phone-number-missing", "phoneNumber")]
    [InlineData("""{"phoneNumber":"7700 900010","region":"ZZ"}""", "region-invalid", "region")]
    public async Task InvalidInputIsAValidationProblemWithAStableType(string json, string slug, string field)
    {
        var response = await PostJson(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal($"/problems/{slug}", problem.GetProperty("type").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(slug, problem.GetProperty("reason").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.DoesNotContain("7700", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"phoneNumber":"+44 7700 900010" """)]
    [InlineData("""{"phoneNumber": 447700900010}""")]
    [InlineData("""["+447700900010"]""")]
    [InlineData("null")]
    [InlineData("")]
    public async Task MalformedJsonIsABadRequestThatDoesNotEchoTheBody(string json)
    {
        var response = await PostJson(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json(response);
        Assert.Equal("/problems/malformed-json", problem.GetProperty("type").GetString());
        Assert.DoesNotContain("7700", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task ABodyThatIsNotJsonIsUnsupportedMediaType(string contentType)
    {
        var response = await _client.PostAsync("/api/v1/check", new StringContent("phoneNumber=+447700900010", Encoding.UTF8, contentType), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/problems/unsupported-media-type", (await Json(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task ABodyOverFourKibibytesIsTooLarge()
    {
        var padding = new string(' ', 4096);
        var response = await PostJson($$"""{"phoneNumber":"+447700900010"{{padding}}}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("/problems/request-body-too-large", (await Json(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitIsTooLargeEvenWithoutContentLength()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"phoneNumber":"+447700900010","x":"{{new string('x', 5000)}}"}""")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/check") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ABodyJustUnderTheLimitIsAccepted()
    {
        var json = """{"phoneNumber":"+447700900010"}""";
        var response = await PostJson(json + new string(' ', 4096 - json.Length));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheNumberIsNotAcceptedInTheUrl()
    {
        var response = await _client.GetAsync("/api/v1/check?phoneNumber=%2B447700900010", Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task ProblemTypesResolveToAnExplanation()
    {
        var response = await _client.GetAsync("/problems/phone-number-too-short", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(400, (await Json(response)).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/problems/no-such-problem", Ct)).StatusCode);
    }
}
