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
    }

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

internal static class MetricsExtensions
{
    // Seconds: fine around the tens of milliseconds a hash takes at the defaults, and fine up to the few seconds an
    // accepted check may wait under load (Exposure:Hashing:MaxQueueWaitSeconds), so a p99 can be read off them.
    private static readonly ExplicitBucketHistogramConfiguration LatencyBuckets = new()
    {
        Boundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10],
    };

    public static IServiceCollection AddExposureMetrics(this IServiceCollection services)
    {
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
