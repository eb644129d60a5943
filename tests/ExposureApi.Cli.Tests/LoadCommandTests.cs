using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ExposureApi.Core.Ingestion;

namespace ExposureApi.Cli.Tests;

public sealed class LoadCommandTests : IAsyncLifetime
{
    private readonly CliWorkspace _workspace = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), """[{"Name":"Alpha","Title":"Alpha","BreachDate":"2024-01-01"},{"Name":"Beta","Title":"Beta","BreachDate":"2023-01-01"}]""");
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
    }

    public ValueTask DisposeAsync()
    {
        _workspace.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Distinct pseudo-random hashes, for loads that need many rows but no Argon2 work.</summary>
    internal static IEnumerable<string> SyntheticHashes(int count, int seed = 0) =>
        Enumerable.Range(seed, count).Select(i => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))));

    [Fact]
    public async Task ALoadReportsReadNewAndDuplicatesAndChecksFindTheNumbers()
    {
        var hashes = _workspace.HashesOf("+447700900001", "+447700900002");
        var file = _workspace.WriteHashFile("h.hashes", [.. hashes, hashes[0].ToUpperInvariant(), ""], withCount: false);

        var result = await _workspace.RunAsync("load", file, "--breach", "Alpha");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("3 read, 2 new, 1 duplicates", result.Output.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(["Alpha"], (await _workspace.Store.Exposures.FindBreachesAsync(_workspace.Hasher.Hash("+447700900002"), Ct)).Select(b => b.Name));
    }

    [Fact]
    public async Task LoadingTheSameFileAgainAddsNothingAndSaysZeroNew()
    {
        var file = _workspace.WriteHashFile("h.hashes", SyntheticHashes(1000));
        await _workspace.RunAsync("load", file, "--breach", "Alpha");

        var again = await _workspace.RunAsync("load", file, "--breach", "Alpha");

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 new", again.Output, StringComparison.Ordinal);
        Assert.Equal(1000, _workspace.CountExposures("Alpha"));
    }

    [Fact]
    public async Task EachLoadIsRecordedWithTheFilesDigest()
    {
        var file = _workspace.WriteHashFile("h.hashes", SyntheticHashes(10));
        await _workspace.RunAsync("load", file, "--breach", "Alpha");
        await _workspace.RunAsync("load", file, "--breach", "Alpha");

        var loads = await _workspace.Store.Loads.RecentAsync(10, Ct);

        Assert.Equal(2, loads.Count);
        var (latest, first) = (loads[0], loads[1]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), first.FileSha256);
        Assert.Equal((10, 10, 0, "loaded"), (first.RowsRead, first.NewRows, first.Duplicates, first.Outcome));
        Assert.Equal((10, 0, 10, "already-loaded"), (latest.RowsRead, latest.NewRows, latest.Duplicates, latest.Outcome));
        Assert.Equal("Alpha", first.Breach);
        Assert.Equal(file, JsonDocument.Parse(first.Files).RootElement[0].GetProperty("name").GetString());
        Assert.True(string.CompareOrdinal(first.StartedAt, first.FinishedAt) <= 0);
    }

    [Fact]
    public async Task SeveralFilesGzipAndNoCountLoadTogether()
    {
        var plain = _workspace.WriteHashFile("a.hashes", SyntheticHashes(100), withCount: false);
        var source = _workspace.WriteHashFile("b.hashes", SyntheticHashes(100, seed: 50));
        await using (var input = File.OpenRead(source))
        await using (var gz = new GZipStream(File.Create(source + ".gz"), CompressionLevel.Fastest))
        {
            await input.CopyToAsync(gz, Ct);
        }

        var result = await _workspace.RunAsync("load", plain, source + ".gz", "--breach", "Beta");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(150, _workspace.CountExposures("Beta"));
        Assert.Contains("150 new", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileOfAnotherSchemeIsRefusedBeforeAnythingIsWritten()
    {
        var good = _workspace.WriteHashFile("good.hashes", SyntheticHashes(10));
        var other = _workspace.WriteHashFile("other.hashes", SyntheticHashes(10, seed: 100), scheme: _workspace.Scheme.Fingerprint.ToString().Replace("m=64", "m=128", StringComparison.Ordinal));
        var before = _workspace.StoreBytes();

        var result = await _workspace.RunAsync("load", good, other, "--breach", "Alpha");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"{other}:2:", result.Errors, StringComparison.Ordinal);
        Assert.Contains("memory (m): file 128 KiB, store 64 KiB", result.Errors, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.StoreBytes());
    }

    [Theory]
    [InlineData("zz", "expected 64 hex digits")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", "not a hexadecimal hash")]
    [InlineData("# late: header", "a header line after the first hash")]
    public async Task AMalformedLineFailsTheLoadNamingFileAndLineAndLeavesTheStoreUnchanged(string badLine, string reason)
    {
        var good = _workspace.WriteHashFile("good.hashes", SyntheticHashes(10));
        var lines = SyntheticHashes(2000, seed: 10).ToList();
        lines.Insert(1500, badLine);
        var bad = _workspace.WriteHashFile("bad.hashes", lines, withCount: false);
        var before = _workspace.StoreBytes();

        var result = await _workspace.RunAsync("load", good, bad, "--breach", "Alpha");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{bad}:1503: {reason}", result.Errors, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.StoreBytes());
    }

    [Fact]
    public async Task AWrongCountFailsTheLoad()
    {
        var file = _workspace.WriteHashFile("h.hashes", SyntheticHashes(10));
        File.WriteAllText(file, File.ReadAllText(file).Replace("# count: 10", "# count: 11", StringComparison.Ordinal));

        var result = await _workspace.RunAsync("load", file, "--breach", "Alpha");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("declares 11 hashes but the file holds 10", result.Errors, StringComparison.Ordinal);
        Assert.Equal(0, _workspace.CountExposures("Alpha"));
    }

    [Fact]
    public async Task NotAHashFileAndAMissingFileAreInvalidInput()
    {
        File.WriteAllText(_workspace.File("dump.txt"), "+447700900001\n");

        var notHashes = await _workspace.RunAsync("load", _workspace.File("dump.txt"), "--breach", "Alpha");
        Assert.Equal(2, notHashes.ExitCode);
        Assert.Contains($"{_workspace.File("dump.txt")}:1: not a hash file", notHashes.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("7700", notHashes.Errors, StringComparison.Ordinal);

        Assert.Equal(2, (await _workspace.RunAsync("load", _workspace.File("absent.hashes"), "--breach", "Alpha")).ExitCode);
    }

    [Fact]
    public async Task AnUnknownBreachIsNotFoundAndSaysHowToAddIt()
    {
        var result = await _workspace.RunAsync("load", _workspace.WriteHashFile("h.hashes", SyntheticHashes(1)), "--breach", "Nope");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("exposure breach add", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileLargerThanOneRunIsMergedFromTemporaryFilesThatAreRemovedAfterwards()
    {
        var temp = _workspace.File("runs");
        var lines = SyntheticHashes(5000).Concat(SyntheticHashes(2000, seed: 1000)).ToList(); // 2,000 repeats
        var file = _workspace.WriteHashFile("big.hashes", lines);
        var loader = new BreachLoader(_workspace.Store) { RunLength = 700, TempFolder = temp };
        var sawRuns = 0;
        var progress = new SynchronousProgress<LoadProgress>(p =>
        {
            if (p.Phase == LoadPhase.Inserting && Directory.Exists(temp))
            {
                sawRuns = Math.Max(sawRuns, Directory.GetFiles(temp).Length);
            }
        });

        var result = await loader.LoadAsync("Alpha", [HashFileSource.FromPath(file)], progress, Ct);

        Assert.Equal((7000, 5000, 2000), (result.RowsRead, result.NewRows, result.Duplicates));
        Assert.Equal(5000, _workspace.CountExposures("Alpha"));
        Assert.True(sawRuns >= 10, $"expected the load to spill runs, saw {sawRuns}");
        Assert.Empty(Directory.GetFiles(temp));
    }

    [Fact]
    public async Task TemporaryRunsAreRemovedAfterAFailedLoadToo()
    {
        // Enough hashes that the reading phase reports progress (every 65,536) with runs already on disk, then a bad line.
        var temp = _workspace.File("runs");
        var lines = SyntheticHashes(140_000).Append("not-a-hash").ToList();
        var file = _workspace.WriteHashFile("bad.hashes", lines, withCount: false);
        var loader = new BreachLoader(_workspace.Store) { RunLength = 5000, TempFolder = temp };
        var spilled = 0;
        var progress = new SynchronousProgress<LoadProgress>(p => spilled = Math.Max(spilled, Directory.Exists(temp) ? Directory.GetFiles(temp).Length : 0));

        await Assert.ThrowsAsync<HashFileFormatException>(() => loader.LoadAsync("Alpha", [HashFileSource.FromPath(file)], progress, Ct));
        var result = await _workspace.RunAsync("load", file, "--breach", "Alpha", "--temp", temp);

        Assert.True(spilled >= 10, $"expected runs on disk while reading, saw {spilled}");
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(Directory.GetFiles(temp));
        Assert.Equal(0, _workspace.CountExposures("Alpha"));
    }

    [Fact]
    public async Task ChecksKeepAnsweringCorrectlyDuringALoad()
    {
        var known = _workspace.Hasher.Hash("+447700900001");
        await _workspace.RunAsync("load", _workspace.WriteHashFile("first.hashes", [Convert.ToHexStringLower(known)]), "--breach", "Beta");
        var big = _workspace.WriteHashFile("big.hashes", SyntheticHashes(200_000));
        var store = _workspace.Store;

        var load = Task.Run(() => new BreachLoader(store).LoadAsync("Alpha", [HashFileSource.FromPath(big)], null, Ct), Ct);
        var checks = 0;
        while (!load.IsCompleted)
        {
            Assert.Equal(["Beta"], (await store.Exposures.FindBreachesAsync(known, Ct)).Select(b => b.Name));
            checks++;
        }

        await load;
        Assert.True(checks > 5, $"only {checks} checks ran during the load");
        Assert.Equal(200_000, _workspace.CountExposures("Alpha"));
    }
}
