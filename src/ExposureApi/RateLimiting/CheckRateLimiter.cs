using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using ExposureApi.Auth;
using ExposureApi.Problems;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ExposureApi.RateLimiting;

/// <summary>The <c>Exposure:RateLimits</c> settings.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Exposure:RateLimits";

    /// <summary>Checks per minute for each client address without an API key (the citizens' page).</summary>
    public int AnonymousPerMinute { get; set; } = 10;

    /// <summary>Proxies (addresses, or networks as address/prefix) whose X-Forwarded-For is believed. Empty: none.</summary>
    public List<string> TrustedProxies { get; set; } = [];
}

/// <summary>Marks an endpoint whose every call counts against the caller's check rate.</summary>
/// <param name="perNumber">The endpoint takes one token per number itself, all at once, instead of the middleware taking one.</param>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class CheckRateLimitedAttribute(bool perNumber = false) : Attribute
{
    public bool PerNumber { get; } = perNumber;
}

/// <summary>
/// Check rate limits, on the framework's rate-limiting middleware: per API key at the key's own rate, and per client
/// for anonymous callers (an IPv4 address, or an IPv6 /64: one host is given a whole /64). Token buckets let a caller
/// spend its minute's allowance in a burst and then refill steadily. A batch takes one token per number, all at once,
/// so a batch refused for its size costs nothing; a request the service turns away as busy gets its tokens back.
/// </summary>
internal sealed class CheckRateLimiter : IDisposable
{
    private const string PerNumberAcquisition = "exposure.rate-limit.per-number";
    private readonly TokenBuckets _buckets;
    private readonly int _anonymousRate;

    public CheckRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
    {
        _anonymousRate = options.Value.AnonymousPerMinute;
        _buckets = new TokenBuckets(Partition, time);
    }

    public PartitionedRateLimiter<HttpContext> Limiter => _buckets;

    /// <summary>The caller's rate: checks per minute, and the most one batch may hold.</summary>
    public int RateFor(HttpContext context) => KeyRate(context) ?? _anonymousRate;

    /// <summary>Takes <paramref name="count"/> tokens at once for a per-number endpoint: all of them, or none.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is more than <see cref="RateFor"/>: no wait could ever grant it.</exception>
    public RateLimitLease AcquirePerNumber(HttpContext context, int count)
    {
        context.Items[PerNumberAcquisition] = true;
        try
        {
            return _buckets.AttemptAcquire(context, count);
        }
        finally
        {
            context.Items.Remove(PerNumberAcquisition);
        }
    }

    /// <summary>Gives back the tokens this request took: the service turned it away, so it must not count against the caller.</summary>
    public void Refund(HttpContext context) => _buckets.Refund(context);

    public void Dispose() => _buckets.Dispose();

    /// <summary>Whole seconds until <paramref name="lease"/>'s permits are available, at least 1.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;

    /// <summary>The anonymous caller's bucket: its IPv4 address, or its IPv6 address's /64 (an IPv4-mapped address counts as IPv4).</summary>
    public static string ClientPartition(IPAddress? address)
    {
        if (address is null)
        {
            return "ip:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return $"ip:{address}";
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"ip:{new IPAddress(bytes)}/64";
    }

    private TokenBuckets.Partition? Partition(HttpContext context)
    {
        var limited = context.GetEndpoint()?.Metadata.GetMetadata<CheckRateLimitedAttribute>();
        if (limited is null || (limited.PerNumber && !context.Items.ContainsKey(PerNumberAcquisition)))
        {
            return null;
        }

        return KeyRate(context) is { } keyRate
            ? new TokenBuckets.Partition($"key:{context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value}:{keyRate}", keyRate)
            : new TokenBuckets.Partition(ClientPartition(context.Connection.RemoteIpAddress), _anonymousRate);
    }

    private static int? KeyRate(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
        && int.TryParse(context.User.FindFirst(ApiKeyDefaults.RateClaim)?.Value, CultureInfo.InvariantCulture, out var rate)
            ? rate
            : null;
}

internal static class RateLimitingExtensions
{
    public static IServiceCollection AddCheckRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.AnonymousPerMinute >= 1, "Exposure:RateLimits:AnonymousPerMinute must be at least 1.")
            .Validate(o => o.TrustedProxies.All(p => IPAddress.TryParse(p, out _) || System.Net.IPNetwork.TryParse(p, out _)),
                "Exposure:RateLimits:TrustedProxies must hold IP addresses or networks such as 10.0.0.0/8.")
            .Validate(o => !o.TrustedProxies.Any(p => System.Net.IPNetwork.TryParse(p, out var network) && network.PrefixLength == 0),
                "Exposure:RateLimits:TrustedProxies must not trust every address (0.0.0.0/0, ::/0): any client could then name the address it is rate limited by. List your proxies' addresses or networks.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CheckRateLimiter>();
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>().Configure<CheckRateLimiter>((options, limiter) =>
        {
            options.GlobalLimiter = limiter.Limiter;
            options.OnRejected = (context, _) =>
                new ValueTask(Refusals.RateLimitedAsync(context.HttpContext, CheckRateLimiter.RetryAfterSeconds(context.Lease)));
        });
        services.AddRateLimiter(_ => { });

        // X-Forwarded-For is believed only from the configured proxies; otherwise the connection's address counts.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<RateLimitOptions>>((forwarded, limits) =>
        {
            // With no known proxies the middleware would believe anyone, so without configured proxies it is off.
            forwarded.ForwardedHeaders = limits.Value.TrustedProxies.Count > 0 ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in limits.Value.TrustedProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
                else if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
            }
        });
        return services;
    }
}
