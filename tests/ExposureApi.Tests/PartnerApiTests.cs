using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ExposureApi.Tests;

/// <summary>Keys and scopes, sensitive gating for each kind of caller, and batch checks.</summary>
public sealed class PartnerApiTests : IAsyncLifetime
{
    private const string Exposed = "+447700900010";
    private const string OnlySensitive = "+447700900020";

    private readonly ExposureApiFactory _factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _factory.CreateClient().Dispose();
        await _factory.AddAsync(TestData.Breach("Public", new DateOnly(2020, 1, 1)), Exposed);
        await _factory.AddAsync(TestData.Breach("Dating", new DateOnly(2022, 2, 14), sensitive: true), Exposed, OnlySensitive);
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    private static async Task<string[]> CheckedBreaches(HttpClient client, string number)
    {
        var response = await client.PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"{{number}}"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Body(response)).GetProperty("breaches").EnumerateArray().Select(b => b.GetProperty("name").GetString()!)];
    }

    [Fact]
    public async Task SensitiveBreachesAreDisclosedOnlyToKeysWithThatScope()
    {
        using var anonymous = _factory.CreateClient();
        using var checker = _factory.ClientWithKey(await _factory.IssueKeyAsync("plain", "check"));
        using var sensitive = _factory.ClientWithKey(await _factory.IssueKeyAsync("trusted", "check,check:sensitive"));

        Assert.Equal(["Public"], await CheckedBreaches(anonymous, Exposed));
        Assert.Equal(["Public"], await CheckedBreaches(checker, Exposed));
        Assert.Equal(["Public", "Dating"], await CheckedBreaches(sensitive, Exposed));
        Assert.Empty(await CheckedBreaches(anonymous, OnlySensitive));
        Assert.Empty(await CheckedBreaches(checker, OnlySensitive));
        Assert.Equal(["Dating"], await CheckedBreaches(sensitive, OnlySensitive));
    }

    [Fact]
    public async Task AKeyWorksInEitherHeader()
    {
        var key = await _factory.IssueKeyAsync("either", "check,check:sensitive");
        using var hibpHeader = _factory.ClientWithKey(key, "hibp-api-key");

        Assert.Equal(["Public", "Dating"], await CheckedBreaches(hibpHeader, Exposed));
    }

    [Fact]
    public async Task ABadKeyIsRefusedEvenWhereNoKeyIsNeeded()
    {
        using var client = _factory.ClientWithKey("exk_not-a-real-key");

        var response = await client.PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"{{Exposed}}"}"""), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/problems/unauthorized", (await Body(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task TheBatchNeedsAKeyWithScopeCheck()
    {
        using var anonymous = _factory.CreateClient();
        using var adminOnly = _factory.ClientWithKey(await _factory.IssueKeyAsync("ops", "admin"));
        var body = $$"""{"phoneNumbers":["{{Exposed}}"]}""";

        var missing = await anonymous.PostAsync("/api/v1/check/batch", Json(body), Ct);
        var forbidden = await adminOnly.PostAsync("/api/v1/check/batch", Json(body), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("/problems/unauthorized", (await Body(missing)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("/problems/forbidden", (await Body(forbidden)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task ARevokedKeyStopsWorkingOnTheNextRequestWithoutARestart()
    {
        var key = await _factory.IssueKeyAsync("leaving", "check");
        using var client = _factory.ClientWithKey(key);
        var body = $$"""{"phoneNumbers":["{{Exposed}}"]}""";
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/check/batch", Json(body), Ct)).StatusCode);

        // Revoked by another process, as `exposure keys revoke` does: straight in the store file.
        await using (var connection = new SqliteConnection($"Data Source={_factory.Store.Path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE api_keys SET revoked_at = '2026-01-01T00:00:00Z' WHERE name = 'leaving';";
            await command.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/v1/check/batch", Json(body), Ct)).StatusCode);
    }

    [Fact]
    public async Task AUseWhoseWriteFailedIsWrittenByTheNextFlush()
    {
        _factory.CreateClient().Dispose();
        await _factory.IssueKeyAsync("retried", "check");
        var keys = _factory.Services.GetRequiredService<Core.Keys.ApiKeyStore>();
        var id = (await keys.ListAsync(Ct)).Single(k => k.Name == "retried").Id;
        // Not the host's recorder: this one has no timer that could flush between the steps.
        var recorder = new Auth.KeyUsageRecorder(keys, Microsoft.Extensions.Logging.Abstractions.NullLogger<Auth.KeyUsageRecorder>.Instance);
        recorder.Record(id);

        await recorder.FlushAsync(new CancellationToken(canceled: true));
        Assert.Null((await keys.ListAsync(Ct)).Single(k => k.Id == id).LastUsedAt);

        await recorder.FlushAsync(Ct);
        Assert.NotNull((await keys.ListAsync(Ct)).Single(k => k.Id == id).LastUsedAt);
    }

    [Fact]
    public async Task OnlyADigestOfTheKeyIsStoredAndItsUseIsRecorded()
    {
        var key = await _factory.IssueKeyAsync("audited", "check");
        using var client = _factory.ClientWithKey(key);
        await client.PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"{{Exposed}}"}"""), Ct);
        await _factory.Services.GetRequiredService<Auth.KeyUsageRecorder>().FlushAsync(Ct);

        var keys = await _factory.Services.GetRequiredService<Core.Keys.ApiKeyStore>().ListAsync(Ct);
        var audited = Assert.Single(keys, k => k.Name == "audited");
        Assert.NotNull(audited.LastUsedAt);
        Assert.True(key.Length >= 4 + 32, "a key carries at least 128 random bits");
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_factory.Folder))
        {
            var bytes = TestFiles.ReadShared(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(key[8..])) < 0, $"{file} holds the key");
        }
    }

    [Fact]
    public async Task ABatchAnswersEachNumberInOrderWithPerItemErrors()
    {
        using var client = _factory.ClientWithKey(await _factory.IssueKeyAsync("bank", "check"));

        var response = await client.PostAsync("/api/v1/check/batch",
            Json($$"""{"phoneNumbers":["{{Exposed}}","12","07700 900011","{{OnlySensitive}}",null,"+999 1234"],"region":"GB"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await Body(response)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.True(results[0].GetProperty("exposed").GetBoolean());
        Assert.Equal("/problems/phone-number-too-short", results[1].GetProperty("error").GetProperty("type").GetString());
        Assert.False(results[2].GetProperty("exposed").GetBoolean());
        Assert.False(results[3].GetProperty("exposed").GetBoolean());
        Assert.Equal("/problems/phone-number-missing", results[4].GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("/problems/phone-number-invalid-country-code", results[5].GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain("7700", (await Body(response)).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"phoneNumbers":[]}""")]
    [InlineData("""{"region":"GB"}""")]
    public async Task AnEmptyBatchIsABadRequest(string json)
    {
        using var client = _factory.ClientWithKey(await _factory.IssueKeyAsync("empty", "check"));

        var response = await client.PostAsync("/api/v1/check/batch", Json(json), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/problems/batch-invalid", (await Body(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task AFullBatchOfAHundredIsAnsweredWhole()
    {
        // A hundred numbers is more than the hashing queue holds: the batch must not queue them all at once.
        using var client = _factory.ClientWithKey(await _factory.IssueKeyAsync("full", "check"));
        var numbers = Enumerable.Range(0, 100).Select(i => $"+447700900{i:D3}").ToArray();

        var response = await client.PostAsJsonAsync("/api/v1/check/batch", new { phoneNumbers = numbers }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await Body(response)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 100), results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(results, r => Assert.True(r.TryGetProperty("exposed", out var exposed) && exposed.ValueKind is JsonValueKind.True or JsonValueKind.False));
    }

    [Fact]
    public async Task ABatchOfMoreThanAHundredIsABadRequest()
    {
        using var client = _factory.ClientWithKey(await _factory.IssueKeyAsync("greedy", "check"));
        var numbers = Enumerable.Range(0, 101).Select(i => $"+447700900{i:D3}").ToArray();

        var response = await client.PostAsJsonAsync("/api/v1/check/batch", new { phoneNumbers = numbers }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
