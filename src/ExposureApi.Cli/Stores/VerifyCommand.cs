using System.ComponentModel;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Stores;

[Description("Check the store: PRAGMA integrity_check, foreign keys, rows against the loads ledger, schema version and scheme fingerprint (against the configured scheme when one is configured). Exits non-zero on any problem.")]
internal sealed class VerifyCommand(IAnsiConsole console) : AsyncCommand<CliSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.Load(settings);
        var store = configuration.Store();
        StoreGuard.RequireExisting(store);
        var health = await store.Maintenance.CheckHealthAsync(cancellationToken);
        foreach (var problem in health.Problems)
        {
            console.MarkupLineInterpolated($"[red]problem:[/] {problem}");
        }

        if (!health.IsHealthy)
        {
            return ExitCodes.StoreError;
        }

        // Compare with the configured scheme only when one is configured: verifying a copied store needs no pepper.
        if (configuration.Options.Hashing.Pepper is not null || configuration.Options.Hashing.PepperFile is not null)
        {
            var configured = configuration.Scheme().Fingerprint;
            if (configured != health.Fingerprint)
            {
                throw SchemeMismatchException.ForConfiguration(store.Path, health.Fingerprint!, configured);
            }
        }

        console.MarkupLineInterpolated($"[green]ok[/] {store.Path}: integrity ok, schema {health.SchemaVersion}, scheme {health.Fingerprint}");
        return ExitCodes.Ok;
    }
}
