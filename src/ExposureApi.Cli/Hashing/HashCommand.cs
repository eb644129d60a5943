using System.ComponentModel;
using System.Globalization;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Ingestion;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Hashing;

/// <summary>Makes the hashing threads <c>exposure hash</c> runs on; tests pass slowed ones.</summary>
internal delegate HashWorkers HashWorkersFactory(ExposureHasher hasher, int threads);

[Description("Normalise and hash every number of a breach dump on all cores into a hash file. Lines that do not normalise are reported by line number and reason only, never their content.")]
internal sealed class HashCommand(CliOutput output, HashWorkersFactory createWorkers, TimeProvider time) : AsyncCommand<HashCommand.Settings>
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

        [CommandOption("--json")]
        [Description("Write the summary as one JSON document on standard output (fields in docs/operations.md); progress goes to standard error.")]
        public bool Json { get; init; }

        [CommandOption(ProgressOption.Template)]
        [Description(ProgressOption.Description)]
        [DefaultValue(ProgressOption.DefaultSeconds)]
        public double ProgressInterval { get; init; } = ProgressOption.DefaultSeconds;

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

            if (ProgressOption.Validate(ProgressInterval) is { Successful: false } interval)
            {
                return interval;
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
            output.Messages.MarkupLine("[yellow]warning:[/] hashing with the published demo pepper; the web host accepts such hashes only in Development.");
        }

        var (index, count) = settings.ParsedShard!.Value;
        var job = new HashJob(settings.Input, settings.Output, settings.Column, settings.Region, settings.Threads, index, count, settings.Resume, settings.Force);
        using var workers = createWorkers(configuration.Options.Hashing.CreateHasher(scheme), job.EffectiveThreads);
        await workers.Ready.WaitAsync(cancellationToken);
        var hasher = new DumpHasher(configuration.Normalizer(), workers);
        HashJobResult result;
        try
        {
            result = await LiveProgress.RunAsync(output, time, "Hashing", TimeSpan.FromSeconds(settings.ProgressInterval), progress => hasher.RunAsync(
                job,
                new DirectProgress<HashProgress>(p => progress.Report(new ProgressUpdate(
                    p.LinesRead, p.LinesTotal, "lines", string.Create(CultureInfo.InvariantCulture, $"{p.Hashed:N0} hashed, {p.Rejected:N0} rejected")))),
                cancellationToken));
        }
        catch (HashInterruptedException e)
        {
            throw new OperationCanceledException(HowToCarryOn(e, context), e, cancellationToken);
        }

        if (settings.Json)
        {
            output.WriteJson(new HashSummary(
                settings.Output, job.RejectsPath, result.LinesRead, result.Hashed, result.Rejected,
                new SortedDictionary<string, long>(result.RejectedByReason.ToDictionary(), StringComparer.Ordinal),
                result.Blank, result.OtherShards, result.Resumed, Math.Round(result.Elapsed.TotalSeconds, 3)));
            return ExitCodes.Ok;
        }

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

        output.Result.Write(table);
        output.Result.MarkupLineInterpolated(
            $"Wrote [green]{settings.Output}[/] ({result.Hashed:N0} hashes, {result.Hashed / Math.Max(result.Elapsed.TotalSeconds, 0.001):N0}/s{(result.Resumed ? ", resumed" : "")}); rejected lines by number and reason in {job.RejectsPath}.");
        return ExitCodes.Ok;
    }

    /// <summary>What an interrupted run kept, and the command that carries on from there.</summary>
    private static string HowToCarryOn(HashInterruptedException interrupted, CommandContext context)
    {
        if (InputStreams.IsStandardInput(interrupted.Job.Input))
        {
            return interrupted.Message + " Standard input cannot be read again from the middle: to start over, run the command again with --force.";
        }

        // The command line as it was typed (the verb included), less --force, plus --resume.
        var again = string.Join(' ', ["exposure", .. context.Arguments.Where(a => a is not "--resume" and not "--force").Select(Quote), "--resume"]);
        return $"{interrupted.Message} To carry on from there, run: {again}";
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c)) ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The summary <c>hash --json</c> writes; docs/operations.md documents the fields.</summary>
    internal sealed record HashSummary(
        string Output, string Rejects, long LinesRead, long Hashed, long Rejected, IReadOnlyDictionary<string, long> RejectedByReason,
        long Blank, long OtherShards, bool Resumed, double ElapsedSeconds);
}
