using System.Text.Json;
using ExposureApi.Core.Keys;
using ExposureApi.Core.Storage;

namespace ExposureApi.Tests;

/// <summary>
/// A real HIBP client library, 'hibp' from npm, pointed at the running service through its baseUrl option: what a
/// partner who already integrates HIBP would do. Needs Node.js and npm (.ci/run installs them).
/// </summary>
public sealed class HibpClientTests : IDisposable
{
    private readonly TempFolder _folder = new();


    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _folder.Dispose();
    }

    [Fact]
    public async Task TheHibpLibraryChecksAPhoneNumberThroughItsBaseUrl()
    {
        var node = ExternalTool.Require("/usr/bin/node", "nodejs");
        var npm = ExternalTool.Require("/usr/bin/npm", "npm");

        var scheme = ExposureApiFactory.TestScheme();
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(scheme.Fingerprint, Ct);
        await store.Breaches.UpsertAsync(TestData.Breach("CoWIN2023", new DateOnly(2023, 6, 12)), Ct);
        await store.AddExposuresAsync("CoWIN2023", [new Core.Hashing.ExposureHasher(scheme).Hash("+447700900123")], Ct);
        var (_, key) = await new ApiKeyStore(store).IssueAsync("hibp-js", [ApiScopes.Check], 1000, Ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var app = AppProcess.Start(AppProcess.TestSettings(store.Path), _folder.Path);
        var baseUrl = new Uri(await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(60)), "/api/v3").ToString();

        var client = Path.Combine(AppContext.BaseDirectory, "HibpClient");
        var (installed, installLog) = await ChildProcess.RunAsync(npm, client, ["ci", "--no-audit", "--no-fund"], Ct);
        Assert.True(installed == 0, installLog);
        var (exit, output) = await ChildProcess.RunAsync(node, client, ["client.mjs", baseUrl, key, "+447700900123"], Ct);
        Assert.True(exit == 0, output);

        var results = JsonDocument.Parse(output).RootElement;
        Assert.Equal("CoWIN2023", results.GetProperty("truncated").GetProperty("ok")[0].GetProperty("Name").GetString());
        var full = results.GetProperty("full").GetProperty("ok")[0];
        Assert.Equal("2023-06-12", full.GetProperty("BreachDate").GetString());
        Assert.Equal(["Names", "Phone numbers"], full.GetProperty("DataClasses").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, results.GetProperty("notFound").GetProperty("ok").ValueKind);
        // The library raises a 401's body as its message, as HIBP writes it.
        Assert.Contains("Access denied due to invalid hibp-api-key.", results.GetProperty("badKey").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Access denied due to missing hibp-api-key.", results.GetProperty("noKey").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Bad request", results.GetProperty("notANumber").GetProperty("error").GetString(), StringComparison.Ordinal);
        // Written without "+", as many clients do: still read as the UK number it is, never a silent "not found".
        Assert.Equal("CoWIN2023", results.GetProperty("withoutPlus").GetProperty("ok")[0].GetProperty("Name").GetString());
        Assert.Equal("CoWIN2023", results.GetProperty("search").GetProperty("ok").GetProperty("breaches")[0].GetProperty("Name").GetString());
        Assert.Equal("CoWIN2023", results.GetProperty("breachesForDomain").GetProperty("ok")[0].GetProperty("Name").GetString());
        Assert.Equal(JsonValueKind.Null, results.GetProperty("unknownBreach").GetProperty("ok").ValueKind);
        foreach (var unsupported in new[]
                 {
                     "breachedDomain", "pasteAccount", "subscribedDomains", "subscriptionStatus", "stealerLogsByEmail",
                     "stealerLogsByWebsiteDomain", "stealerLogsByEmailDomain", "pwnedPasswordRange", "pwnedPassword",
                 })
        {
            Assert.True(results.GetProperty(unsupported).TryGetProperty("error", out var error), $"{unsupported}: {results.GetProperty(unsupported)}");
            Assert.Equal("Not Implemented", error.GetString());
        }

        Assert.Equal(1, results.GetProperty("breaches").GetProperty("ok").GetArrayLength());
        Assert.Equal("CoWIN2023", results.GetProperty("breach").GetProperty("ok").GetProperty("Name").GetString());
        Assert.Equal("CoWIN2023", results.GetProperty("latestBreach").GetProperty("ok").GetProperty("Name").GetString());
        Assert.Contains("Phone numbers", results.GetProperty("dataClasses").GetProperty("ok").EnumerateArray().Select(c => c.GetString()));
    }

}
