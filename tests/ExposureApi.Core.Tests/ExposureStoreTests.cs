using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Core.Tests;

public sealed class ExposureStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SchemeFingerprint _fingerprint = TestSchemes.Cheap().Fingerprint;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private static Breach NewBreach(string name, DateOnly date, bool retired = false) => new()
    {
        Name = name,
        Title = $"{name} title",
        BreachDate = date,
        DataClasses = ["Phone numbers", "Names"],
        PwnCount = 42,
        IsRetired = retired,
    };

    private static byte[] Hash(byte seed) => Enumerable.Repeat(seed, 32).ToArray();

    [Fact]
    public async Task InitializingCreatesTheFolderAndStampsTheFingerprint()
    {
        var store = new ExposureStore(_folder.File("nested/deeper/store.db"));

        Assert.True(await store.Schema.InitializeAsync(_fingerprint, Ct));

        Assert.True(File.Exists(store.Path));
        Assert.Equal(_fingerprint, await store.Schema.GetFingerprintAsync(Ct));
        Assert.False(await store.Schema.InitializeAsync(_fingerprint, Ct));
    }

    [Fact]
    public async Task TheStoreIsInWalModeWithItsMigrationsRecorded()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(_fingerprint, Ct);

        await using var connection = new SqliteConnection($"Data Source={store.Path}");
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
        command.CommandText = "PRAGMA page_size;";
        Assert.Equal(StoreSchema.PageSize, (long)(await command.ExecuteScalarAsync(Ct))!);
        command.CommandText = "SELECT group_concat(version || ':' || name) FROM migrations;";
        Assert.Equal("1:initial,2:loads,3:api_keys,4:breach_translations", (string?)await command.ExecuteScalarAsync(Ct));
        command.CommandText = "SELECT value FROM meta WHERE key = 'schema_version';";
        Assert.Equal(StoreSchema.CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task AStoreMadeUnderAnotherSchemeIsRefusedNamingWhatDiffers()
    {
        var path = _folder.File("store.db");
        await new ExposureStore(path).Schema.InitializeAsync(_fingerprint, Ct);
        var other = TestSchemes.Cheap(salt: "a-different-salt-value").Fingerprint with { Iterations = 3 };

        var error = await Assert.ThrowsAsync<SchemeMismatchException>(() => new ExposureStore(path).Schema.InitializeAsync(other, Ct));

        Assert.Contains("iterations (t): configured 3, store 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("salt id:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pepper key id:", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoreFromANewerBuildIsRefused()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(_fingerprint, Ct);
        // Written behind the store's back, as a newer build would have.
        await using (var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO migrations VALUES (999, 'future', '2099-01-01T00:00:00Z');";
            await command.ExecuteNonQueryAsync(Ct);
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => store.Schema.InitializeAsync(_fingerprint, Ct));
        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALookUpReturnsTheBreachesHoldingTheHashOldestFirstWithoutRetiredOnes()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(_fingerprint, Ct);
        await store.Breaches.UpsertAsync(NewBreach("Newer", new DateOnly(2023, 6, 12)), Ct);
        await store.Breaches.UpsertAsync(NewBreach("Older", new DateOnly(2019, 1, 2)), Ct);
        await store.Breaches.UpsertAsync(NewBreach("Withdrawn", new DateOnly(2020, 1, 1), retired: true), Ct);
        foreach (var name in new[] { "Newer", "Older", "Withdrawn" })
        {
            await store.AddExposuresAsync(name, [Hash(1)], Ct);
        }

        await store.AddExposuresAsync("Older", [Hash(2)], Ct);

        var found = await store.Exposures.FindBreachesAsync(Hash(1), Ct);
        Assert.Equal(["Older", "Newer"], found.Select(b => b.Name));
        Assert.Equal(["Older"], (await store.Exposures.FindBreachesAsync(Hash(2), Ct)).Select(b => b.Name));
        Assert.Empty(await store.Exposures.FindBreachesAsync(Hash(3), Ct));
    }

    [Fact]
    public async Task BreachMetadataRoundTripsEveryField()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(_fingerprint, Ct);
        var breach = new Breach
        {
            Name = "Everything",
            Title = "All fields",
            Domain = "example.test",
            BreachDate = new DateOnly(2021, 2, 3),
            AddedDate = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
            ModifiedDate = new DateTimeOffset(2024, 6, 7, 8, 9, 10, TimeSpan.Zero),
            PwnCount = 123_456_789_012,
            Description = "<p>HTML &amp; more</p>",
            DataClasses = ["Aadhaar numbers", "Phone numbers"],
            LogoPath = "/logos/everything.png",
            IsVerified = true, IsFabricated = true, IsSensitive = true, IsSpamList = true,
            IsMalware = true, IsSubscriptionFree = true, IsStealerLog = true,
        };

        Assert.True(await store.Breaches.UpsertAsync(breach, Ct));
        var read = await store.Breaches.GetAsync("everything", Ct);

        Assert.NotNull(read);
        Assert.Equivalent(breach, read, strict: true);
    }

    [Fact]
    public async Task UpsertingAnExistingBreachUpdatesItAndKeepsItsAddedDate()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(_fingerprint, Ct);
        await store.Breaches.UpsertAsync(NewBreach("Shop", new DateOnly(2020, 1, 1)) with { AddedDate = new DateTimeOffset(2020, 2, 2, 0, 0, 0, TimeSpan.Zero) }, Ct);

        Assert.False(await store.Breaches.UpsertAsync(NewBreach("Shop", new DateOnly(2020, 1, 1)) with { Title = "Renamed" }, Ct));

        var read = await store.Breaches.GetAsync("Shop", Ct);
        Assert.Equal("Renamed", read!.Title);
        Assert.Equal(new DateTimeOffset(2020, 2, 2, 0, 0, 0, TimeSpan.Zero), read.AddedDate);
    }

    [Fact]
    public async Task ListingBreachesAndDataClassesLeavesRetiredOnesOutUnlessAsked()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(_fingerprint, Ct);
        await store.Breaches.UpsertAsync(NewBreach("Live", new DateOnly(2020, 1, 1)) with { DataClasses = ["Phone numbers"] }, Ct);
        await store.Breaches.UpsertAsync(NewBreach("Gone", new DateOnly(2019, 1, 1), retired: true) with { DataClasses = ["Passwords"] }, Ct);

        Assert.Equal(["Live"], (await store.Breaches.ListAsync(includeRetired: false, Ct)).Select(b => b.Name));
        Assert.Equal(["Gone", "Live"], (await store.Breaches.ListAsync(includeRetired: true, Ct)).Select(b => b.Name));
        Assert.Equal(["Phone numbers"], await store.Breaches.ListDataClassesAsync(Ct));
        Assert.Null(await store.Breaches.GetAsync("Unknown", Ct));
    }

    [Fact]
    public async Task RowsWrittenOutsideTheLoaderAreAProblemForVerify()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(_fingerprint, Ct);
        await store.Breaches.UpsertAsync(NewBreach("Shop", new DateOnly(2020, 1, 1)), Ct);
        await store.AddExposuresAsync("Shop", [Hash(1), Hash(2), Hash(1)], Ct);

        Assert.Equal(2, store.Loads.SumNewRows());
        Assert.Equal(2, await store.Exposures.CountAsync(Ct));
        Assert.True((await store.Maintenance.CheckHealthAsync(Ct)).IsHealthy);

        await using (var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO exposures (hash, breach_id) SELECT zeroblob(32), id FROM breaches;";
            await command.ExecuteNonQueryAsync(Ct);
        }

        var problem = Assert.Single((await store.Maintenance.CheckHealthAsync(Ct)).Problems);
        Assert.Contains("holds 3 rows but the loads ledger accounts for 2", problem, StringComparison.Ordinal);
    }
}
