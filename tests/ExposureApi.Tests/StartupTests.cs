using ExposureApi.Core.Hashing;
using System.Net.Http.Json;
using ExposureApi.Core.Storage;

namespace ExposureApi.Tests;

/// <summary>
/// A misconfigured service must refuse to start, saying what to fix, rather than start half-right. These run the
/// real process, so they prove what an operator sees: the message and a non-zero exit code.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();


    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _folder.Dispose();
    }

    private Dictionary<string, string?> Settings(string environment = "Production") => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = environment,
        ["Exposure__Store__Path"] = _folder.File("store.db"),
        ["Exposure__Hashing__Pepper"] = ExposureApiFactory.TestPepper,
        ["Exposure__Hashing__Salt"] = ExposureApiFactory.TestSalt,
        ["Exposure__Hashing__MemoryKiB"] = "64",
        ["Exposure__Hashing__Iterations"] = "1",
    };

    private async Task<string> RefusesToStart(Dictionary<string, string?> settings)
    {
        await using var app = AppProcess.Start(settings, _folder.Path);

        var exitCode = await app.WaitForExitAsync(Timeout);

        Assert.Equal(1, exitCode);
        Assert.Contains("ExposureApi refused to start", app.Output, StringComparison.Ordinal);
        return app.Output;
    }

    [Fact]
    public async Task AStoreMadeUnderAnotherSchemeStopsStartUpNamingTheDifference()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(new HashScheme(Pepper.FromHex(ExposureApiFactory.TestPepper), ExposureApiFactory.TestSalt, memoryKiB: 128, iterations: 1).Fingerprint, Ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // closing the last connection checkpoints the WAL into the file
        var before = await File.ReadAllBytesAsync(store.Path, Ct);

        var output = await RefusesToStart(Settings());

        Assert.Contains("memory (m): configured 64 KiB, store 128 KiB", output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(store.Path, Ct));
    }

    [Fact]
    public async Task TheDemoPepperIsRefusedOutsideDevelopment()
    {
        var settings = Settings();
        settings["Exposure__Hashing__Pepper"] = Pepper.DemoHex;

        Assert.Contains("published demo pepper", await RefusesToStart(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingPepperStopsStartUpWithWhatToDo()
    {
        var settings = Settings();
        settings.Remove("Exposure__Hashing__Pepper");

        var output = await RefusesToStart(settings);

        Assert.Contains("No pepper is configured", output, StringComparison.Ordinal);
        Assert.Contains("openssl rand -hex 32", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShortPepperIsRefusedWithoutBeingEchoed()
    {
        const string shortPepper = "abcdef0123456789abcdef0123456789";
        var settings = Settings();
        settings["Exposure__Hashing__Pepper"] = shortPepper;

        var output = await RefusesToStart(settings);

        Assert.Contains("at least 32 bytes", output, StringComparison.Ordinal);
        Assert.DoesNotContain(shortPepper, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryInvalidSettingIsNamedAtOnce()
    {
        var settings = Settings();
        settings["Exposure__Hashing__Salt"] = "short";
        settings["Exposure__DefaultRegion"] = "XX";
        settings["Exposure__Hashing__Iterations"] = "0";
        settings["Exposure__Hashing__MemoryKiB"] = "4";
        settings["Exposure__Demo__Enabled"] = "true";
        settings["Exposure__Hashing__QueueLimit"] = "-1";
        settings["Exposure__Hashing__MaxQueueWaitSeconds"] = "0";

        var output = await RefusesToStart(settings);

        Assert.Contains("Salt must be at least 16 characters", output, StringComparison.Ordinal);
        Assert.Contains("Exposure:DefaultRegion 'XX'", output, StringComparison.Ordinal);
        Assert.Contains("Iterations must be at least 1", output, StringComparison.Ordinal);
        Assert.Contains("MemoryKiB must be at least 8 KiB", output, StringComparison.Ordinal);
        Assert.Contains("Exposure:Hashing:QueueLimit must be 0 or more", output, StringComparison.Ordinal);
        Assert.Contains("Exposure:Hashing:MaxQueueWaitSeconds must be more than 0", output, StringComparison.Ordinal);
        Assert.Contains("Exposure:Demo:Enabled is only allowed in the Development environment", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownEngineIsRefusedNamingTheSetting()
    {
        var settings = Settings();
        settings["Exposure__Hashing__Engine"] = "turbo";

        Assert.Contains("Exposure:Hashing:Engine 'turbo' is not an Argon2 engine; use one of: fast, konscious", await RefusesToStart(settings), StringComparison.Ordinal);
    }

    // DOTNET_EnableAVX2=0 hides AVX2 from the runtime, as a CPU without it would. The service must say at start-up which
    // code hashes, and the scalar fallback must find what the AVX2 code (this test process) put in the store.
    [Theory]
    [InlineData(null, "fast (AVX2)")]
    [InlineData("0", "fast (scalar)")]
    public async Task TheEngineInUseIsLoggedAtStartUpAndFindsWhatTheOtherInstructionSetStored(string? enableAvx2, string engine)
    {
        Assert.SkipWhen(enableAvx2 is null && !System.Runtime.Intrinsics.X86.Avx2.IsSupported, "This CPU has no AVX2.");
        var scheme = ExposureApiFactory.TestScheme();
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(scheme.Fingerprint, Ct);
        await store.Breaches.UpsertAsync(new Breach { Name = "Seeded", Title = "Seeded", BreachDate = new DateOnly(2024, 1, 1) }, Ct);
        await store.AddExposuresAsync("Seeded", [new ExposureHasher(scheme).Hash("+447700900123")], Ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var settings = Settings();
        settings["DOTNET_EnableAVX2"] = enableAvx2;
        await using var app = AppProcess.Start(settings, _folder.Path);

        using var client = new HttpClient { BaseAddress = await app.WaitUntilListeningAsync(Timeout) };
        var response = await client.PostAsJsonAsync("/api/v1/check", new { phoneNumber = "+44 7700 900123" }, Ct);

        Assert.Contains($"Hashing with Argon2 engine {engine}", app.Output, StringComparison.Ordinal);
        Assert.Contains("\"exposed\":true", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APepperFileIsAcceptedInProduction()
    {
        var pepperFile = _folder.File("pepper");
        await File.WriteAllTextAsync(pepperFile, $"\n  {ExposureApiFactory.TestPepper}  \n", Ct);
        var settings = Settings();
        settings.Remove("Exposure__Hashing__Pepper");
        settings["Exposure__Hashing__PepperFile"] = pepperFile;
        await using var app = AppProcess.Start(settings, _folder.Path);

        var address = await app.WaitUntilListeningAsync(Timeout);
        using var client = new HttpClient { BaseAddress = address };
        var response = await client.GetAsync("/api/v1/breaches", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExposureApiFactory.TestScheme().Fingerprint, await new ExposureStore(_folder.File("store.db")).Schema.GetFingerprintAsync(Ct));
    }
}
