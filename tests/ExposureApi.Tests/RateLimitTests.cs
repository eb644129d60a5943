using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ExposureApi.Tests;

public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new(new Dictionary<string, string?> { ["Exposure:RateLimits:AnonymousPerMinute"] = "3" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private static Task<HttpResponseMessage> Check(HttpClient client) =>
        client.PostAsync("/api/v1/check", new StringContent("""{"phoneNumber":"+447700900001"}""", Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task AnonymousChecksAreLimitedPerAddressWithRetryAfterInWholeSeconds()
    {
        using var client = _factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Check(client)).StatusCode);
        }

        var limited = await Check(client);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 20); // 3 per minute refills one check every 20 s
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("/problems/rate-limited", problem.GetProperty("type").GetString());
        Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
    }

    [Fact]
    public async Task OtherEndpointsAreNotCounted()
    {
        using var client = _factory.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/breaches", Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await Check(client)).StatusCode);
    }

    [Fact]
    public async Task EachKeyHasItsOwnRate()
    {
        using var slow = _factory.ClientWithKey(await _factory.IssueKeyAsync("slow", "check", ratePerMinute: 2));
        using var fast = _factory.ClientWithKey(await _factory.IssueKeyAsync("fast", "check", ratePerMinute: 50));

        Assert.Equal(HttpStatusCode.OK, (await Check(slow)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Check(slow)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Check(slow)).StatusCode);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Check(fast)).StatusCode);
        }
    }

    [Fact]
    public async Task ABatchCountsEveryNumber()
    {
        using var client = _factory.ClientWithKey(await _factory.IssueKeyAsync("batcher", "check", ratePerMinute: 5));
        var four = Enumerable.Range(0, 4).Select(i => $"+44770090000{i}").ToArray();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/check/batch", new { phoneNumbers = four }, Ct)).StatusCode);
        var second = await client.PostAsJsonAsync("/api/v1/check/batch", new { phoneNumbers = four }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(int.Parse(second.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(HttpStatusCode.OK, (await Check(client)).StatusCode); // one token was left
    }

    [Fact]
    public async Task TheHibpApiAnswersARateLimitInHibpsWords()
    {
        using var client = _factory.ClientWithKey(await _factory.IssueKeyAsync("hibp", "check", ratePerMinute: 1));
        await client.GetAsync("/api/v3/breachedaccount/%2B447700900001", Ct);

        var limited = await client.GetAsync("/api/v3/breachedaccount/%2B447700900001", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var seconds = limited.Headers.GetValues("Retry-After").Single();
        var body = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(429, body.GetProperty("statusCode").GetInt32());
        Assert.Equal($"Rate limit is exceeded. Try again in {seconds} seconds.", body.GetProperty("message").GetString());
    }
}

/// <summary>Behind a trusted proxy the client's address comes from X-Forwarded-For; from anyone else it is ignored.</summary>
public sealed class ForwardedForTests : IDisposable
{
    private readonly TempFolder _folder = new();


    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _folder.Dispose();
    }

    private static async Task<HttpStatusCode[]> ChecksFrom(AppProcess app, string? forwardedFor, int count)
    {
        using var client = new HttpClient { BaseAddress = await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(60)) };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/check")
            {
                Content = new StringContent("""{"phoneNumber":"+447700900001"}""", Encoding.UTF8, "application/json"),
            };
            if (forwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forwardedFor);
            }

            statuses.Add((await client.SendAsync(request, Ct)).StatusCode);
        }

        return [.. statuses];
    }

    private async Task<AppProcess> StartAsync(string? trustedProxy)
    {
        var path = _folder.File($"store-{trustedProxy ?? "none"}.db");
        await StoreSeeding.CreateServedStoreAsync(path, ExposureApiFactory.TestScheme(), Ct);
        return Start(path, trustedProxy);
    }

    private AppProcess Start(string path, string? trustedProxy)
    {
        var settings = AppProcess.TestSettings(path);
        settings["Exposure__RateLimits__AnonymousPerMinute"] = "2";
        settings["Exposure__RateLimits__TrustedProxies__0"] = trustedProxy;
        return AppProcess.Start(settings, _folder.Path);
    }

    // One IPv6 host is given a whole /64 and may use any address in it: anonymous callers are limited per /64.
    [Fact]
    public async Task IPv6ClientsAreLimitedPerSlash64()
    {
        await using var app = await StartAsync("127.0.0.1");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], await ChecksFrom(app, "2001:db8:1:2::7", 2));
        Assert.Equal([HttpStatusCode.TooManyRequests], await ChecksFrom(app, "2001:db8:1:2:ffff::99", 1));
        Assert.Equal([HttpStatusCode.OK], await ChecksFrom(app, "2001:db8:1:3::7", 1));
        Assert.Equal([HttpStatusCode.OK], await ChecksFrom(app, "203.0.113.8", 1));
    }

    [Fact]
    public async Task ATrustedProxysForwardedAddressesAreLimitedSeparately()
    {
        await using var app = await StartAsync("127.0.0.1");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], await ChecksFrom(app, "203.0.113.7", 3));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], await ChecksFrom(app, "198.51.100.9", 2));
    }

    [Fact]
    public async Task ForwardedAddressesFromAnUntrustedPeerAreIgnored()
    {
        await using var app = await StartAsync(trustedProxy: null);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], await ChecksFrom(app, "203.0.113.7", 2));
        Assert.Equal([HttpStatusCode.TooManyRequests], await ChecksFrom(app, "198.51.100.9", 1));
    }
}
