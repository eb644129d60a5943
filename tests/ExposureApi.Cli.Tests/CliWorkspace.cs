using System.Text.Json;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using Microsoft.Data.Sqlite;
using ExposureApi.Cli.Hashing;
using ExposureApi.Cli.Infrastructure;

namespace ExposureApi.Cli.Tests;

/// <summary>
/// A temporary folder with a settings file (cheap Argon2 parameters) and a store path, in which tests run
/// <c>exposure</c> commands in-process and inspect every file they leave.
/// </summary>
public sealed class CliWorkspace : IDisposable
{
    public const string Pepper = TestSecrets.Pepper;
    public const string Salt = TestSecrets.Salt;

    public CliWorkspace(int memoryKiB = 64, string salt = Salt)
    {
        ConfigPath = File("settings.json");
        WriteConfig(memoryKiB, salt);
    }

    private readonly TempFolder _folder = new();

    public string Folder => _folder.Path;

    public string ConfigPath { get; }

    public string StorePath => File("store.db");

    public ExposureStore Store => new(StorePath);

    public HashScheme Scheme { get; private set; } = null!;

    public ExposureHasher Hasher => new(Scheme);

    /// <summary>Hashing threads under the workspace's scheme, as <c>exposure hash</c> runs them; the caller disposes them.</summary>
    public HashWorkers Workers(int threads) => new(Hasher, threads);

    public string File(string name) => Path.Combine(Folder, name);

    public void WriteConfig(int memoryKiB, string salt)
    {
        System.IO.File.WriteAllText(ConfigPath, JsonSerializer.Serialize(new
        {
            Exposure = new
            {
                DefaultRegion = "GB",
                Store = new { Path = StorePath },
                Hashing = new { Pepper, Salt = salt, MemoryKiB = memoryKiB, Iterations = 1, Parallelism = 1 },
            },
        }));
        Scheme = new HashScheme(Core.Hashing.Pepper.FromHex(Pepper), salt, memoryKiB, iterations: 1, parallelism: 1);
    }

    /// <summary>Runs <c>exposure ARGS --config settings.json</c> in-process.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunCancellableAsync(TestContext.Current.CancellationToken, args);

    /// <summary>Runs a command that <paramref name="cancellationToken"/> can interrupt, as Ctrl-C would.</summary>
    public Task<CliResult> RunCancellableAsync(CancellationToken cancellationToken, params string[] args) =>
        RunAsync(new StringWriter(), cancellationToken, args);

    /// <summary>Runs a command with its standard error written to <paramref name="errors"/> as it happens.</summary>
    public async Task<CliResult> RunAsync(StringWriter errors, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var exitCode = await ExposureCli.RunAsync(
            [.. args, "--config", ConfigPath], CliOutput.ForWriters(output, errors), CreateWorkers ?? ((hasher, threads) => new HashWorkers(hasher, threads)), Time ?? TimeProvider.System, cancellationToken);
        return new CliResult(exitCode, output.ToString(), errors.ToString());
    }

    /// <summary>The hashing threads <c>hash</c> runs on, such as slowed ones; the real ones when null.</summary>
    internal HashWorkersFactory? CreateWorkers { get; set; }

    /// <summary>The clock progress is timed with, such as a fake one the test advances; the system's when null.</summary>
    public TimeProvider? Time { get; set; }

    /// <summary>Hex hashes of <paramref name="e164"/> numbers under the workspace's scheme.</summary>
    public string[] HashesOf(params string[] e164) => [.. e164.Select(n => Convert.ToHexStringLower(Hasher.Hash(n)))];

    /// <summary>Writes a hash file in format v1 under the workspace's scheme.</summary>
    public string WriteHashFile(string name, IEnumerable<string> hexHashes, bool withCount = true, string? scheme = null)
    {
        System.IO.File.WriteAllText(File(name), TestFiles.HashFile(scheme ?? Scheme.Fingerprint.ToString(), [.. hexHashes], withCount));
        return File(name);
    }

    /// <summary>The bytes of the store's files after closing every pooled connection (which checkpoints the WAL).</summary>
    public byte[] StoreBytes()
    {
        SqliteConnection.ClearAllPools();
        return System.IO.File.ReadAllBytes(StorePath);
    }

    public long CountExposures(string breach)
    {
        using var connection = new SqliteConnection($"Data Source={StorePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM exposures e JOIN breaches b ON b.id = e.breach_id WHERE b.name = $name;";
        command.Parameters.AddWithValue("$name", breach);
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose() => _folder.Dispose();
}

public sealed record CliResult(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n--- output\n{Output}\n--- errors\n{Errors}";
}
