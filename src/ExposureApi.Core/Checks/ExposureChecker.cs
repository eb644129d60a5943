using ExposureApi.Core.Hashing;
using ExposureApi.Core.Normalization;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Checks;

/// <summary>The check path: normalise, hash, look up. The only place a submitted number exists, and only in memory.</summary>
public sealed class ExposureChecker : IDisposable
{
    private readonly PhoneNormalizer _normalizer;
    private readonly ExposureHasher _hasher;
    private readonly ExposureStore _store;

    // Each Argon2 hash holds m KiB for its whole run; bounding concurrency bounds memory.
    private readonly SemaphoreSlim _hashSlots;

    public ExposureChecker(PhoneNormalizer normalizer, ExposureHasher hasher, ExposureStore store, int maxConcurrentHashes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentHashes, 1);
        _normalizer = normalizer;
        _hasher = hasher;
        _store = store;
        _hashSlots = new SemaphoreSlim(maxConcurrentHashes, maxConcurrentHashes);
    }

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

        var hash = await HashAsync(normalized.E164!, cancellationToken);
        var breaches = await _store.FindBreachesAsync(hash, cancellationToken);
        return CheckOutcome.Found(includeSensitive ? breaches : [.. breaches.Where(b => !b.IsSensitive)]);
    }

    private async Task<byte[]> HashAsync(string e164, CancellationToken cancellationToken)
    {
        await _hashSlots.WaitAsync(cancellationToken);
        try
        {
            return _hasher.Hash(e164);
        }
        finally
        {
            _hashSlots.Release();
        }
    }

    public void Dispose() => _hashSlots.Dispose();
}

/// <summary>What a check found: the breaches holding the number (possibly none), or why the number was rejected.</summary>
public sealed record CheckOutcome
{
    private CheckOutcome(IReadOnlyList<Breach> breaches, RejectionReason? rejection) => (Breaches, Rejection) = (breaches, rejection);

    public IReadOnlyList<Breach> Breaches { get; }
    public RejectionReason? Rejection { get; }
    public bool IsRejected => Rejection is not null;
    public bool IsExposed => Breaches.Count > 0;

    public static CheckOutcome Found(IReadOnlyList<Breach> breaches) => new(breaches, null);

    public static CheckOutcome Rejected(RejectionReason reason) => new([], reason);
}
