using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ExposureApi.Configuration;

/// <summary>
/// Kestrel's limits, set on purpose for a service whose requests are small and whose work is expensive (docs/operations.md
/// lists them, under Kestrel limits).
/// </summary>
internal static class KestrelLimits
{
    public static void ConfigureExposureLimits(this KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        // Checks are under 64 KiB; hash uploads lift the limit for their own requests.
        limits.MaxRequestBodySize = 1024 * 1024;
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
        limits.MaxRequestHeaderCount = 64;
        limits.MaxRequestLineSize = 8 * 1024;
        // Enough for a crowd on a 2-core host; past this, connections wait in the OS backlog instead of using memory here.
        limits.MaxConcurrentConnections = 4096;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        // A client sending a body slower than this is cut off, so slow uploads cannot hold connections open.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(10));
    }
}
