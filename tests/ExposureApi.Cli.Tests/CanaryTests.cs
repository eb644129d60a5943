using System.Text;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Normalization;

namespace ExposureApi.Cli.Tests;

/// <summary>
/// The CLI handles raw dumps, so it is where numbers are most at risk: after hash (with valid and invalid lines),
/// an interrupted hash, and load, no form of the canary number is in any file the tool wrote (outputs, rejects,
/// checkpoints, temporary runs, the store and its WAL) or anything it printed.
/// </summary>
public sealed class CanaryTests : IDisposable
{
    private static readonly Canary Valid = new("+447700900123");
    private static readonly Canary Invalid = new("+447700900456");

    private readonly CliWorkspace _workspace = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task NoFormOfANumberInADumpSurvivesHashingOrLoading()
    {
        // The dump: the valid canary in every form, the invalid one buried in bad lines, as a CSV with other data.
        var dump = new StringBuilder("name,phone,note\n");
        foreach (var form in Valid.Forms.Where(f => !f.StartsWith("tel:", StringComparison.Ordinal)))
        {
            dump.Append($"Jane,\"{form}\",ok\n");
        }

        dump.Append($"Bad,{Invalid.E164}99999,too long\n");
        dump.Append($"Bad,call {Invalid.Forms[4]} now please,letters\n");
        dump.Append($"Bad,+999{Invalid.Forms[4]},country\n");
        dump.Append($"Short,\"{Invalid.Forms[4]}\n");                 // unclosed quote
        dump.Append("Missing\n");                                    // no phone column
        File.WriteAllText(_workspace.File("dump.csv"), dump.ToString());
        var printed = new StringBuilder();

        // An interrupted run leaves a checkpoint and partial files: scan them while they exist.
        using var workers = _workspace.Workers(threads: 1);
        var hasher = new DumpHasher(new PhoneNormalizer("GB"), workers) { LinesPerThreadPerChunk = 1, CheckpointInterval = TimeSpan.Zero };
        var job = new HashJob(_workspace.File("dump.csv"), _workspace.File("out.hashes"), Column: "phone", Threads: 1);
        using var interrupt = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hasher.RunAsync(job, new Stop(p => p.LinesRead >= 6, interrupt), interrupt.Token));
        Assert.True(File.Exists(job.CheckpointPath));
        AssertAbsentFromFiles();

        var hashed = await _workspace.RunAsync("hash", _workspace.File("dump.csv"), "--column", "phone", "-o", _workspace.File("out.hashes"), "--resume");
        Assert.Equal(0, hashed.ExitCode);
        printed.Append(hashed.Output).Append(hashed.Errors);
        Assert.Equal(5, File.ReadAllLines(_workspace.File("out.hashes.rejects")).Length - 1);
        Assert.Single(File.ReadAllLines(_workspace.File("out.hashes")).Where(l => !l.StartsWith('#')).Distinct());

        // A failed hash (a missing column) and a failed load (a bad line) print nothing of the data either.
        var failed = await _workspace.RunAsync("hash", _workspace.File("dump.csv"), "--column", "mobile", "-o", _workspace.File("failed.hashes"));
        Assert.Equal(2, failed.ExitCode);
        printed.Append(failed.Output).Append(failed.Errors);

        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), """{"Name":"Alpha","Title":"Alpha","BreachDate":"2024-01-01"}""");
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
        var temp = _workspace.File("runs");
        var loader = new BreachLoader(_workspace.Store) { RunLength = 2, TempFolder = temp };
        var big = _workspace.WriteHashFile("more.hashes", [.. File.ReadAllLines(_workspace.File("out.hashes")).Where(l => !l.StartsWith('#')), .. LoadCommandTests.SyntheticHashes(20)]);
        await loader.LoadAsync("Alpha", [HashFileSource.FromPath(big)], new ScanWhileInserting(AssertAbsentFromFiles), Ct);

        var loaded = await _workspace.RunAsync("load", _workspace.File("out.hashes"), "--breach", "Alpha");
        Assert.Equal(0, loaded.ExitCode);
        printed.Append(loaded.Output).Append(loaded.Errors);
        Assert.Single(await _workspace.Store.Exposures.FindBreachesAsync(_workspace.Hasher.Hash(Valid.E164), Ct));

        AssertAbsentFromFiles();
        Assert.Empty(Valid.FoundIn(printed.ToString()));
        Assert.Empty(Invalid.FoundIn(printed.ToString()));
    }

    // Everything in the workspace but the dump itself.
    private void AssertAbsentFromFiles()
    {
        foreach (var file in Directory.EnumerateFiles(_workspace.Folder, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("dump.csv", StringComparison.Ordinal)))
        {
            var bytes = TestFiles.ReadShared(file);
            Assert.True(!Valid.FoundIn(bytes).Any() && !Invalid.FoundIn(bytes).Any(), $"{file} holds a canary");
        }
    }

    private sealed class Stop(Func<HashProgress, bool> when, CancellationTokenSource source) : IProgress<HashProgress>
    {
        public void Report(HashProgress value)
        {
            if (when(value))
            {
                source.Cancel();
            }
        }
    }

    private sealed class ScanWhileInserting(Action scan) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value)
        {
            if (value.Phase == LoadPhase.Inserting)
            {
                scan();
            }
        }
    }
}
