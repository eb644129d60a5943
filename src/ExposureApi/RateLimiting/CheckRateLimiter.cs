using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using ExposureApi.Auth;
using ExposureApi.Problems;
using Microsoft.AspNetCore.HttpOverrides;
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
/// Check rate limits, on the framework's rate limiter: per API key at the key's own rate, and per client address
/// for anonymous callers. Token buckets let a caller spend its minute's allowance in a burst and then refill
/// steadily. A batch takes one token per number, all at once: a batch refused for its size costs nothing.
/// </summary>
internal sealed class CheckRateLimiter : IDisposable
{
    public CheckRateLimiter(IOptions<RateLimitOptions> options)
    {
        var anonymousRate = options.Value.AnonymousPerMinute;
        Limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var limited = context.GetEndpoint()?.Metadata.GetMetadata<CheckRateLimitedAttribute>();
            if (limited is null || (limited.PerNumber && !context.Items.ContainsKey(PerNumberAcquisition)))
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }

            var (partition, rate) = context.User.Identity?.IsAuthenticated == true
                && int.TryParse(context.User.FindFirst(ApiKeyDefaults.RateClaim)?.Value, CultureInfo.InvariantCulture, out var keyRate)
                ? ($"key:{context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value}:{keyRate}", keyRate)
                : ($"ip:{context.Connection.RemoteIpAddress}", anonymousRate);
            return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / rate,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    private const string PerNumberAcquisition = "exposure.rate-limit.per-number";

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    /// <summary>Takes <paramref name="count"/> tokens at once for a per-number endpoint: all of them, or none.</summary>
    public RateLimitLease AcquirePerNumber(HttpContext context, int count)
    {
        context.Items[PerNumberAcquisition] = true;
        try
        {
            return Limiter.AttemptAcquire(context, count);
        }
        finally
        {
            context.Items.Remove(PerNumberAcquisition);
        }
    }

    public void Dispose() => Limiter.Dispose();

    /// <summary>Whole seconds until <paramref name="lease"/>'s permits are available, at least 1.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
}

internal static class RateLimitingExtensions
{
    public static IServiceCollection AddCheckRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.AnonymousPerMinute >= 1, "Exposure:RateLimits:AnonymousPerMinute must be at least 1.")
            .Validate(o => o.TrustedProxies.All(p => IPAddress.TryParse(p, out _) || System.Net.IPNetwork.TryParse(p, out _)),
                "Exposure:RateLimits:TrustedProxies must hold IP addresses or networks such as 10.0.0.0/8.")
            .ValidateOnStart();
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
