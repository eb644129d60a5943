using System.Net;
using System.Text;
using System.Text.Json;
using ExposureApi.Core.Hashing;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Tests;

/// <summary>Health, metrics, overload (503), structured logs and graceful shutdown.</summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class OperationsTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private Task<HttpResponseMessage> Check(string number, HttpClient? client = null) =>
        (client ?? _client).PostAsync("/api/v1/check", new StringContent($$"""{"phoneNumber":"{{number}}"}""", Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task LiveAndReadyAreHealthyOnAGoodStore()
    {
        await _factory.AddAsync(TestData.Breach("Ready", new DateOnly(2020, 1, 1)), "+447700900001");

        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live", Ct)).StatusCode);
        var ready = await _client.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReadyFailsWhenTheStoreNoLongerMatchesAndLiveDoesNot()
    {
        await using (var connection = new SqliteConnection($"Data Source={_factory.Store.Path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value = '1' WHERE key = 'schema_version';";
            await command.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/health/ready", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live", Ct)).StatusCode);
    }

    [Fact]
    public async Task TheServicesOwnSeriesAreOnTheFirstScrape()
    {
        await using var factory = new ExposureApiFactory();
        using var client = factory.CreateClient();

        var metrics = await client.GetStringAsync("/metrics", Ct);

        foreach (var outcome in new[] { "exposed", "not_exposed", "invalid", "rejected" })
        {
            Assert.Matches($@"exposure_checks_total\{{[^}}]*outcome=""{outcome}""", metrics);
        }

        Assert.Contains("exposure_hash_queue_length", metrics, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^exposure_store_rows(\{[^}]*\})? 0( |$)", metrics);
    }

    [Fact]
    public async Task WithAManagementPortMetricsAreServedThereAndNowhereElse()
    {
        await using var factory = new ExposureApiFactory(new Dictionary<string, string?> { ["Exposure:Metrics:Port"] = "9464" });
        _ = factory.CreateClient();
        async Task<int> Get(string path, int localPort) =>
            (await factory.Server.SendAsync(context =>
            {
                context.Request.Method = "GET";
                context.Request.Path = path;
                context.Connection.LocalPort = localPort;
            }, Ct)).Response.StatusCode;

        Assert.Equal(200, await Get("/metrics", 9464));
        Assert.Equal(404, await Get("/metrics", 8080));
        Assert.Equal(404, await Get("/api/v1/breaches", 9464));
        Assert.Equal(200, await Get("/api/v1/breaches", 8080));
    }

    [Fact]
    public async Task MetricsCountChecksByOutcomeWithoutEverLabellingANumber()
    {
        var canary = new Canary("+447700900123");
        await _factory.AddAsync(TestData.Breach("Metrics", new DateOnly(2020, 1, 1)), canary.E164);
        await Check(canary.E164);
        await Check(canary.Forms[5]);
        await Check("+447700900124");
        await Check(canary.E164 + "999");

        var metrics = await _client.GetStringAsync("/metrics", Ct);

        Assert.Matches(@"exposure_checks_total\{[^}]*outcome=""exposed""[^}]*\} 2", metrics);
        Assert.Matches(@"exposure_checks_total\{[^}]*outcome=""not_exposed""[^}]*\} 1", metrics);
        Assert.Matches(@"exposure_checks_total\{[^}]*outcome=""invalid""[^}]*\} 1", metrics);
        Assert.Contains("exposure_hash_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("exposure_hash_queue_length", metrics, StringComparison.Ordinal);
        var rows = await _factory.Store.Exposures.CountAsync(Ct);
        Assert.True(rows > 0);
        Assert.Matches($@"(?m)^exposure_store_rows(\{{[^}}]*\}})? {rows}( |$)", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", metrics, StringComparison.Ordinal);
        Assert.Empty(canary.FoundIn(metrics));
        canary.AssertAbsent(_factory.Logs.AllText, _factory.Folder);
    }
}

/// <summary>A crowd beyond the hashing queue is answered 503 with Retry-After at once, and the service recovers.</summary>
[Collection(ProcessWideMetrics.Name)]
public sealed partial class OverloadTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new(new Dictionary<string, string?>
    {
        // Real memory, four times the passes, one hashing thread and no queue: beyond its slots (the numbers it hashes
        // and as many next in line) a check has nowhere to wait, and the burst below arrives within one hash.
        ["Exposure:Hashing:MemoryKiB"] = "19456",
        ["Exposure:Hashing:Iterations"] = "8",
        ["Exposure:Hashing:MaxConcurrency"] = "1",
        ["Exposure:Hashing:QueueLimit"] = "0",
        ["Exposure:Hashing:BusyPauseMilliseconds"] = "300",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task ChecksBeyondTheQueueAreTurnedAwayWithRetryAfterAndServedAgainAfterwards()
    {
        using var client = _factory.CreateClient();
        // The crowd sends one canary number in all its written forms: turned away or not, it is written nowhere.
        var canary = new Canary("+447700900107");
        var timed = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var response = await client.PostAsync("/api/v1/check", new StringContent(
                JsonSerializer.Serialize(new { phoneNumber = canary.Forms[i % canary.Forms.Count], region = "GB" }), Encoding.UTF8, "application/json"), Ct);
            return (Response: response, clock.Elapsed);
        }));
        var responses = timed.Select(t => t.Response).ToList();

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, r.StatusCode.ToString()));
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        // Turned away after the configured pause, not at once: a crowd asking again at once then asks less often.
        Assert.All(timed.Where(t => t.Response.StatusCode == HttpStatusCode.ServiceUnavailable), t => Assert.True(t.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {t.Elapsed}"));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("1", busy[0].Headers.GetValues("Retry-After").Single());
        var problem = JsonDocument.Parse(await busy[0].Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("/problems/service-busy", problem.GetProperty("type").GetString());

        var after = await client.PostAsync("/api/v1/check", new StringContent("""{"phoneNumber":"+447700900100"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Matches(@"exposure_checks_total\{[^}]*outcome=""rejected""", await client.GetStringAsync("/metrics", Ct));

        // A crowd must not flood the logs: each 503 is a Debug line; a Warning says pushback has begun, with the count.
        var requestLines = _factory.Logs.Entries.Where(e => e.Contains("ExposureApi.Requests[", StringComparison.Ordinal)).ToList();
        Assert.Contains(requestLines, e => e.StartsWith("Debug ", StringComparison.Ordinal) && e.Contains("responded 503", StringComparison.Ordinal));
        Assert.DoesNotContain(requestLines, e => e.StartsWith("Information ", StringComparison.Ordinal) && e.Contains("responded 503", StringComparison.Ordinal));
        Assert.Contains(requestLines, e => e.StartsWith("Information ", StringComparison.Ordinal) && e.Contains("responded 200", StringComparison.Ordinal));
        Assert.Contains(requestLines, e => e.StartsWith("Warning ", StringComparison.Ordinal) && TurnedAwaySummary().IsMatch(e));
        canary.AssertAbsent(_factory.Logs.AllText, _factory.Folder);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Turned away [1-9][0-9]* requests as busy \(503\) and 0 as rate limited \(429\)")]
    private static partial System.Text.RegularExpressions.Regex TurnedAwaySummary();
}

/// <summary>The real process: JSON logs outside Development, and SIGTERM finishing in-flight checks before exit 0.</summary>
public sealed class ProcessLifecycleTests : IDisposable
{
    private readonly TempFolder _folder = new();


    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _folder.Dispose();
    }

    private async Task<AppProcess> StartAsync(int memoryKiB = 64, int iterations = 2)
    {
        await StoreSeeding.CreateServedStoreAsync(
            _folder.File("store.db"), new HashScheme(Pepper.FromHex(ExposureApiFactory.TestPepper), ExposureApiFactory.TestSalt, memoryKiB, iterations, 1), Ct);
        return Start(memoryKiB, iterations);
    }

    private AppProcess Start(int memoryKiB, int iterations) => AppProcess.Start(new Dictionary<string, string?>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Exposure__Store__Path"] = _folder.File("store.db"),
        ["Exposure__Hashing__Pepper"] = ExposureApiFactory.TestPepper,
        ["Exposure__Hashing__Salt"] = ExposureApiFactory.TestSalt,
        ["Exposure__Hashing__MemoryKiB"] = memoryKiB.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Exposure__Hashing__Iterations"] = iterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Checks that queue behind slow hashes must wait for them here, however slow the machine running the tests.
        ["Exposure__Hashing__MaxQueueWaitSeconds"] = "120",
    }, _folder.Path);

    [Fact]
    public async Task ProductionLogsAreJsonLinesWithTheRequestId()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(60)) };
        await client.GetAsync("/api/v1/breaches", Ct);
        await Task.Delay(300, Ct);

        var requestLine = app.Output.Split('\n').First(l => l.Contains("HTTP GET /api/v1/breaches responded 200", StringComparison.Ordinal));
        var entry = JsonDocument.Parse(requestLine).RootElement;
        Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
        Assert.Equal("ExposureApi.Requests", entry.GetProperty("Category").GetString());
        Assert.Contains(entry.GetProperty("Scopes").EnumerateArray(), scope => scope.TryGetProperty("RequestId", out _));
    }

    [Fact]
    public async Task SigtermFinishesTheChecksInFlightAndExitsZero()
    {
        // 64 MiB and 8 passes per hash: each check takes a good fraction of a second even on the fast engine, hashed
        // in pairs, so SIGTERM lands while they run.
        await using var app = await StartAsync(memoryKiB: 65536, iterations: 8);
        using var client = new HttpClient { BaseAddress = await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(60)) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode); // connections and JIT warmed up

        var inFlight = Enumerable.Range(0, 4).Select(i =>
            client.PostAsync("/api/v1/check", new StringContent($$"""{"phoneNumber":"+44770090020{{i}}"}""", Encoding.UTF8, "application/json"), Ct)).ToList();
        await Task.Delay(100, Ct);
        Assert.DoesNotContain(inFlight, r => r.IsCompleted);
        app.Terminate();

        var responses = await Task.WhenAll(inFlight);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
