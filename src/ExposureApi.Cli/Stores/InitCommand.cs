using System.ComponentModel;
using ExposureApi.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Stores;

[Description("Create an empty store stamped with the configured hash scheme's fingerprint.")]
internal sealed class InitCommand(CliOutput output) : AsyncCommand<CliSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.Load(settings);
        var store = configuration.Store();
        var scheme = configuration.Scheme();
        var created = await store.Schema.InitializeAsync(scheme.Fingerprint, cancellationToken);
        if (created)
        {
            output.Result.MarkupLineInterpolated($"Created [green]{store.Path}[/] for scheme {scheme.Fingerprint}.");
        }
        else
        {
            output.Result.MarkupLineInterpolated($"[green]{store.Path}[/] already exists for scheme {scheme.Fingerprint}; its schema is up to date.");
        }
        return ExitCodes.Ok;
    }
}
