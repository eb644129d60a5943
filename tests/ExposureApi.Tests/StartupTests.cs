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

    private Dictionary<string, string?> Settings(string environment = "Production") => AppProcess.TestSettings(_folder.File("store.db"), environment);

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
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task APepperFileIsAcceptedInProduction()
    {
        await StoreSeeding.CreateServedStoreAsync(_folder.File("store.db"), ExposureApiFactory.TestScheme(), Ct);
        var pepperFile = _folder.File("pepper");
        await File.WriteAllTextAsync(pepperFile, $"\n  {ExposureApiFactory.TestPepper}  \n", Ct);
        File.SetUnixFileMode(pepperFile, UnixFileMode.UserRead);
        var settings = Settings();
        settings.Remove("Exposure__Hashing__Pepper");
        settings["Exposure__Hashing__PepperFile"] = pepperFile;
        await using var app = AppProcess.Start(settings, _folder.Path);

        var address = await app.WaitUntilListeningAsync(Timeout);
        using var client = new HttpClient { BaseAddress = address };
        var response = await client.GetAsync("/api/v1/breaches", Ct);
        var ready = await client.GetStringAsync("/health/ready", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", ready, StringComparison.Ordinal);
        Assert.DoesNotContain("may be read by its group", app.Output, StringComparison.Ordinal);
    }

    // A mounted secret arrives readable by all (Kubernetes 0644, Docker 0444), in a container where the service is the
    // only user: a warning at every start and in readiness, not a refusal. One that others may change is refused.
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task APepperFileOthersMayReadIsWarnedAboutAndOneOthersMayChangeIsRefused()
    {
        await StoreSeeding.CreateServedStoreAsync(_folder.File("store.db"), ExposureApiFactory.TestScheme(), Ct);
        var pepperFile = _folder.File("pepper");
        await File.WriteAllTextAsync(pepperFile, ExposureApiFactory.TestPepper, Ct);
        File.SetUnixFileMode(pepperFile, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var settings = Settings();
        settings.Remove("Exposure__Hashing__Pepper");
        settings["Exposure__Hashing__PepperFile"] = pepperFile;

        await using (var app = AppProcess.Start(settings, _folder.Path))
        {
            using var client = new HttpClient { BaseAddress = await app.WaitUntilListeningAsync(Timeout) };
            var ready = await client.GetAsync("/health/ready", Ct);
            var report = await ready.Content.ReadAsStringAsync(Ct);

            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"status\":\"Degraded\"", report, StringComparison.Ordinal);
            Assert.Contains("may be read by its group or by other users (mode 0444)", report, StringComparison.Ordinal);
            Assert.Contains("may be read by its group or by other users (mode 0444)", app.Output, StringComparison.Ordinal);
        }

        File.SetUnixFileMode(pepperFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        Assert.Contains("may be changed by users other than its owner (mode 0606)", await RefusesToStart(settings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "one value repeated")]
    [InlineData("abababababababababababababababababababababababababababababababab", "one value repeated")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "only 8 distinct byte values")]
    [InlineData("deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef", "only 4 distinct byte values")]
    [InlineData("  000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\n", "published demo pepper")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00", "contains the published demo pepper")]
    [InlineData("1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100", "count up or down")]
    public async Task AWeakOrPublishedPepperIsRefusedOutsideDevelopment(string pepper, string reason)
    {
        var settings = Settings();
        settings["Exposure__Hashing__Pepper"] = pepper;

        var output = await RefusesToStart(settings);

        Assert.Contains(reason, output, StringComparison.Ordinal);
        Assert.DoesNotContain(pepper.Trim(), output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheDemoSaltIsRefusedOutsideDevelopment()
    {
        var settings = Settings();
        settings["Exposure__Hashing__Salt"] = " Exposure-Demo-Salt-V1 ";

        Assert.Contains("Exposure:Hashing:Salt is the published demo salt", await RefusesToStart(settings), StringComparison.Ordinal);
    }

    // A typo in the store's path, or an empty file, must not become a new empty store answering "not exposed" to all.
    [Fact]
    public async Task AMissingStoreIsRefusedOutsideDevelopmentAndNotCreated()
    {
        var output = await RefusesToStart(Settings());

        Assert.Contains($"The store '{_folder.File("store.db")}' does not exist", output, StringComparison.Ordinal);
        Assert.Contains("exposure init", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("store.db")));
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task AnEmptyStoreFileIsRefusedOutsideDevelopmentAndLeftEmpty()
    {
        await File.WriteAllBytesAsync(_folder.File("store.db"), [], Ct);

        var output = await RefusesToStart(Settings());

        Assert.Contains($"The store '{_folder.File("store.db")}' is an empty file", output, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(_folder.File("store.db")).Length);
    }

    [Fact]
    public async Task AStoreWithDamagedPagesIsRefusedAtStartUpAndLeftAsItWas()
    {
        var store = await StoreSeeding.CreateServedStoreAsync(_folder.File("store.db"), ExposureApiFactory.TestScheme(), Ct);
        var hasher = new ExposureHasher(ExposureApiFactory.TestScheme());
        await store.AddExposuresAsync("Seed", Enumerable.Range(0, 3000).Select(i => hasher.Hash($"+4477009{i:D5}")), Ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // checkpoints the WAL into the file
        var bytes = await File.ReadAllBytesAsync(store.Path, Ct);
        Assert.True(bytes.Length > 6 * StoreSchema.PageSize, $"{bytes.Length} bytes");
        // Scribble over the b-tree page header of a page in the middle of the exposures.
        bytes.AsSpan(4 * StoreSchema.PageSize, 64).Fill(0xA5);
        await File.WriteAllBytesAsync(store.Path, bytes, Ct);

        var output = await RefusesToStart(Settings());

        Assert.Contains($"The store '{store.Path}' is damaged (SQLite quick_check:", output, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.Path, Ct));
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task AFileThatIsNotADatabaseIsRefusedWithoutAStackTrace()
    {
        var garbage = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 4096);
        await File.WriteAllBytesAsync(_folder.File("store.db"), garbage, Ct);

        var output = await RefusesToStart(Settings());

        Assert.Contains($"The store '{_folder.File("store.db")}'", output, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(_folder.File("store.db"), Ct));
        AssertNoStackTrace(output);
    }

    // A restart policy must see a configuration error (exit 1), never a crash (134) with a stack trace.
    [Theory]
    [InlineData("Exposure__Hashing__MemoryKiB", "4000000000", "Exposure:Hashing:MemoryKiB")]
    [InlineData("Exposure__Hashing__MemoryKiB", "lots", "Exposure:Hashing:MemoryKiB")]
    [InlineData("Exposure__Hashing__MaxConcurrency", "2.5", "Exposure:Hashing:MaxConcurrency")]
    [InlineData("Exposure__RateLimits__AnonymousPerMinute", "ten", "Exposure:RateLimits:AnonymousPerMinute")]
    [InlineData("Exposure__Metrics__Port", "http", "Exposure:Metrics:Port")]
    [InlineData("Exposure__Store__CheckOnStartup", "maybe", "Exposure:Store:CheckOnStartup")]
    public async Task AnUnreadableSettingIsNamedAndExitsOne(string variable, string value, string setting)
    {
        var settings = Settings();
        settings[variable] = value;

        var output = await RefusesToStart(settings);

        Assert.Contains(setting, output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task HashingMemoryBeyondWhatTheProcessMayUseIsRefused()
    {
        var settings = Settings();
        settings["Exposure__Hashing__MaxConcurrency"] = "64";
        settings["Exposure__Hashing__MemoryKiB"] = "2097152"; // 64 threads × 2 × 2 GiB: no machine here has 256 GiB

        Assert.Contains("Exposure:Hashing:MaxConcurrency × MemoryKiB needs 262144 MiB", await RefusesToStart(settings), StringComparison.Ordinal);
    }

    // The memory the process may use includes a container's limit; the runtime's hard heap limit stands in for one here.
    [Fact]
    public async Task HashingMemoryBeyondAContainersLimitIsRefused()
    {
        var settings = Settings();
        settings["DOTNET_GCHeapHardLimit"] = "0x10000000"; // 256 MiB
        settings["Exposure__Hashing__MaxConcurrency"] = "2";
        settings["Exposure__Hashing__MemoryKiB"] = "65536"; // 2 threads × 2 × 64 MiB = 256 MiB, more than 75% of 256 MiB

        Assert.Contains("needs 256 MiB (2 threads × 2 hashes × 65536 KiB), more than 75% of the 256 MiB", await RefusesToStart(settings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    public async Task ATrustedProxyEntryThatTrustsEveryoneIsRefused(string network)
    {
        var settings = Settings();
        settings["Exposure__RateLimits__TrustedProxies__0"] = "10.0.0.0/8";
        settings["Exposure__RateLimits__TrustedProxies__1"] = network;

        Assert.Contains("must not trust every address", await RefusesToStart(settings), StringComparison.Ordinal);
    }

    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }
}
