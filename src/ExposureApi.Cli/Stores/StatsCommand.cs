using System.ComponentModel;
using System.Globalization;
using ExposureApi.Cli.Breaches;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Hashing.Argon2;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Stores;

[Description("Show the breaches, hashes per breach, the store's size and the recent loads.")]
internal sealed class StatsCommand(CliOutput output) : AsyncCommand<ReportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ReportSettings settings, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.Load(settings);
        var store = configuration.Store();
        StoreGuard.RequireExisting(store);
        var health = await store.Maintenance.CheckHealthAsync(cancellationToken);
        var breaches = await store.Breaches.ListAsync(includeRetired: true, cancellationToken);
        var counts = await store.Exposures.CountByBreachAsync(cancellationToken);
        var loads = await store.Loads.RecentAsync(10, cancellationToken);

        var size = store.Maintenance.SizeOnDisk();
        var total = counts.Values.Sum();
        var engine = configuration.Options.Hashing.Engine;
        var engineText = Argon2Engines.IsKnown(engine) ? Argon2Engines.Describe(engine) : $"'{engine}' (unknown: use fast or konscious)";
        if (settings.Json)
        {
            output.WriteJson(new StoreStatistics(
                store.Path, health.SchemaVersion, health.Fingerprint?.ToString(), engineText, total, size,
                [.. breaches.Select(b => new BreachStatistics(b.Name, b.BreachDate, counts.GetValueOrDefault(b.Name), b.PwnCount, BreachFlags.Names(b)))],
                [.. loads.Select(l => new LoadStatistics(l.Id, l.Breach, l.StartedAt, l.FinishedAt, l.RowsRead, l.NewRows, l.Duplicates, l.Outcome))]));
            return ExitCodes.Ok;
        }

        var console = output.Result;
        console.MarkupLineInterpolated($"Store [green]{store.Path}[/], schema {health.SchemaVersion}, scheme {health.Fingerprint}");
        console.MarkupLineInterpolated($"Hashing with the Argon2id engine {engineText}");
        console.MarkupLineInterpolated($"{total:N0} hashes in {breaches.Count} breaches, {size:N0} bytes on disk{(total > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({(double)size / total:F1} bytes per hash)") : "")}");

        var table = new Table().AddColumns("Breach", "Date", "Hashes", "PwnCount", "Flags");
        foreach (var breach in breaches)
        {
            table.AddRow(Markup.Escape(breach.Name), breach.BreachDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), counts.GetValueOrDefault(breach.Name).ToString("N0", CultureInfo.InvariantCulture), breach.PwnCount.ToString("N0", CultureInfo.InvariantCulture), BreachFlags.Describe(breach));
        }

        console.Write(table);

        var recent = new Table().Title("Recent loads").AddColumns("#", "Breach", "Finished", "Read", "New", "Duplicates", "Outcome");
        foreach (var load in loads)
        {
            recent.AddRow(load.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(load.Breach), load.FinishedAt, load.RowsRead.ToString("N0", CultureInfo.InvariantCulture), load.NewRows.ToString("N0", CultureInfo.InvariantCulture), load.Duplicates.ToString("N0", CultureInfo.InvariantCulture), load.Outcome);
        }

        console.Write(recent);
        return ExitCodes.Ok;
    }

    /// <summary>What <c>stats --json</c> writes; docs/operations.md documents the fields.</summary>
    internal sealed record StoreStatistics(
        string Store, int? SchemaVersion, string? Scheme, string Engine, long Hashes, long SizeBytes,
        IReadOnlyList<BreachStatistics> Breaches, IReadOnlyList<LoadStatistics> RecentLoads);

    internal sealed record BreachStatistics(string Name, DateOnly BreachDate, long Hashes, long PwnCount, IReadOnlyList<string> Flags);

    internal sealed record LoadStatistics(long Id, string Breach, string StartedAt, string FinishedAt, long RowsRead, long NewRows, long Duplicates, string Outcome);
}
