using System.Diagnostics.Metrics;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Storage;
using OpenTelemetry.Metrics;

namespace ExposureApi.Diagnostics;

/// <summary>
/// The service's own instruments, exported with ASP.NET Core's and the runtime's at <c>/metrics</c> (Prometheus).
/// Labels are outcomes and fixed names only: no label ever carries a number, a hash or a key.
/// </summary>
internal sealed class ExposureMetrics : IDisposable
{
    public const string MeterName = "ExposureApi";

    private readonly Meter _meter;
    private readonly Counter<long> _checks;
    private readonly Histogram<double> _hashDuration;

    public ExposureMetrics(IMeterFactory meters, ExposureChecker checker, ExposureStore store)
    {
        _meter = meters.Create(MeterName);
        _checks = _meter.CreateCounter<long>("exposure.checks", description: "Checks answered, by outcome: exposed, not_exposed, invalid, rejected (rate limited or busy).");
        _hashDuration = _meter.CreateHistogram<double>(
            "exposure.hash.duration", unit: "s", description: "Time to hash one number with Argon2id, waiting for a slot included.");
        _meter.CreateObservableGauge("exposure.hash.queue_length", () => checker.QueuedHashes, description: "Checks waiting for a hashing slot.");
        // From the loads ledger: a few rows to sum, not millions to count, so every scrape gets the current figure.
        _meter.CreateObservableGauge(
            "exposure.store.rows", store.Loads.SumNewRows, description: "Exposures in the store.");
        foreach (var outcome in Outcomes)
        {
            _checks.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Every outcome a check can have, each a series from the first scrape (at zero) rather than from its first check.</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["exposed", "not_exposed", "invalid", "rejected"];

    public void RecordCheck(string outcome) => _checks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordCheck(CheckOutcome outcome)
    {
        RecordCheck(outcome.IsRejected ? "invalid" : outcome.IsExposed ? "exposed" : "not_exposed");
        if (outcome.HashTime is { } hashTime)
        {
            _hashDuration.Record(hashTime.TotalSeconds);
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>The <c>Exposure:Metrics</c> settings.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Exposure:Metrics";

    /// <summary>
    /// A management port for <c>/metrics</c>: when set, the host also listens on it, serves <c>/metrics</c> only there,
    /// and nothing else there, so the public port need not expose the metrics. Unset: <c>/metrics</c> on every port.
    /// </summary>
    public int? Port { get; set; }
}

internal static class MetricsExtensions
{
    public const string Path = "/metrics";

    /// <summary>
    /// Adds the management port (<see cref="MetricsOptions.Port"/>) to the addresses the server listens on: the ones
    /// configured (<c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>ASPNETCORE_HTTP_PORTS</c>), or the default, and this one.
    /// </summary>
    public static void ListenOnManagementPort(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()?.Port is not { } port)
        {
            return;
        }

        var configured = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls
            ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : builder.Configuration["HTTP_PORTS"] is { Length: > 0 } ports
                ? ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}").ToArray()
                : ["http://localhost:5000"];
        builder.WebHost.UseUrls([.. configured, $"http://*:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
    }

    /// <summary>
    /// Keeps the management port and the public ones apart: <c>/metrics</c> answers only on the management port, and the
    /// management port answers nothing else (404). Does nothing when no management port is set.
    /// </summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value.Port is not { } port)
        {
            return app;
        }

        return app.Use((context, next) =>
        {
            var onManagementPort = context.Connection.LocalPort == port;
            if (onManagementPort != context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }

    /// <summary>Serves the Prometheus scrape at <see cref="Path"/>, with the service's own series present from the first scrape.</summary>
    public static IEndpointRouteBuilder MapExposureMetrics(this IEndpointRouteBuilder app)
    {
        // The exporter first, so that it is listening when the instruments are made and their zeros recorded; they
        // are then on the first scrape, not only after the first check.
        _ = app.ServiceProvider.GetRequiredService<MeterProvider>();
        _ = app.ServiceProvider.GetRequiredService<ExposureMetrics>();
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }

    // Seconds: fine around the tens of milliseconds a hash takes at the defaults, and fine up to the few seconds an
    // accepted check may wait under load (Exposure:Hashing:MaxQueueWaitSeconds), so a p99 can be read off them.
    private static readonly ExplicitBucketHistogramConfiguration LatencyBuckets = new()
    {
        Boundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10],
    };

    public static IServiceCollection AddExposureMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(o => o.Port is null or (> 0 and <= 65535), "Exposure:Metrics:Port must be a TCP port, 1 to 65535.")
            .ValidateOnStart();
        services.AddSingleton<ExposureMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(ExposureMetrics.MeterName)
            .AddView("exposure.hash.duration", LatencyBuckets)
            .AddView("http.server.request.duration", LatencyBuckets)
            .AddPrometheusExporter());
        return services;
    }
}
