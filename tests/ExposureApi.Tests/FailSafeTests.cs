using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ExposureApi.Tests;

/// <summary>
/// Never a false "not exposed", and a clean 4xx for hostile input: readiness on an empty store, body limits that hold
/// for chunked bodies, charsets, batches larger than a key's rate, tokens given back when the service is busy, and a
/// bound on what an upload may expand to.
/// </summary>
public sealed class FailSafeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));

    private static void AssertNoErrorLogged(ExposureApiFactory factory) =>
        Assert.DoesNotContain(factory.Logs.Entries, e => e.StartsWith("Error ", StringComparison.Ordinal) || e.StartsWith("Critical ", StringComparison.Ordinal));

    private static async Task<JsonElement> ReadyAsync(HttpClient client, HttpStatusCode expected)
    {
        var response = await client.GetAsync("/health/ready", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task ReadinessIsRefusedUntilABreachThatChecksReportHasRows()
    {
        await using var factory = new ExposureApiFactory();
        using var client = factory.CreateClient();

        var empty = await ReadyAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", empty.GetProperty("status").GetString());
        Assert.Contains("holds no loaded breach that checks report", empty.GetProperty("checks").GetProperty("store").GetProperty("description").GetString(), StringComparison.Ordinal);

        await factory.Store.Breaches.UpsertAsync(TestData.Breach("MetadataOnly", new DateOnly(2021, 1, 1)), Ct);
        await ReadyAsync(client, HttpStatusCode.ServiceUnavailable);

        await factory.AddAsync(TestData.Breach("Loaded", new DateOnly(2022, 1, 1)), "+447700900001");
        Assert.Equal("Healthy", (await ReadyAsync(client, HttpStatusCode.OK)).GetProperty("status").GetString());

        await factory.Store.Breaches.RetireAsync("Loaded", Ct);
        await ReadyAsync(client, HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task AnInstallationEmptyOnPurposeMayBeReady()
    {
        await using var factory = new ExposureApiFactory(new Dictionary<string, string?> { ["Exposure:Store:AllowEmpty"] = "true" });
        using var client = factory.CreateClient();

        Assert.Equal("Healthy", (await ReadyAsync(client, HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    // A batch larger than the key's whole minute could never be granted: a clear 400 naming the limit, not a 500.
    [Fact]
    public async Task ABatchLargerThanTheKeysRateIsAClear400AndCostsNothing()
    {
        await using var factory = new ExposureApiFactory();
        using var partner = factory.ClientWithKey(await factory.IssueKeyAsync("small", "check", ratePerMinute: 5));
        string Batch(int count) => $$"""{"phoneNumbers":[{{string.Join(",", Enumerable.Range(0, count).Select(i => $"\"+4477009000{i:D2}\""))}}]}""";

        var tooLarge = await partner.PostAsync("/api/v1/check/batch", Json(Batch(6)), Ct);
        var problem = JsonDocument.Parse(await tooLarge.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/problems/batch-exceeds-rate-limit", problem.GetProperty("type").GetString());
        Assert.Contains("at most 5 a minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await partner.PostAsync("/api/v1/check/batch", Json(Batch(5)), Ct)).StatusCode);
        AssertNoErrorLogged(factory);
    }

    /// <summary>A body of unknown length (sent chunked), produced as it is sent.</summary>
    private sealed class ChunkedContent(long bytes, byte fill) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var block = new byte[64 * 1024];
            Array.Fill(block, fill);
            for (long sent = 0; sent < bytes; sent += block.Length)
            {
                await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, bytes - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Theory]
    [InlineData("/api/v1/check", 2L << 20)]
    [InlineData("/api/v1/check", 100L << 20)]
    [InlineData("/api/v1/check/batch", 2L << 20)]
    [InlineData("/api/v1/check/batch", 100L << 20)]
    [InlineData("/api/v1/admin/breaches/Chunked", 2L << 20)]
    public async Task AChunkedBodyOverTheLimitIs413(string path, long bytes)
    {
        await using var factory = new ExposureApiFactory();
        using var client = factory.ClientWithKey(await factory.IssueKeyAsync("chunked", "check,admin"));
        using var request = new HttpRequestMessage(path.Contains("admin", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, path)
        {
            Content = new ChunkedContent(bytes, (byte)' '),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("/problems/request-body-too-large", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        AssertNoErrorLogged(factory);
    }

    [Fact]
    public async Task AUtf8ByteOrderMarkIsAcceptedAndAnotherCharsetIsAClear415()
    {
        await using var factory = new ExposureApiFactory();
        using var client = factory.CreateClient();
        var json = """{"phoneNumber":"+447700900001"}"""u8.ToArray();

        var withBom = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. json]);
        withBom.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await client.PostAsync("/api/v1/check", withBom, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));

        foreach (var charset in new[] { "utf-8", "UTF-8", "utf8" })
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"application/json; charset={charset}");
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/check", content, Ct)).StatusCode);
        }

        foreach (var charset in new[] { "iso-8859-1", "utf-16", "shift_jis" })
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"application/json; charset={charset}");
            var refused = await client.PostAsync("/api/v1/check", content, Ct);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement;

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
            Assert.Equal("/problems/unsupported-media-type", problem.GetProperty("type").GetString());
            Assert.Contains("UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    // Slow hashes, one hashing thread and a wait bound of 10 ms: checks that find the slots taken wait past their bound
    // and are answered 503 by the capacity filter, after the rate limiter took their tokens.
    private static ExposureApiFactory BusyFactory(int anonymousPerMinute = 100000) => new(new Dictionary<string, string?>
    {
        ["Exposure:Hashing:MemoryKiB"] = "8192",
        ["Exposure:Hashing:Iterations"] = "12",
        ["Exposure:Hashing:MaxConcurrency"] = "1",
        ["Exposure:Hashing:QueueLimit"] = "1000",
        ["Exposure:Hashing:MaxQueueWaitSeconds"] = "0.01",
        ["Exposure:Hashing:BusyPauseMilliseconds"] = "0",
        ["Exposure:RateLimits:AnonymousPerMinute"] = anonymousPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static async Task<int> SuccessesUntilRateLimitedAsync(Func<Task<HttpStatusCode>> send, int atMost)
    {
        for (var i = 0; i < atMost; i++)
        {
            var status = await send();
            if (status == HttpStatusCode.TooManyRequests)
            {
                return i;
            }

            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{status}");
        }

        return atMost;
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v3")]
    public async Task ARequestTurnedAwayAsBusySpendsNoRateLimitToken(string api)
    {
        const int rate = 30;
        await using var factory = BusyFactory(anonymousPerMinute: rate);
        using var client = api == "v1" ? factory.CreateClient() : factory.ClientWithKey(await factory.IssueKeyAsync("hibp", "check", rate), "hibp-api-key");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("exposure-tests/1.0");
        async Task<HttpStatusCode> Send(int i) => api == "v1"
            ? (await client.PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"+4477009001{{i % 100:D2}}"}"""), Ct)).StatusCode
            : (await client.GetAsync($"/api/v3/breachedaccount/%2B4477009001{i % 100:D2}", Ct)).StatusCode;

        var started = System.Diagnostics.Stopwatch.StartNew();
        var burst = await Task.WhenAll(Enumerable.Range(0, 16).Select(Send));
        var accepted = burst.Count(s => s is HttpStatusCode.OK or HttpStatusCode.NotFound);
        var busy = burst.Count(s => s == HttpStatusCode.ServiceUnavailable);
        Assert.True(busy >= 4 && accepted + busy == 16, string.Join(",", burst));

        // Only the accepted requests spent tokens; the bucket refills one token every 2 s while this runs (on a busy
        // machine, many seconds). Without the refund, 16 tokens would be gone, not only the accepted ones.
        var left = await SuccessesUntilRateLimitedAsync(() => Send(50), rate);
        var refilled = (int)Math.Ceiling(started.Elapsed.TotalSeconds / 2);
        Assert.InRange(left, rate - accepted, rate - accepted + refilled);
        Assert.True(busy > refilled, $"{busy} turned away, {refilled} tokens refilled: the refund would not show");
    }

    [Fact]
    public async Task ABatchTurnedAwayAsBusyGetsItsTokensBack()
    {
        await using var factory = BusyFactory();
        using var crowd = factory.CreateClient();
        var numbers = string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"+4477009002{i:D2}\""));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var partner = factory.ClientWithKey(await factory.IssueKeyAsync($"batch-{attempt}", "check", ratePerMinute: 20));
            var flood = Enumerable.Range(0, 12).Select(i => crowd.PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"+4477009003{{i:D2}}"}"""), Ct)).ToList();
            var batch = await partner.PostAsync("/api/v1/check/batch", Json($$"""{"phoneNumbers":[{{numbers}}]}"""), Ct);
            await Task.WhenAll(flood);
            if (batch.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                continue; // the batch found its slots free this time; try again with a fresh key
            }

            // All 20 tokens came back: the same batch again, alone, is checked rather than rate limited.
            var again = await partner.PostAsync("/api/v1/check/batch", Json($$"""{"phoneNumbers":[{{numbers}}]}"""), Ct);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            return;
        }

        Assert.Fail("no batch was turned away as busy in five attempts");
    }

    // A gzip bomb: a few kilobytes that expand far past the bound. Refused with 413, nothing loaded, no run left behind.
    [Fact]
    public async Task AnUploadThatExpandsPastItsBoundIsRefusedBeforeTheDiskFills()
    {
        using var uploads = new TempFolder();
        var temp = uploads.Path;
        await using var factory = new ExposureApiFactory(new Dictionary<string, string?>
        {
            ["Exposure:Admin:MaxUploadBytes"] = "1048576",
            ["Exposure:Admin:TempFolder"] = temp,
        });
        using var admin = factory.ClientWithKey(await factory.IssueKeyAsync("ops", "admin"));
        await factory.Store.Breaches.UpsertAsync(TestData.Breach("Bomb", new DateOnly(2024, 1, 1)), Ct);
        var fingerprint = (await factory.Store.Schema.GetFingerprintAsync(Ct))!.ToString();
        var line = Convert.ToHexStringLower(new byte[32]) + "\n";

        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.ASCII.GetBytes(TestFiles.HashFile(fingerprint, [line.TrimEnd()], withCount: false)), Ct);
            var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, 16 * 1024)));
            for (var i = 0; i < 64; i++)
            {
                await gzip.WriteAsync(lines, Ct); // 64 MiB of lines
            }
        }

        Assert.True(compressed.Length < 1024 * 1024, $"{compressed.Length} bytes compressed");
        var response = await admin.PostAsync("/api/v1/admin/breaches/Bomb/hashes", new ByteArrayContent(compressed.ToArray()), Ct);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 1048576 bytes once decompressed (Exposure:Admin:MaxUploadBytes)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.Store.Exposures.CountAsync(Ct));
        Assert.Empty(await factory.Store.Loads.RecentAsync(10, Ct));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }
}
