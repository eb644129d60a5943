using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExposureApi.Core.Hashing;

namespace ExposureApi.Tests;

/// <summary>
/// The run command's default: the embedded demo store at the real Argon2 defaults, with the numbers data/README.md
/// documents as exposed and not exposed.
/// </summary>
public sealed class DemoStoreTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new(new Dictionary<string, string?>
    {
        ["Exposure:Hashing:Pepper"] = Pepper.DemoHex,
        ["Exposure:Hashing:Salt"] = HashScheme.DemoSalt,
        ["Exposure:Hashing:MemoryKiB"] = "19456",
        ["Exposure:Hashing:Iterations"] = "2",
        ["Exposure:Hashing:Parallelism"] = "1",
        ["Exposure:Demo:Enabled"] = "true",
    });

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

    private async Task<string[]> BreachesOf(string number, string? region = null)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/check", new { phoneNumber = number, region }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var names = body.GetProperty("breaches").EnumerateArray().Select(b => b.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(names.Length > 0, body.GetProperty("exposed").GetBoolean());
        return names;
    }

    [Fact]
    public async Task TheDemoStoreRunsAtTheRealDefaults()
    {
        Assert.Equal((19456, 2, 1), (_factory.Hasher.Scheme.MemoryKiB, _factory.Hasher.Scheme.Iterations, _factory.Hasher.Scheme.Parallelism));
        Assert.Equal(_factory.Hasher.Scheme.Fingerprint, await _factory.Store.Schema.GetFingerprintAsync(Ct));
    }

    [Theory]
    [InlineData("+44 7700 900000", null, new[] { "DemoShopLoyalty2021", "CoWIN2023", "ExampleTelco2024" })]
    [InlineData("07700 900002", "GB", new[] { "CoWIN2023" })]
    [InlineData("+447700900003", null, new[] { "ExampleTelco2024" })]
    [InlineData("(202) 555-0105", "US", new[] { "DemoShopLoyalty2021", "ExampleTelco2024" })]
    [InlineData("+1 415-555-0100", null, new[] { "DemoShopLoyalty2021", "CoWIN2023" })]
    public async Task DocumentedDemoNumbersAreExposedInTheirBreaches(string number, string? region, string[] expected)
    {
        Assert.Equal(expected, await BreachesOf(number, region));
    }

    [Theory]
    [InlineData("+44 7700 900001", null)]
    [InlineData("07700 900011", "GB")]
    [InlineData("+1 202-555-0143", null)]
    [InlineData("202-555-0101", "US")]
    // In the sensitive breach only, which an anonymous check never discloses.
    [InlineData("+447700900007", null)]
    public async Task DocumentedSafeNumbersAreNotExposed(string number, string? region)
    {
        Assert.Empty(await BreachesOf(number, region));
    }

    [Fact]
    public async Task TheDemoBreachesAreListed()
    {
        var breaches = JsonDocument.Parse(await _client.GetStringAsync("/api/v1/breaches", Ct)).RootElement;

        Assert.Equal(["DemoShopLoyalty2021", "DemoDatingApp2022", "CoWIN2023", "ExampleTelco2024"], breaches.EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        var cowin = JsonDocument.Parse(await _client.GetStringAsync("/api/v1/breaches/CoWIN2023", Ct)).RootElement;
        Assert.Contains("Aadhaar numbers", cowin.GetProperty("dataClasses").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("2023-06-12", cowin.GetProperty("breachDate").GetString());
    }
}
