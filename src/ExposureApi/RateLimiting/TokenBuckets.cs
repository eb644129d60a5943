using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ExposureApi.RateLimiting;

/// <summary>
/// A token bucket per partition, as the framework's partitioned <see cref="TokenBucketRateLimiter"/> gives, with the
/// one thing it lacks: the tokens a request took can be given back (<see cref="Refund"/>) when the service, not the
/// caller, turned the request away. A bucket holds up to its rate and refills continuously at its rate per minute.
/// </summary>
internal sealed class TokenBuckets : PartitionedRateLimiter<HttpContext>
{
    private const string TakenItem = "exposure.rate-limit.taken";
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    private static readonly RateLimitLease Granted = new Lease(true, null);

    private readonly Func<HttpContext, Partition?> _partition;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _lastSweep;

    /// <param name="partition">The caller's bucket and its rate per minute, or null for a request that is not limited.</param>
    public TokenBuckets(Func<HttpContext, Partition?> partition, TimeProvider time)
    {
        _partition = partition;
        _time = time;
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>A bucket's key and its rate: tokens per minute, and the most it holds.</summary>
    public readonly record struct Partition(string Key, int PerMinute);

    /// <summary>How many buckets are held: one per caller seen within the last minute or so.</summary>
    public int Count => _buckets.Count;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (_partition(resource) is not { } partition)
        {
            return Granted;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, partition.PerMinute);
        var now = _time.GetTimestamp();
        SweepIfDue(now);
        var bucket = _buckets.GetOrAdd(partition.Key, static (_, rate) => new Bucket(rate), partition.PerMinute);
        if (!bucket.TryTake(permitCount, now, _time, out var retryAfter))
        {
            return new Lease(false, retryAfter);
        }

        var taken = resource.Items[TakenItem] as Taken;
        resource.Items[TakenItem] = new Taken(bucket, permitCount + (taken?.Bucket == bucket ? taken.Permits : 0));
        return Granted;
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount)); // nobody waits for a token: no queue

    /// <summary>Gives back every token this request took, once.</summary>
    public void Refund(HttpContext context)
    {
        if (context.Items.Remove(TakenItem, out var value) && value is Taken taken)
        {
            taken.Bucket.Give(taken.Permits, _time.GetTimestamp(), _time);
        }
    }

    // A full bucket is the same as no bucket: dropping those every minute bounds the memory to the callers of the last minute.
    private void SweepIfDue(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last, now) < Period || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull(now, _time))
            {
                _buckets.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
            }
        }
    }

    private sealed record Taken(Bucket Bucket, int Permits);

    private sealed class Bucket(int perMinute)
    {
        private readonly Lock _lock = new();
        private double _tokens = perMinute;
        private long _updated = -1;

        public bool TryTake(int permits, long now, TimeProvider time, out TimeSpan retryAfter)
        {
            lock (_lock)
            {
                Refill(now, time);
                if (_tokens >= permits)
                {
                    _tokens -= permits;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = Period * ((permits - _tokens) / perMinute);
                return false;
            }
        }

        public void Give(int permits, long now, TimeProvider time)
        {
            lock (_lock)
            {
                Refill(now, time);
                _tokens = Math.Min(perMinute, _tokens + permits);
            }
        }

        public bool IsFull(long now, TimeProvider time)
        {
            lock (_lock)
            {
                Refill(now, time);
                return _tokens >= perMinute;
            }
        }

        private void Refill(long now, TimeProvider time)
        {
            if (_updated >= 0)
            {
                _tokens = Math.Min(perMinute, _tokens + (time.GetElapsedTime(_updated, now) / Period * perMinute));
            }

            _updated = now;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
