using System.Diagnostics;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Normalization;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Tests;

/// <summary>The hashing slots: how many run, how many wait, and for how long.</summary>
public sealed class ExposureCheckerTests : IDisposable
{
    private static readonly HashScheme Cheap = TestSchemes.Cheap();

    private readonly TempFolder _folder = new();
    private readonly List<HashWorkers> _workers = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _workers.ForEach(w => w.Dispose());
        _folder.Dispose();
    }

    // One hashing thread whose every hash takes half a second; its slots (the hashes it holds and as many next in line)
    // are filled first, so that the next check must wait.
    private async Task<ExposureChecker> CheckerAsync(int queueLimit, TimeSpan maxQueueWait)
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.Schema.InitializeAsync(Cheap.Fingerprint, Ct);
        var hasher = new ExposureHasher(Cheap);
        var workers = new HashWorkers(hasher, threads: 1, () => new PacedEngine(hasher.CreateEngine(), () => Thread.Sleep(500)));
        _workers.Add(workers);
        await workers.Ready;
        return new ExposureChecker(new PhoneNormalizer("GB"), workers, store, queueLimit, maxQueueWait);
    }

    private static List<Task<CheckOutcome>> FillSlots(ExposureChecker checker) =>
        [.. Enumerable.Range(0, checker.HashSlots).Select(i => checker.CheckAsync($"+4477009000{i:D2}", null, includeSensitive: false, Ct))];

    [Fact]
    public async Task ACheckThatWaitsLongerThanTheBoundIsTurnedAwayWhileTheRunningOneFinishes()
    {
        using var checker = await CheckerAsync(queueLimit: 4, maxQueueWait: TimeSpan.FromMilliseconds(50));
        var holding = FillSlots(checker);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<HashCapacityExceededException>(() => checker.CheckAsync("+447700900099", null, includeSensitive: false, Ct));
        var waited = clock.Elapsed;

        Assert.Equal(2 * HashWorkers.HashesPerThread, checker.HashSlots);
        Assert.False(holding[0].IsCompleted, "the bound should have run out while the first hash still held its slot");
        Assert.InRange(waited, TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(5));
        Assert.All(await Task.WhenAll(holding), outcome => Assert.False(outcome.IsRejected));
        Assert.Equal(0, checker.QueuedHashes);
    }

    [Fact]
    public async Task ACheckWaitingWithinTheBoundIsServedOnceTheSlotIsFree()
    {
        using var checker = await CheckerAsync(queueLimit: 4, maxQueueWait: TimeSpan.FromSeconds(60));
        var holding = FillSlots(checker);
        var waiting = checker.CheckAsync("+447700900099", null, includeSensitive: false, Ct);

        Assert.Equal(1, checker.QueuedHashes);
        Assert.All(await Task.WhenAll(holding), outcome => Assert.False(outcome.IsRejected));
        Assert.False((await waiting).IsRejected);
    }

    [Fact]
    public async Task WithTheQueueFullACheckIsTurnedAwayAtOnce()
    {
        using var checker = await CheckerAsync(queueLimit: 1, maxQueueWait: TimeSpan.FromSeconds(60));
        var holding = FillSlots(checker);
        var queued = checker.CheckAsync("+447700900098", null, includeSensitive: false, Ct);

        Assert.True(checker.IsSaturated);
        await Assert.ThrowsAsync<HashCapacityExceededException>(() => checker.CheckAsync("+447700900099", null, includeSensitive: false, Ct));
        Assert.False(holding[0].IsCompleted, "turned away at once, not after waiting for the running hash");

        await Task.WhenAll([.. holding, queued]);
        Assert.False(checker.IsSaturated);
    }
}
