using System.Security.Cryptography;
using System.Text;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Tests.Ingestion;

/// <summary>The loader on its own, against a real store file: all or nothing, idempotent, scheme-checked, recorded.</summary>
public sealed class BreachLoaderTests : IDisposable
{
    private static readonly HashScheme Scheme = TestSchemes.Cheap();
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private async Task<ExposureStore> StoreWithBreachAsync()
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(Scheme.Fingerprint, Ct);
        await store.Breaches.UpsertAsync(new Breach { Name = "Alpha", Title = "Alpha", BreachDate = new DateOnly(2024, 1, 1) }, Ct);
        return store;
    }

    private static HashFileSource Source(string name, string text) => new(name, () => new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static string[] Hashes(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))))];

    [Fact]
    public async Task FilesAreLoadedDeduplicatedAndRecordedInTheLedgerOnceAndTheSecondTimeAddNothing()
    {
        var store = await StoreWithBreachAsync();
        var loader = new BreachLoader(store) { RunLength = 100, TempFolder = _folder.File("runs") };
        IReadOnlyList<HashFileSource> files =
        [
            Source("a.hashes", TestFiles.HashFile(Scheme.Fingerprint.ToString(), Hashes(0, 700))),
            Source("b.hashes", TestFiles.HashFile(Scheme.Fingerprint.ToString(), Hashes(500, 500))),
        ];

        var first = await loader.LoadAsync("Alpha", files, null, Ct);
        var second = await loader.LoadAsync("alpha", files, null, Ct);

        Assert.Equal((1200, 1000, 200), (first.RowsRead, first.NewRows, first.Duplicates));
        Assert.Equal((1200, 0, 1200), (second.RowsRead, second.NewRows, second.Duplicates));
        Assert.Equal(1000, await store.Exposures.CountAsync(Ct));
        Assert.Equal(1000, store.Loads.SumNewRows());
        var loads = await store.Loads.RecentAsync(10, Ct);
        Assert.Equal(["already-loaded", "loaded"], loads.Select(l => l.Outcome));
        Assert.Equal(2, first.Files.Count);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TestFiles.HashFile(Scheme.Fingerprint.ToString(), Hashes(0, 700))))), first.Files[0].Sha256);
        Assert.True((await store.Maintenance.CheckHealthAsync(Ct)).IsHealthy);
    }

    [Fact]
    public async Task AMalformedLineInTheLastFileLeavesTheStoreAsItWas()
    {
        var store = await StoreWithBreachAsync();
        var loader = new BreachLoader(store) { RunLength = 100, TempFolder = _folder.File("runs") };
        var good = Source("good.hashes", TestFiles.HashFile(Scheme.Fingerprint.ToString(), Hashes(0, 300)));
        var bad = Source("bad.hashes", TestFiles.HashFile(Scheme.Fingerprint.ToString(), [.. Hashes(300, 300), "zz"], withCount: false));

        var error = await Assert.ThrowsAsync<HashFileFormatException>(() => loader.LoadAsync("Alpha", [good, bad], null, Ct));

        Assert.Equal(("bad.hashes", 303), (error.File, error.Line));
        Assert.Equal(0, await store.Exposures.CountAsync(Ct));
        Assert.Empty(await store.Loads.RecentAsync(10, Ct));
        Assert.Empty(Directory.GetFiles(_folder.File("runs")));
    }

    [Fact]
    public async Task AFileOfAnotherSchemeIsRefusedBeforeAnyHashIsRead()
    {
        var store = await StoreWithBreachAsync();
        var other = TestSchemes.Cheap(salt: "another-salt-0123456789").Fingerprint.ToString();
        var opened = 0;
        var file = new HashFileSource("other.hashes", () =>
        {
            opened++;
            return new MemoryStream(Encoding.UTF8.GetBytes(TestFiles.HashFile(other, Hashes(0, 10))));
        });

        var error = await Assert.ThrowsAsync<SchemeMismatchException>(() => new BreachLoader(store).LoadAsync("Alpha", [file], null, Ct));

        Assert.Contains("other.hashes:2", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, opened);
        Assert.Equal(0, await store.Exposures.CountAsync(Ct));
    }

    [Fact]
    public async Task AnUnknownBreachOrAnUninitialisedStoreIsRefusedSayingWhatToDo()
    {
        var store = await StoreWithBreachAsync();
        var file = Source("a.hashes", TestFiles.HashFile(Scheme.Fingerprint.ToString(), Hashes(0, 10)));

        var noBreach = await Assert.ThrowsAsync<NotInStoreException>(() => new BreachLoader(store).LoadAsync("Beta", [file], null, Ct));
        var noStore = await Assert.ThrowsAsync<StoreException>(() => new BreachLoader(new ExposureStore(_folder.File("empty.db"))).LoadAsync("Alpha", [file], null, Ct));

        Assert.Contains("exposure breach add", noBreach.Message, StringComparison.Ordinal);
        Assert.Contains("exposure init", noStore.Message, StringComparison.Ordinal);
    }
}
