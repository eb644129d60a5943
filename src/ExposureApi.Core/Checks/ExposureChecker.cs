using System.Diagnostics;
using System.Threading.RateLimiting;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Normalization;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Checks;

/// <summary>The check path: normalise, hash, look up. The only place a submitted number exists, and only in memory.</summary>
public sealed class ExposureChecker : IDisposable
{
    private readonly PhoneNormalizer _normalizer;
    private readonly HashWorkers _workers;
    private readonly ExposureStore _store;

    // Twice as many slots as the threads hash at once: the numbers being hashed and as many next in line, so that a
    // thread takes its next numbers the moment it finishes instead of idling until a thread-pool thread, competing for
    // the same cores, hands them over (measured: end to end went from 79-87 % to 96 % of the raw engine loop).
    // Bounding the slots, and how many callers may wait for one and for how long, bounds latency: an accepted check
    // waits at most the bound, then one round of hashing in line, then its own. A caller beyond the queue is turned
    // away at once rather than queued without limit, and one that has waited its whole bound is turned away then.
    private readonly ConcurrencyLimiter _hashSlots;
    private readonly int _queueLimit;
    private readonly TimeSpan _maxQueueWait;

    /// <param name="maxQueueWait">The longest a check waits for a slot before it is turned away; infinite by default.</param>
    public ExposureChecker(PhoneNormalizer normalizer, HashWorkers workers, ExposureStore store, int queueLimit = 0, TimeSpan? maxQueueWait = null)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        _maxQueueWait = maxQueueWait ?? Timeout.InfiniteTimeSpan;
        if (_maxQueueWait != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_maxQueueWait, TimeSpan.Zero, nameof(maxQueueWait));
        }

        _normalizer = normalizer;
        _workers = workers;
        _store = store;
        HashSlots = 2 * workers.Capacity;
        _queueLimit = queueLimit;
        _hashSlots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = HashSlots,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>
    /// True when every slot is busy and the queue is full, so a new check would be turned away: callers can answer
    /// at once, before reading a request body.
    /// </summary>
    public bool IsSaturated => _hashSlots.GetStatistics() is { CurrentAvailablePermits: 0 } stats && stats.CurrentQueuedCount >= _queueLimit;

    /// <summary>How many hashes may be in the hashing threads' hands at once; a caller with many numbers should not have more in flight.</summary>
    public int HashSlots { get; }

    /// <summary>Hashes waiting for a slot now.</summary>
    public long QueuedHashes => _hashSlots.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Checks <paramref name="phoneNumber"/> in <paramref name="region"/> (or the default region).</summary>
    /// <param name="includeSensitive">
    /// Whether breaches flagged sensitive may be disclosed to this caller. Anyone can type anyone's number, so for a
    /// caller without that right a sensitive breach is treated as if it did not exist.
    /// </param>
    public async Task<CheckOutcome> CheckAsync(string? phoneNumber, string? region, bool includeSensitive, CancellationToken cancellationToken)
    {
        // Validate the cheap way first: a malformed number never reaches Argon2 or the store.
        var normalized = _normalizer.Normalize(phoneNumber, region);
        if (!normalized.IsAccepted)
        {
            return CheckOutcome.Rejected(normalized.Rejection!.Value);
        }

        var started = Stopwatch.GetTimestamp();
        var hash = await HashAsync(normalized.E164!, cancellationToken);
        var hashTime = Stopwatch.GetElapsedTime(started);
        var breaches = await _store.Exposures.FindBreachesAsync(hash, cancellationToken);
        return CheckOutcome.Found(includeSensitive ? breaches : [.. breaches.Where(b => !b.IsSensitive)], hashTime, normalized.Region);
    }

    private async Task<byte[]> HashAsync(string e164, CancellationToken cancellationToken)
    {
        using var slot = await AcquireSlotAsync(cancellationToken);
        return slot.IsAcquired
            ? await _workers.HashAsync(e164, cancellationToken)
            : throw new HashCapacityExceededException(waitedItsBound: false);
    }

    private async ValueTask<RateLimitLease> AcquireSlotAsync(CancellationToken cancellationToken)
    {
        var free = _hashSlots.AttemptAcquire(1);
        if (free.IsAcquired || _queueLimit == 0)
        {
            return free;
        }

        free.Dispose();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_maxQueueWait);
        try
        {
            return await _hashSlots.AcquireAsync(1, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HashCapacityExceededException(waitedItsBound: true);
        }
    }

    public void Dispose() => _hashSlots.Dispose();
}

/// <summary>What a check found: the breaches holding the number (possibly none), or why the number was rejected.</summary>
public sealed record CheckOutcome
{
    private CheckOutcome(IReadOnlyList<Breach> breaches, RejectionReason? rejection, TimeSpan? hashTime, string? region = null) =>
        (Breaches, Rejection, HashTime, Region) = (breaches, rejection, hashTime, region);

    /// <summary>The region the number belongs to (ISO 3166), for advice that fits it; never stored or logged with the number.</summary>
    public string? Region { get; }

    public IReadOnlyList<Breach> Breaches { get; }
    public RejectionReason? Rejection { get; }

    /// <summary>How long the hash took, waiting for a slot included; null for a rejected number, which is never hashed.</summary>
    public TimeSpan? HashTime { get; }

    public bool IsRejected => Rejection is not null;
    public bool IsExposed => Breaches.Count > 0;

    public static CheckOutcome Found(IReadOnlyList<Breach> breaches, TimeSpan hashTime, string? region = null) => new(breaches, null, hashTime, region);

    public static CheckOutcome Rejected(RejectionReason reason) => new([], reason, null);
}

/// <summary>Every hash slot is busy and the wait queue is full, or the wait ran out: the caller should come back in a moment.</summary>
/// <param name="waitedItsBound">True when the check waited its whole bound for a slot; false when the queue was full.</param>
public sealed class HashCapacityExceededException(bool waitedItsBound)
    : Exception(waitedItsBound ? "The wait for a hashing slot ran out." : "Every hashing slot is busy and the queue is full.")
{
    public bool WaitedItsBound { get; } = waitedItsBound;
}
