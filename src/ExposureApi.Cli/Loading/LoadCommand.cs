using System.ComponentModel;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Loading;

[Description("Load hash files into a breach: all or nothing, idempotent, in bounded memory, while the server keeps answering.")]
internal sealed class LoadCommand(CliOutput output, TimeProvider time) : AsyncCommand<LoadCommand.Settings>
{
    internal sealed class Settings : ReportSettings
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

        [CommandOption(ProgressOption.Template)]
        [Description(ProgressOption.Description)]
        [DefaultValue(ProgressOption.DefaultSeconds)]
        public double ProgressInterval { get; init; } = ProgressOption.DefaultSeconds;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Breach) ? ValidationResult.Error("Name the breach with --breach NAME.")
            : Files.Length == 0 ? ValidationResult.Error("Name at least one hash file.")
            : ProgressOption.Validate(ProgressInterval);
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
        var result = await LiveProgress.RunAsync(output, time, "Loading", TimeSpan.FromSeconds(settings.ProgressInterval), progress => loader.LoadAsync(
            settings.Breach,
            [.. settings.Files.Select(HashFileSource.FromPath)],
            new DirectProgress<LoadProgress>(p => progress.Report(p.Phase == LoadPhase.Reading
                ? new ProgressUpdate(p.RowsRead, null, "hashes", "reading and sorting")
                : new ProgressUpdate(p.RowsInserted, p.RowsRead, "hashes", "inserting"))),
            cancellationToken));

        if (settings.Json)
        {
            output.WriteJson(new LoadSummary(
                result.Breach, result.Files, result.RowsRead, result.NewRows, result.Duplicates,
                Math.Round(result.Elapsed.TotalSeconds, 3), Math.Round(result.ReadingTime.TotalSeconds, 3)));
            return ExitCodes.Ok;
        }

        output.Result.MarkupLineInterpolated(
            $"Loaded [green]{result.Breach}[/]: {result.RowsRead:N0} read, [green]{result.NewRows:N0} new[/], {result.Duplicates:N0} duplicates, in {result.Elapsed.TotalSeconds:F1} s ({result.RowsRead / Math.Max(result.Elapsed.TotalSeconds, 0.001):N0} rows/s; reading and sorting {result.ReadingTime.TotalSeconds:F1} s).");
        return ExitCodes.Ok;
    }

    /// <summary>What <c>load --json</c> writes; docs/operations.md documents the fields.</summary>
    internal sealed record LoadSummary(
        string Breach, IReadOnlyList<LoadedFile> Files, long RowsRead, long NewRows, long Duplicates, double ElapsedSeconds, double ReadingSeconds);
}
