namespace ExposureApi.Cli.Tests;

/// <summary>
/// A load killed with SIGKILL at any instant leaves the store clean and the breach with all of that load or none;
/// running it again completes it.
/// </summary>
public sealed class KillTests : IAsyncLifetime
{
    private const int Rows = 300_000;
    private readonly CliWorkspace _workspace = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), """[{"Name":"Alpha","Title":"Alpha","BreachDate":"2024-01-01"},{"Name":"Beta","Title":"Beta","BreachDate":"2024-01-01"}]""");
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
    }

    public ValueTask DisposeAsync()
    {
        _workspace.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ALoadKilledAtRandomPointsIsAllOrNothingAndCompletesWhenRerun()
    {
        var file = _workspace.WriteHashFile("big.hashes", LoadCommandTests.SyntheticHashes(Rows));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // How long an uninterrupted load takes here, so the kills land before, during and around the insert phase.
        var timing = System.Diagnostics.Stopwatch.StartNew();
        var probe = await CliProcess.RunAsync(_workspace.Folder, Ct, "load", file, "--breach", "Alpha", "--config", _workspace.ConfigPath, "--db", _workspace.File("probe.db"));
        Assert.Equal(4, probe.ExitCode); // no store there: quick failure, measures start-up only
        var startup = timing.Elapsed;

        var random = new Random(20230612);
        var outcomes = new List<long>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var load = CliProcess.Start(_workspace.Folder, "load", file, "--breach", "Alpha", "--config", _workspace.ConfigPath);
            var delay = startup * (0.5 + (random.NextDouble() * 2.5));
            await Task.Delay(delay, Ct);
            load.Kill(entireProcessTree: true);
            await load.WaitForExitAsync(Ct);

            var verify = await _workspace.RunAsync("verify");
            Assert.True(verify.ExitCode == 0, verify.ToString());
            var count = _workspace.CountExposures("Alpha");
            Assert.True(count is 0 or Rows, $"after a kill at {delay.TotalMilliseconds:F0} ms the breach holds {count} rows, neither none nor all {Rows}");
            outcomes.Add(count);
            if (count == Rows)
            {
                break;
            }
        }

        // And one kill that certainly lands inside the insert transaction: the moment the store's write lock is taken.
        // Into Beta, which nothing has loaded yet: a random kill above may have landed after Alpha's commit.
        using (var load = CliProcess.Start(_workspace.Folder, "load", file, "--breach", "Beta", "--config", _workspace.ConfigPath))
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!IsWriteLocked() && !load.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(2, Ct);
            }

            Assert.False(load.HasExited, $"the load finished (exit {(load.HasExited ? load.ExitCode : 0)}) before its insert transaction could be caught");
            load.Kill(entireProcessTree: true);
            await load.WaitForExitAsync(Ct);
        }

        Assert.Equal(0, (await _workspace.RunAsync("verify")).ExitCode);
        Assert.Equal(0, _workspace.CountExposures("Beta"));

        var rerun = await _workspace.RunAsync("load", file, "--breach", "Beta");
        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(Rows, _workspace.CountExposures("Beta"));
        Assert.Equal(0, (await _workspace.RunAsync("verify")).ExitCode);
        Assert.Contains(0L, outcomes); // at least one kill landed before the commit
    }

    // Only the insert transaction holds the store's write lock during a load: if this connection cannot take it at
    // once, the load is inside that transaction. Through SQLite's C API, because Microsoft.Data.Sqlite retries a busy
    // database for as long as its command timeout (and 0 means for ever).
    private bool IsWriteLocked()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_workspace.StorePath};Pooling=False");
        connection.Open();
        var result = SQLitePCL.raw.sqlite3_exec(connection.Handle, "BEGIN IMMEDIATE;");
        if (result == SQLitePCL.raw.SQLITE_OK)
        {
            SQLitePCL.raw.sqlite3_exec(connection.Handle, "ROLLBACK;");
            return false;
        }

        return result is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED;
    }
}
