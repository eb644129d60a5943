using ExposureApi.Core.Configuration;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExposureApi.Diagnostics;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the store is usable for checks and holds a breach to
/// report (503 otherwise), with each check's status and reason as JSON, and any setting the operator should fix.
/// </summary>
internal static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddExposureHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreReadiness>("store", tags: [Ready])
            .AddCheck<SettingsReadiness>("settings", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapExposureHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health").WithName("Live");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteReportAsync }).WithTags("Health").WithName("Ready");
        return app;
    }

    /// <summary>The overall status, and each check's status and reason, for an operator or an orchestrator's log.</summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });

    /// <summary>
    /// The store opens, its schema is current, its fingerprint matches the configuration, a read works, and a breach
    /// is loaded that checks report (unless <c>Exposure:Store:AllowEmpty</c>).
    /// </summary>
    private sealed class StoreReadiness(ExposureStore store, HashScheme scheme, IOptions<ExposureOptions> options) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await store.Maintenance.ProbeAsync(scheme.Fingerprint, options.Value.Store.AllowEmpty, cancellationToken) is { } problem
                    ? HealthCheckResult.Unhealthy(problem)
                    : HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                return HealthCheckResult.Unhealthy("the store cannot be read");
            }
        }
    }

    /// <summary>Degraded (still ready) while a setting works but should be fixed, such as a pepper file others may read.</summary>
    private sealed class SettingsReadiness(IOptions<ExposureOptions> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(options.Value.Hashing.Warnings().ToList() is { Count: > 0 } warnings
                ? HealthCheckResult.Degraded(string.Join(" ", warnings))
                : HealthCheckResult.Healthy());
    }
}
