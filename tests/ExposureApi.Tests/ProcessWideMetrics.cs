namespace ExposureApi.Tests;

/// <summary>
/// OpenTelemetry listens to meters by name across the whole process: one test host's exporter also counts what the
/// "ExposureApi" meter of every other host in the process records, though each host creates its own through
/// IMeterFactory (without this collection, 1 run in 5 counted another host's checks). Tests that count metrics run
/// alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "Process-wide metrics";
}
