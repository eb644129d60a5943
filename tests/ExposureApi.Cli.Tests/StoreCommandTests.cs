using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Cli.Tests;

public sealed class StoreCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _workspace.Dispose();

    private static string BreachJson(string name, bool sensitive = false) =>
        $$"""{"Name":"{{name}}","Title":"{{name}} title","BreachDate":"2024-01-02","PwnCount":10,"DataClasses":["Phone numbers"],"IsSensitive":{{(sensitive ? "true" : "false")}}}""";

    [Fact]
    public async Task InitCreatesAStoreStampedWithTheConfiguredScheme()
    {
        var result = await _workspace.RunAsync("init");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Created", result.Output, StringComparison.Ordinal);
        Assert.Equal(_workspace.Scheme.Fingerprint, await _workspace.Store.Schema.GetFingerprintAsync(Ct));
        Assert.Contains("already exists", (await _workspace.RunAsync("init")).Output, StringComparison.Ordinal);
    }

    // A typo in an option must stop the command: "--scope admin" (for --scopes) once issued a key with scope check.
    [Theory]
    [InlineData("scope", "Did you mean '--scopes'?", "keys", "add", "partner", "--scope", "admin")]
    [InlineData("q", "", "verify", "-q")] // too short to guess from: "--db" is two edits away but no suggestion
    [InlineData("colum", "Did you mean '--column'?", "hash", "dump.csv", "--colum", "phone")]
    [InlineData("regoin", "Did you mean '--region'?", "hash", "dump.csv", "--regoin", "GB")]
    [InlineData("db", "", "hash", "dump.csv", "--db", "store.db")] // hashing never opens a store
    public async Task AnUnknownOptionIsAUsageErrorNamingIt(string option, string suggestion, params string[] args)
    {
        Assert.Equal(0, (await _workspace.RunAsync("init")).ExitCode);

        var result = await _workspace.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Unknown option '{option}'.{(suggestion.Length > 0 ? " " + suggestion : "")}", result.Errors, StringComparison.Ordinal);
        if (suggestion.Length == 0)
        {
            Assert.DoesNotContain("Did you mean", result.Errors, StringComparison.Ordinal);
        }

        Assert.Empty(await new Core.Keys.ApiKeyStore(_workspace.Store).ListAsync(Ct));
    }

    [Fact]
    public async Task InitHonoursDbOverTheConfiguredPath()
    {
        var other = _workspace.File("elsewhere/other.db");

        Assert.Equal(0, (await _workspace.RunAsync("init", "--db", other)).ExitCode);

        Assert.True(File.Exists(other));
        Assert.False(File.Exists(_workspace.StorePath));
    }

    [Fact]
    public async Task InitOnAStoreOfAnotherSchemeIsAMismatchAndChangesNothing()
    {
        await _workspace.RunAsync("init");
        var before = _workspace.StoreBytes();
        _workspace.WriteConfig(memoryKiB: 128, CliWorkspace.Salt);

        var result = await _workspace.RunAsync("init");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("memory (m): configured 128 KiB, store 64 KiB", result.Errors, StringComparison.Ordinal);
        Assert.Equal(before, _workspace.StoreBytes());
    }

    [Fact]
    public async Task AMissingPepperIsAConfigurationErrorThatSaysWhatToDo()
    {
        File.WriteAllText(_workspace.ConfigPath, """{"Exposure":{"Hashing":{"Salt":"exposure-test-salt-v1"}}}""");

        var result = await _workspace.RunAsync("init", "--db", _workspace.StorePath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No pepper is configured", result.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.StorePath));
    }

    [Fact]
    public async Task UnknownVerbsAndMissingArgumentsAreUsageErrors()
    {
        Assert.Equal(1, (await _workspace.RunAsync("frobnicate")).ExitCode);
        Assert.Equal(1, (await _workspace.RunAsync("load", "x.hashes")).ExitCode);
        Assert.Equal(1, (await _workspace.RunAsync("hash", "x.txt")).ExitCode);
    }

    [Fact]
    public async Task TheRootHelpListsEveryExitCode()
    {
        var result = await _workspace.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        var codes = result.Output[result.Output.IndexOf("EXIT CODES:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Select(line => line.Trim()).Where(line => line.Length > 0)
            .ToDictionary(line => int.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture), line => line.Split(' ', 2)[1].Trim());
        Assert.Equal([0, 1, 2, 3, 4, 5, 130], codes.Keys.Order());
        Assert.StartsWith("not found", codes[5], StringComparison.Ordinal);
        Assert.StartsWith("cancelled", codes[130], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BreachesAreAddedListedUpdatedAndRetired()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), $"[{BreachJson("Alpha")},{BreachJson("Beta", sensitive: true)}]");

        Assert.Equal(0, (await _workspace.RunAsync("breach", "add", _workspace.File("b.json"))).ExitCode);
        var list = await _workspace.RunAsync("breach", "list");
        Assert.Contains("Alpha", list.Output, StringComparison.Ordinal);
        Assert.Contains("sensitive", list.Output, StringComparison.Ordinal);

        File.WriteAllText(_workspace.File("u.json"), BreachJson("Alpha").Replace("Alpha title", "Renamed", StringComparison.Ordinal));
        Assert.Equal(0, (await _workspace.RunAsync("breach", "update", _workspace.File("u.json"))).ExitCode);
        Assert.Equal("Renamed", (await _workspace.Store.Breaches.GetAsync("Alpha", Ct))!.Title);

        Assert.Equal(0, (await _workspace.RunAsync("breach", "retire", "alpha")).ExitCode);
        Assert.True((await _workspace.Store.Breaches.GetAsync("Alpha", Ct))!.IsRetired);
        Assert.Contains("retired", (await _workspace.RunAsync("breach", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BreachErrorsNameTheProblemAndLeaveTheStoreAsItWas()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("a.json"), BreachJson("Alpha"));
        await _workspace.RunAsync("breach", "add", _workspace.File("a.json"));
        var before = _workspace.StoreBytes();

        // One new and one existing: nothing is added.
        File.WriteAllText(_workspace.File("both.json"), $"[{BreachJson("Gamma")},{BreachJson("Alpha")}]");
        var duplicate = await _workspace.RunAsync("breach", "add", _workspace.File("both.json"));
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Contains("'Alpha' already exists", duplicate.Errors, StringComparison.Ordinal);

        // No such breach has its own code, for scripts to tell it from a malformed file.
        File.WriteAllText(_workspace.File("missing.json"), BreachJson("Nope"));
        var missing = await _workspace.RunAsync("breach", "update", _workspace.File("missing.json"));
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains("not found: ", missing.Errors, StringComparison.Ordinal);

        File.WriteAllText(_workspace.File("broken.json"), "[\n{\"Name\": \"X\",\n\"Title\": }\n]");
        var broken = await _workspace.RunAsync("breach", "add", _workspace.File("broken.json"));
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains($"{_workspace.File("broken.json")}:3:", broken.Errors, StringComparison.Ordinal);

        File.WriteAllText(_workspace.File("badname.json"), BreachJson("bad name!"));
        Assert.Equal(2, (await _workspace.RunAsync("breach", "add", _workspace.File("badname.json"))).ExitCode);
        Assert.Equal(5, (await _workspace.RunAsync("breach", "retire", "Nope")).ExitCode);
        Assert.Equal(2, (await _workspace.RunAsync("breach", "add", _workspace.File("absent.json"))).ExitCode);

        Assert.Equal(before, _workspace.StoreBytes());
    }

    [Fact]
    public async Task CommandsOnAMissingStoreSayHowToCreateOneInsteadOfCreatingIt()
    {
        var result = await _workspace.RunAsync("stats");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("exposure init", result.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.StorePath));
    }

    [Fact]
    public async Task VerifyPassesOnAGoodStoreAndFailsOnADamagedOne()
    {
        await _workspace.RunAsync("init");
        var ok = await _workspace.RunAsync("verify");
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("integrity ok", ok.Output, StringComparison.Ordinal);

        using (var connection = new SqliteConnection($"Data Source={_workspace.StorePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value = 'garbage' WHERE key = 'scheme_fingerprint';";
            command.ExecuteNonQuery();
        }

        var bad = await _workspace.RunAsync("verify");
        Assert.Equal(4, bad.ExitCode);
        Assert.Contains("fingerprint is missing or unreadable", bad.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyReportsAStoreOfAnotherScheme()
    {
        await _workspace.RunAsync("init");
        _workspace.WriteConfig(memoryKiB: 64, salt: "another-salt-for-tests");

        Assert.Equal(3, (await _workspace.RunAsync("verify")).ExitCode);
    }

    [Fact]
    public async Task VerifyReportsCorruptPagesInsteadOfFailingOnThem()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), BreachJson("Alpha"));
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
        await _workspace.RunAsync("load", _workspace.WriteHashFile("h.hashes", LoadCommandTests.SyntheticHashes(5000)), "--breach", "Alpha");
        _workspace.StoreBytes();
        using (var file = new FileStream(_workspace.StorePath, FileMode.Open, FileAccess.ReadWrite))
        {
            // Scribble over a page in the middle of the exposures b-tree.
            file.Seek(file.Length / 2, SeekOrigin.Begin);
            file.Write(Enumerable.Repeat((byte)0x5A, 4096).ToArray());
        }

        var result = await _workspace.RunAsync("verify");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("problem: integrity:", result.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch("(?m)^ok ", result.Output);
    }

    [Fact]
    public async Task VerifyReportsRowsThatReferToAMissingBreach()
    {
        await _workspace.RunAsync("init");
        _workspace.StoreBytes();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_workspace.StorePath};Pooling=False"))
        {
            // Written behind the store's back with foreign keys off, as no ExposureApi code can.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA foreign_keys = OFF; INSERT INTO exposures (hash, breach_id) VALUES (zeroblob(32), 999);";
            command.ExecuteNonQuery();
        }

        var result = await _workspace.RunAsync("verify");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("problem: 1 rows refer to a missing breach", result.Output, StringComparison.Ordinal);
        Assert.Contains("problem: the exposures table holds 1 rows but the loads ledger accounts for 0", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsShowHashesPerBreachSizeAndRecentLoads()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), BreachJson("Alpha"));
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
        await _workspace.RunAsync("load", _workspace.WriteHashFile("h.hashes", _workspace.HashesOf("+447700900001", "+447700900002")), "--breach", "Alpha");

        var stats = await _workspace.RunAsync("stats");

        Assert.Equal(0, stats.ExitCode);
        Assert.Contains("2 hashes in 1 breaches", stats.Output, StringComparison.Ordinal);
        Assert.Contains("bytes on disk", stats.Output, StringComparison.Ordinal);
        Assert.Contains("Recent loads", stats.Output, StringComparison.Ordinal);
        Assert.Contains("loaded", stats.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupWritesAConsistentCopyWhileAnotherConnectionWrites()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), BreachJson("Alpha"));
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
        await _workspace.RunAsync("load", _workspace.WriteHashFile("h.hashes", _workspace.HashesOf("+447700900001")), "--breach", "Alpha");

        // An open write transaction on the live store does not stop the backup, and is not in the copy.
        using var writer = new SqliteConnection($"Data Source={_workspace.StorePath};Pooling=False");
        writer.Open();
        using var transaction = writer.BeginTransaction();
        using (var command = writer.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "UPDATE breaches SET title = 'uncommitted';";
            command.ExecuteNonQuery();
        }

        var backup = _workspace.File("copy/backup.db");
        var result = await _workspace.RunAsync("backup", backup);
        transaction.Rollback();

        Assert.Equal(0, result.ExitCode);
        var copy = new Core.Storage.ExposureStore(backup);
        Assert.True((await copy.Maintenance.CheckHealthAsync(Ct)).IsHealthy);
        Assert.Equal("Alpha title", (await copy.Breaches.GetAsync("Alpha", Ct))!.Title);
        Assert.Single(await copy.Exposures.FindBreachesAsync(_workspace.Hasher.Hash("+447700900001"), Ct));

        Assert.Equal(1, (await _workspace.RunAsync("backup", backup)).ExitCode);
        Assert.Equal(0, (await _workspace.RunAsync("backup", backup, "--force")).ExitCode);
    }
}
