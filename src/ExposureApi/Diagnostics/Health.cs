using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExposureApi.Diagnostics;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the store is usable for checks.</summary>
internal static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddExposureHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StoreReadiness>("store", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapExposureHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health").WithName("Live");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) }).WithTags("Health").WithName("Ready");
        return app;
    }

    /// <summary>The store opens, its schema is current, its fingerprint matches the configuration, and a read works.</summary>
    private sealed class StoreReadiness(ExposureStore store, HashScheme scheme) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await store.Maintenance.ProbeAsync(scheme.Fingerprint, cancellationToken) is { } problem
                    ? HealthCheckResult.Unhealthy(problem)
                    : HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                return HealthCheckResult.Unhealthy("the store cannot be read");
            }
        }
    }
}
