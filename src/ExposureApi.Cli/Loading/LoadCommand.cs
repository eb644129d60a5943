using System.ComponentModel;
using System.Globalization;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Ingestion;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Loading;

[Description("Load hash files into a breach: all or nothing, idempotent, in bounded memory, while the server keeps answering.")]
internal sealed class LoadCommand(IAnsiConsole console) : AsyncCommand<LoadCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<HASHFILE>")]
        [Description("Hash files (format v1, plain or .gz).")]
        public string[] Files { get; init; } = [];

        [CommandOption("--breach <NAME>")]
        [Description("The breach the hashes belong to; add its metadata first with 'exposure breach add'.")]
        public string Breach { get; init; } = "";

        [CommandOption("--temp <DIR>")]
        [Description("Where to spill sorted runs of hashes for a file larger than memory; defaults to the system's temporary folder.")]
        public string? TempFolder { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Breach) ? ValidationResult.Error("Name the breach with --breach NAME.")
            : Files.Length == 0 ? ValidationResult.Error("Name at least one hash file.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        foreach (var file in settings.Files.Where(f => !File.Exists(f)))
        {
            throw new FileNotFoundException($"The hash file '{file}' does not exist.", file);
        }

        var loader = new BreachLoader(store) { TempFolder = settings.TempFolder };
        var result = await LiveProgress.RunAsync(console, "Loading", progress => loader.LoadAsync(
            settings.Breach,
            [.. settings.Files.Select(HashFileSource.FromPath)],
            new Progress<LoadProgress>(p => progress.Report(p.Phase == LoadPhase.Reading
                ? (null, string.Create(CultureInfo.InvariantCulture, $"reading and sorting: {p.RowsRead:N0} hashes"))
                : ((double)p.RowsInserted / Math.Max(p.RowsRead, 1), string.Create(CultureInfo.InvariantCulture, $"inserting: {p.RowsInserted:N0} hashes")))),
            cancellationToken));

        console.MarkupLineInterpolated(
            $"Loaded [green]{result.Breach}[/]: {result.RowsRead:N0} read, [green]{result.NewRows:N0} new[/], {result.Duplicates:N0} duplicates, in {result.Elapsed.TotalSeconds:F1} s ({result.RowsRead / Math.Max(result.Elapsed.TotalSeconds, 0.001):N0} rows/s; reading and sorting {result.ReadingTime.TotalSeconds:F1} s).");
        return ExitCodes.Ok;
    }
}
