using System.Diagnostics;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Normalization;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Tests;

/// <summary>The hashing slots: how many run, how many wait, and for how long.</summary>
public sealed class ExposureCheckerTests : IDisposable
{
    // Slow enough (hundreds of milliseconds) that a second check must wait behind the first.
    private static readonly HashScheme Slow = new(Pepper.FromHex(Pepper.DemoHex), HashScheme.DemoSalt, memoryKiB: 19456, iterations: 8, parallelism: 1);

    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private async Task<ExposureChecker> CheckerAsync(int queueLimit, TimeSpan maxQueueWait)
    {
        var store = new ExposureStore(_folder.File("store.db"));
        await store.InitializeAsync(Slow.Fingerprint, Ct);
        return new ExposureChecker(new PhoneNormalizer("GB"), new ExposureHasher(Slow), store, maxConcurrentHashes: 1, queueLimit, maxQueueWait);
    }

    [Fact]
    public async Task ACheckThatWaitsLongerThanTheBoundIsTurnedAwayWhileTheRunningOneFinishes()
    {
        using var checker = await CheckerAsync(queueLimit: 4, maxQueueWait: TimeSpan.FromMilliseconds(50));
        var running = checker.CheckAsync("+447700900001", null, includeSensitive: false, Ct);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<HashCapacityExceededException>(() => checker.CheckAsync("+447700900002", null, includeSensitive: false, Ct));
        var waited = clock.Elapsed;

        Assert.False(running.IsCompleted, "the bound should have run out while the first hash still held the only slot");
        Assert.InRange(waited, TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(5));
        Assert.False((await running).IsRejected);
        Assert.Equal(0, checker.QueuedHashes);
    }

    [Fact]
    public async Task ACheckWaitingWithinTheBoundIsServedOnceTheSlotIsFree()
    {
        using var checker = await CheckerAsync(queueLimit: 4, maxQueueWait: TimeSpan.FromSeconds(60));
        var first = checker.CheckAsync("+447700900001", null, includeSensitive: false, Ct);
        var second = checker.CheckAsync("+447700900002", null, includeSensitive: false, Ct);

        Assert.Equal(1, checker.QueuedHashes);
        Assert.False((await first).IsRejected);
        Assert.False((await second).IsRejected);
    }

    [Fact]
    public async Task WithTheQueueFullACheckIsTurnedAwayAtOnce()
    {
        using var checker = await CheckerAsync(queueLimit: 1, maxQueueWait: TimeSpan.FromSeconds(60));
        var first = checker.CheckAsync("+447700900001", null, includeSensitive: false, Ct);
        var queued = checker.CheckAsync("+447700900002", null, includeSensitive: false, Ct);

        Assert.True(checker.IsSaturated);
        await Assert.ThrowsAsync<HashCapacityExceededException>(() => checker.CheckAsync("+447700900003", null, includeSensitive: false, Ct));
        Assert.False(first.IsCompleted, "turned away at once, not after waiting for the running hash");

        await Task.WhenAll(first, queued);
        Assert.False(checker.IsSaturated);
    }
}
