using System.ComponentModel;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Stores;

[Description("Check the store: PRAGMA integrity_check, foreign keys, rows against the loads ledger, schema version and scheme fingerprint (against the configured scheme when one is configured). Exits non-zero on any problem.")]
internal sealed class VerifyCommand(CliOutput output) : AsyncCommand<ReportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ReportSettings settings, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.Load(settings);
        var store = configuration.Store();
        StoreGuard.RequireExisting(store);
        var health = await store.Maintenance.CheckHealthAsync(cancellationToken);

        // Compare with the configured scheme only when one is configured: verifying a copied store needs no pepper.
        SchemeMismatchException? mismatch = null;
        if (health.IsHealthy && (configuration.Options.Hashing.Pepper is not null || configuration.Options.Hashing.PepperFile is not null))
        {
            var configured = configuration.Scheme().Fingerprint;
            if (configured != health.Fingerprint)
            {
                mismatch = SchemeMismatchException.ForConfiguration(store.Path, health.Fingerprint!, configured);
            }
        }

        if (settings.Json)
        {
            IReadOnlyList<string> problems = mismatch is null ? health.Problems : [.. health.Problems, mismatch.Message];
            output.WriteJson(new VerifyReport(store.Path, problems.Count == 0, health.SchemaVersion, health.Fingerprint?.ToString(), problems));
        }
        else
        {
            foreach (var problem in health.Problems)
            {
                output.Result.MarkupLineInterpolated($"[red]problem:[/] {problem}");
            }

            if (health.IsHealthy && mismatch is null)
            {
                output.Result.MarkupLineInterpolated($"[green]ok[/] {store.Path}: integrity ok, schema {health.SchemaVersion}, scheme {health.Fingerprint}");
            }
        }

        return mismatch is not null ? throw mismatch
            : health.IsHealthy ? ExitCodes.Ok
            : ExitCodes.StoreError;
    }

    /// <summary>What <c>verify --json</c> writes; docs/operations.md documents the fields. The exit code says the same as <see cref="Ok"/>.</summary>
    internal sealed record VerifyReport(string Store, bool Ok, int? SchemaVersion, string? Scheme, IReadOnlyList<string> Problems);
}
