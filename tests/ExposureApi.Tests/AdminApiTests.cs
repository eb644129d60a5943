using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Tests;

public sealed class AdminApiTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new();
    private HttpClient _admin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _factory.CreateClient().Dispose();
        _admin = _factory.ClientWithKey(await _factory.IssueKeyAsync("ops", "admin"));
        var created = await _admin.PutAsync("/api/v1/admin/breaches/Telco",
            new StringContent("""{"Title":"Telco","BreachDate":"2024-03-04","PwnCount":3,"DataClasses":["Phone numbers"]}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
    }

    private static string HashFile(IEnumerable<string> lines, string? scheme = null) =>
        TestFiles.HashFile(scheme ?? ExposureApiFactory.TestScheme().Fingerprint.ToString(), [.. lines], withCount: false);

    private string[] Hashes(params string[] numbers) => [.. numbers.Select(n => Convert.ToHexStringLower(_factory.Hasher.Hash(n)))];

    private Task<HttpResponseMessage> Upload(string body, bool gzip = false)
    {
        HttpContent content;
        if (gzip)
        {
            var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(Encoding.UTF8.GetBytes(body));
            }

            content = new ByteArrayContent(compressed.ToArray());
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new StringContent(body, Encoding.UTF8);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        return _admin.PostAsync("/api/v1/admin/breaches/Telco/hashes", content, Ct);
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    private byte[] StoreBytes()
    {
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={_factory.Store.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
        connection.Close();
        using var stream = new FileStream(_factory.Store.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task AnUploadedHashFileIsLoadedAndChecksFindItsNumbers()
    {
        var response = await Upload(HashFile(Hashes("+447700900001", "+447700900002", "+447700900001")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await Body(response);
        Assert.Equal((3, 2, 1), (result.GetProperty("rowsRead").GetInt64(), result.GetProperty("newRows").GetInt64(), result.GetProperty("duplicates").GetInt64()));
        using var anonymous = _factory.CreateClient();
        var check = await anonymous.PostAsync("/api/v1/check", new StringContent("""{"phoneNumber":"+447700900002"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Contains("Telco", await check.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGzipUploadLoadsAndAgainAddsNothing()
    {
        var body = HashFile(Enumerable.Range(0, 500).Select(i => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))));

        var first = await Body(await Upload(body, gzip: true));
        var again = await Body(await Upload(body, gzip: true));

        Assert.Equal(500, first.GetProperty("newRows").GetInt64());
        Assert.Equal(0, again.GetProperty("newRows").GetInt64());
        Assert.Equal(500, again.GetProperty("duplicates").GetInt64());
        var loads = (await Body(await _admin.GetAsync("/api/v1/admin/loads", Ct))).EnumerateArray().ToList();
        Assert.Equal(["already-loaded", "loaded"], loads.Take(2).Select(l => l.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task AFileOfAnotherSchemeIsAConflictAndChangesNothing()
    {
        var before = StoreBytes();
        var other = ExposureApiFactory.TestScheme().Fingerprint.ToString().Replace("t=1", "t=3", StringComparison.Ordinal);

        var response = await Upload(HashFile(Hashes("+447700900001"), other));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await Body(response);
        Assert.Equal("/problems/scheme-mismatch", problem.GetProperty("type").GetString());
        Assert.Contains("iterations (t): file 3, store 1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, StoreBytes());
    }

    [Fact]
    public async Task AMalformedLineIsABadRequestNamingTheLineAndChangesNothing()
    {
        var before = StoreBytes();
        var lines = Hashes("+447700900001", "+447700900002").Append("not-hex").ToArray();

        var response = await Upload(HashFile(lines));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Body(response);
        Assert.Equal("/problems/hash-file-invalid", problem.GetProperty("type").GetString());
        Assert.StartsWith("upload:5: expected 64 hex digits", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, StoreBytes());
    }

    [Fact]
    public async Task UploadingToAnUnknownBreachIsNotFound()
    {
        var response = await _admin.PostAsync("/api/v1/admin/breaches/Nope/hashes", new StringContent(HashFile([])), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task BreachMetadataIsUpdatedValidatedAndRetired()
    {
        var updated = await _admin.PutAsync("/api/v1/admin/breaches/telco",
            new StringContent("""{"title":"Telco, renamed","breachDate":"2024-03-04","isSensitive":true}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.True((await _factory.Store.Breaches.GetAsync("Telco", Ct))!.IsSensitive);

        var invalid = await _admin.PutAsync("/api/v1/admin/breaches/bad%20name",
            new StringContent("""{"Title":"x","BreachDate":"2024-03-04"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var noDate = await _admin.PutAsync("/api/v1/admin/breaches/Other", new StringContent("""{"Title":"x"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noDate.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.PostAsync("/api/v1/admin/breaches/Telco/retire", null, Ct)).StatusCode);
        Assert.True((await _factory.Store.Breaches.GetAsync("Telco", Ct))!.IsRetired);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.PostAsync("/api/v1/admin/breaches/Nope/retire", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task StatsCountHashesPerBreach()
    {
        await Upload(HashFile(Hashes("+447700900001", "+447700900002")));

        var stats = await Body(await _admin.GetAsync("/api/v1/admin/stats", Ct));

        Assert.Equal(2, stats.GetProperty("totalHashes").GetInt64());
        Assert.True(stats.GetProperty("storeBytes").GetInt64() > 0);
        Assert.Equal(2, stats.GetProperty("breaches").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "Telco").GetProperty("hashes").GetInt64());
    }

    [Fact]
    public async Task AdminNeedsTheAdminScope()
    {
        using var checker = _factory.ClientWithKey(await _factory.IssueKeyAsync("partner", "check,check:sensitive"));
        using var anonymous = _factory.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await checker.GetAsync("/api/v1/admin/stats", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/admin/stats", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await checker.PostAsync("/api/v1/admin/breaches/Telco/hashes", new StringContent(HashFile([])), Ct)).StatusCode);
    }
}
