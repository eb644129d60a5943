using ExposureApi.Cli.Breaches;
using ExposureApi.Cli.Hashing;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Cli.Keys;
using ExposureApi.Cli.Loading;
using ExposureApi.Cli.Stores;
using System.Reflection;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Hashing.Argon2;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;
using Microsoft.Data.Sqlite;
using Spectre.Console.Cli;

namespace ExposureApi.Cli;

/// <summary>The <c>exposure</c> command line: every verb, and the one place errors become exit codes.</summary>
public static partial class ExposureCli
{
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        RunAsync(args, CliOutput.ForProcess(), (hasher, threads) => new HashWorkers(hasher, threads), TimeProvider.System, cancellationToken);

    /// <param name="output">Where the result and the messages go.</param>
    /// <param name="createWorkers">The hashing threads <c>hash</c> runs on.</param>
    /// <param name="time">The clock progress is timed with.</param>
    internal static async Task<int> RunAsync(string[] args, CliOutput output, HashWorkersFactory createWorkers, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("exposure");
            config.SetApplicationVersion(VersionText);
            config.Settings.Console = output.Result;
            config.SetHelpProvider(new ExitCodeHelp(config.Settings));
            config.Settings.Registrar.RegisterInstance(output);
            config.Settings.Registrar.RegisterInstance(createWorkers);
            config.Settings.Registrar.RegisterInstance(time);
            config.PropagateExceptions();
            // An option nobody defined is a mistake to stop at, never to ignore: "--scope admin" once issued a check key.
            config.UseStrictParsing();
            config.AddExample("init", "--db", "/var/lib/exposure/exposure.db");
            config.AddExample("hash", "dump.csv.gz", "--column", "phone", "--region", "IN", "-o", "dump.hashes");
            config.AddExample("breach", "add", "breach.json");
            config.AddExample("load", "dump.hashes", "--breach", "ExampleTelco2024");

            config.AddCommand<InitCommand>("init");
            config.AddCommand<HashCommand>("hash");
            config.AddBranch("breach", breach =>
            {
                breach.SetDescription("Manage breach metadata.");
                breach.AddCommand<BreachAddCommand>("add");
                breach.AddCommand<BreachUpdateCommand>("update");
                breach.AddCommand<BreachListCommand>("list");
                breach.AddCommand<BreachRetireCommand>("retire");
            });
            config.AddCommand<LoadCommand>("load");
            config.AddBranch("keys", keys =>
            {
                keys.SetDescription("Manage partner API keys.");
                keys.AddCommand<KeyAddCommand>("add");
                keys.AddCommand<KeyListCommand>("list");
                keys.AddCommand<KeyRevokeCommand>("revoke");
            });
            config.AddCommand<StatsCommand>("stats");
            config.AddCommand<VerifyCommand>("verify");
            config.AddCommand<BackupCommand>("backup");
        });

        try
        {
            // Spectre.Console.Cli reads a lone "-" as an option without a name; as an input it means standard input.
            return await app.RunAsync([.. args.Select(a => a == "-" ? "/dev/stdin" : a)], cancellationToken);
        }
        catch (Exception e)
        {
            var (code, kind) = Classify(e);
            await output.MessageWriter.WriteLineAsync($"exposure: {kind}: {e.Message}{Suggestion(e)}");
            await output.MessageWriter.FlushAsync(CancellationToken.None);
            return code;
        }
        finally
        {
            // Release pooled connections so the store's files are closed when the command returns.
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>For an unknown option, the nearest option name the CLI has (one or two edits away, and no more than half the typed name), as " Did you mean '--scopes'?".</summary>
    internal static string Suggestion(Exception e)
    {
        if (e is not CommandParseException || UnknownOption().Match(e.Message) is not { Success: true } match)
        {
            return "";
        }

        var typed = match.Groups[1].Value;
        var nearest = typeof(ExposureCli).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties())
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .OfType<CommandOptionAttribute>()
            .SelectMany(o => o.LongNames)
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: EditDistance(typed, name)))
            // An exact name belongs to another verb: nothing to suggest. A short typo ("-q") is too short to guess from.
            .Where(c => c.Distance > 0 && c.Distance <= Math.Min(2, typed.Length / 2))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return nearest.Name is null ? "" : $" Did you mean '--{nearest.Name}'?";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Unknown option '([^']+)'")]
    private static partial System.Text.RegularExpressions.Regex UnknownOption();

    /// <summary>What <c>exposure --version</c> prints: the build, and what the default Argon2 engine computes with here.</summary>
    internal static string VersionText =>
        $"{typeof(ExposureCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"} "
        + $"(.NET {Environment.Version}; Argon2id engine {Argon2Engines.Describe(Argon2Engines.Fast)})";

    /// <summary>Maps what went wrong to an exit code. Every message here names a file, a line or a setting, and never a number.</summary>
    internal static (int Code, string Kind) Classify(Exception e) => e switch
    {
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
        SchemeMismatchException => (ExitCodes.SchemeMismatch, "scheme mismatch"),
        NotInStoreException => (ExitCodes.NotFound, "not found"),
        HashFileFormatException or DumpFormatException or FormatException or FileNotFoundException or DirectoryNotFoundException => (ExitCodes.InvalidInput, "invalid input"),
        StoreException or SqliteException => (ExitCodes.StoreError, "store error"),
        ConfigurationException or UsageException or HashJobException or CommandAppException => (ExitCodes.Usage, "usage"),
        HashEngineException => (ExitCodes.Usage, "hash engine"),
        IOException or UnauthorizedAccessException => (ExitCodes.StoreError, "i/o error"),
        _ => (ExitCodes.StoreError, "unexpected error (" + e.GetType().Name + ")"),
    };
}
