namespace ExposureApi.Tests;

/// <summary>
/// Meters are process-wide: OpenTelemetry in one test host also sees the "ExposureApi" meter of every other host in
/// the process. Tests that count metrics run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "Process-wide metrics";
}
