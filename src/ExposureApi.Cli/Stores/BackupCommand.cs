using System.ComponentModel;
using ExposureApi.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Stores;

[Description("Write an online, consistent copy of the store (SQLite's backup API), safe while the server runs.")]
internal sealed class BackupCommand(CliOutput output) : AsyncCommand<BackupCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<DEST>")]
        [Description("The file to write the copy to.")]
        public string Destination { get; init; } = "";

        [CommandOption("--force")]
        [Description("Overwrite DEST if it exists.")]
        public bool Force { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        if (File.Exists(settings.Destination) && !settings.Force)
        {
            throw new UsageException($"{settings.Destination} already exists; pass --force to overwrite it.");
        }

        if (Path.GetFullPath(settings.Destination) == store.Path)
        {
            throw new UsageException("DEST is the store itself.");
        }

        // Back up into a temporary file and rename, so DEST is never a half-written copy.
        var temporary = settings.Destination + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(temporary))!);
        File.Delete(temporary);
        try
        {
            await store.Maintenance.BackupAsync(temporary, cancellationToken);
            File.Move(temporary, settings.Destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        output.Result.MarkupLineInterpolated($"Backed up [green]{store.Path}[/] to [green]{settings.Destination}[/] ({new FileInfo(settings.Destination).Length:N0} bytes).");
        return ExitCodes.Ok;
    }
}
