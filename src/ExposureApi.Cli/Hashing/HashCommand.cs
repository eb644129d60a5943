using System.ComponentModel;
using System.Globalization;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Ingestion;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Hashing;

[Description("Normalise and hash every number of a breach dump on all cores into a hash file. Lines that do not normalise are reported by line number and reason only, never their content.")]
internal sealed class HashCommand(IAnsiConsole console) : AsyncCommand<HashCommand.Settings>
{
    internal sealed class Settings : ConfigSettings // hashing never opens the store: no --db
    {
        [CommandArgument(0, "<INPUT>")]
        [Description("The dump: one number per line, or a CSV with a header row (see --column). .gz is read transparently; - reads standard input.")]
        public string Input { get; init; } = "";

        [CommandOption("-o|--output <OUTPUT>")]
        [Description("The hash file to write. OUTPUT.rejects lists the lines that did not normalise.")]
        public string Output { get; init; } = "";

        [CommandOption("--column <NAME|INDEX>")]
        [Description("Read a CSV: the column holding the number, by its header name or its position counted from 1.")]
        public string? Column { get; init; }

        [CommandOption("--region <CC>")]
        [Description("Region for numbers without a country code (ISO 3166); defaults to Exposure:DefaultRegion.")]
        public string? Region { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Hashing threads; defaults to the number of cores.")]
        public int Threads { get; init; }

        [CommandOption("--shard <I/N>")]
        [Description("Hash only lines whose line number modulo N is I (0 ≤ I < N), so N machines can split one dump.")]
        public string? Shard { get; init; }

        [CommandOption("--resume")]
        [Description("Continue an interrupted run from its checkpoint (OUTPUT.checkpoint).")]
        public bool Resume { get; init; }

        [CommandOption("--force")]
        [Description("Overwrite OUTPUT, or start over when an interrupted run left a checkpoint.")]
        public bool Force { get; init; }

        public Core.Ingestion.Shard? ParsedShard => Shard is null ? Core.Ingestion.Shard.All : Core.Ingestion.Shard.Parse(Shard);

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Output))
            {
                return ValidationResult.Error("Name the hash file to write with -o OUTPUT.");
            }

            if (Threads < 0)
            {
                return ValidationResult.Error("--threads must be 1 or more.");
            }

            if (ParsedShard is null)
            {
                return ValidationResult.Error($"--shard {Core.Ingestion.Shard.Rule}.");
            }

            return !InputStreams.IsStandardInput(Input) && !File.Exists(Input)
                ? ValidationResult.Error($"The input file '{Input}' does not exist.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.Load(settings);
        var scheme = configuration.Scheme();
        if (scheme.IsDemo)
        {
            console.MarkupLine("[yellow]warning:[/] hashing with the published demo pepper; the web host accepts such hashes only in Development.");
        }

        var (index, count) = settings.ParsedShard!.Value;
        var job = new HashJob(settings.Input, settings.Output, settings.Column, settings.Region, settings.Threads, index, count, settings.Resume, settings.Force);
        using var workers = new HashWorkers(configuration.Options.Hashing.CreateHasher(scheme), job.EffectiveThreads);
        await workers.Ready.WaitAsync(cancellationToken);
        var hasher = new DumpHasher(configuration.Normalizer(), workers);
        var result = await LiveProgress.RunAsync(console, "Hashing", progress => hasher.RunAsync(
            job,
            new Progress<HashProgress>(p => progress.Report((
                p.BytesTotal is > 0 ? (double)p.BytesRead / p.BytesTotal.Value : null,
                string.Create(CultureInfo.InvariantCulture, $"line {p.LinesRead:N0}, {p.Hashed:N0} hashed, {p.Rejected:N0} rejected, {p.Hashed / Math.Max(p.Elapsed.TotalSeconds, 0.001):N0}/s")))),
            cancellationToken));

        var table = new Table().AddColumns("", "Lines").HideHeaders();
        table.AddRow("read", result.LinesRead.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("hashed", result.Hashed.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("rejected", result.Rejected.ToString("N0", CultureInfo.InvariantCulture));
        foreach (var (reason, n) in result.RejectedByReason.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            table.AddRow($"  {reason}", n.ToString("N0", CultureInfo.InvariantCulture));
        }

        table.AddRow("blank", result.Blank.ToString("N0", CultureInfo.InvariantCulture));
        if (count > 1)
        {
            table.AddRow($"other shards than {index}/{count}", result.OtherShards.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        console.MarkupLineInterpolated(
            $"Wrote [green]{settings.Output}[/] ({result.Hashed:N0} hashes, {result.Hashed / Math.Max(result.Elapsed.TotalSeconds, 0.001):N0}/s{(result.Resumed ? ", resumed" : "")}); rejected lines by number and reason in {job.RejectsPath}.");
        return ExitCodes.Ok;
    }
}
