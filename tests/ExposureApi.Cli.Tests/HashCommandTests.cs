using System.IO.Compression;
using System.Text;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Normalization;

namespace ExposureApi.Cli.Tests;

public sealed class HashCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _workspace.Dispose();

    private string[] HashLines(string file) =>
        [.. File.ReadAllLines(_workspace.File(file)).Where(l => !l.StartsWith('#'))];

    [Fact]
    public async Task EveryNumberIsHashedInInputOrderAndRejectsAreLineAndReasonOnly()
    {
        File.WriteAllText(_workspace.File("dump.txt"), "+447700900001\n07700 900002\n\nnot a number\n+44 7700\n+447700900003\n");

        var result = await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(_workspace.HashesOf("+447700900001", "+447700900002", "+447700900003"), HashLines("out.hashes"));
        Assert.Equal(["# line\treason", "4\tnot-a-number", "5\ttoo-short"], File.ReadAllLines(_workspace.File("out.hashes.rejects")));
        Assert.Contains("rejected", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.File("out.hashes.checkpoint")));
        Assert.False(File.Exists(_workspace.File("out.hashes.partial")));
    }

    [Fact]
    public async Task TheOutputIsAValidHashFileWithSchemeAndCount()
    {
        File.WriteAllText(_workspace.File("dump.txt"), "+447700900001\n+447700900002\n");
        await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"));

        using var reader = HashFileReader.Open(_workspace.File("out.hashes"));

        Assert.Equal(_workspace.Scheme.Fingerprint, reader.Fingerprint);
        Assert.Equal("2", reader.Headers["count"]);
        Assert.Equal(2, reader.ReadHashes().Count());
    }

    [Fact]
    public async Task ACsvColumnIsPickedByNameOrPositionAndGzipIsReadTransparently()
    {
        var csv = "id;name;phone\n1;\"Doe; Jane\";+447700900001\n2;Roe;\"07700 900002\"\n3;Short\n";
        await using (var gz = new GZipStream(File.Create(_workspace.File("dump.csv.gz")), CompressionLevel.Fastest))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes(csv), Ct);
        }

        Assert.Equal(0, (await _workspace.RunAsync("hash", _workspace.File("dump.csv.gz"), "--column", "PHONE", "-o", _workspace.File("a.hashes"))).ExitCode);
        Assert.Equal(0, (await _workspace.RunAsync("hash", _workspace.File("dump.csv.gz"), "--column", "3", "-o", _workspace.File("b.hashes"))).ExitCode);

        Assert.Equal(_workspace.HashesOf("+447700900001", "+447700900002"), HashLines("a.hashes"));
        Assert.Equal(HashLines("a.hashes"), HashLines("b.hashes"));
        Assert.Equal(["# line\treason", "4\tmissing-column"], File.ReadAllLines(_workspace.File("a.hashes.rejects")));
    }

    [Fact]
    public async Task StandardInputIsReadWhenTheInputIsADash()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "exposure.dll"), "hash", "-", "-o", _workspace.File("stdin.hashes"), "--config", _workspace.ConfigPath])
        {
            WorkingDirectory = _workspace.Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteAsync("+447700900001\n+447700900002\n");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.True(process.ExitCode == 0, await output + await errors);
        Assert.Equal(_workspace.HashesOf("+447700900001", "+447700900002"), HashLines("stdin.hashes"));
    }

    [Fact]
    public async Task AnExplicitRegionReadsNationalNumbers()
    {
        File.WriteAllText(_workspace.File("dump.txt"), "(202) 555-0143\n");

        await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "--region", "US", "-o", _workspace.File("out.hashes"));

        Assert.Equal(_workspace.HashesOf("+12025550143"), HashLines("out.hashes"));
    }

    [Fact]
    public async Task AMissingColumnFailsNamingTheFileAndLineWithoutQuotingIt()
    {
        File.WriteAllText(_workspace.File("dump.csv"), "+447700900001,+447700900002\n");

        var result = await _workspace.RunAsync("hash", _workspace.File("dump.csv"), "--column", "phone", "-o", _workspace.File("out.hashes"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{_workspace.File("dump.csv")}:1:", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("7700", result.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.File("out.hashes")));
    }

    [Fact]
    public async Task AnExistingOutputIsNotOverwrittenWithoutForce()
    {
        File.WriteAllText(_workspace.File("dump.txt"), "+447700900001\n");
        File.WriteAllText(_workspace.File("out.hashes"), "precious");

        var refused = await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Errors, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(_workspace.File("out.hashes")));

        Assert.Equal(0, (await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"), "--force")).ExitCode);
        Assert.Equal(_workspace.HashesOf("+447700900001"), HashLines("out.hashes"));
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("x")]
    public async Task AnInvalidShardIsAUsageError(string shard)
    {
        File.WriteAllText(_workspace.File("dump.txt"), "+447700900001\n");

        Assert.Equal(1, (await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "--shard", shard, "-o", _workspace.File("out.hashes"))).ExitCode);
    }

    [Fact]
    public async Task ShardsTogetherEqualTheUnshardedOutputAndEachLoadsOnItsOwn()
    {
        var numbers = Enumerable.Range(0, 50).Select(i => $"+4477009001{i:D2}").ToList();
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', numbers) + "\n");
        await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("all.hashes"));
        var shards = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "--shard", $"{i}/3", "-o", _workspace.File($"s{i}.hashes"))).ExitCode);
            shards.AddRange(HashLines($"s{i}.hashes"));
            Assert.NotEmpty(HashLines($"s{i}.hashes"));
        }

        Assert.Equal(HashLines("all.hashes").Order(StringComparer.Ordinal), shards.Order(StringComparer.Ordinal));
        // Line n goes to shard n % 3: line 1 is the first number.
        Assert.Equal(_workspace.HashesOf(numbers[0])[0], HashLines("s1.hashes")[0]);

        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"), """{"Name":"Split","Title":"Split","BreachDate":"2024-01-01"}""");
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
        foreach (var i in new[] { 2, 0, 1 })
        {
            Assert.Equal(0, (await _workspace.RunAsync("load", _workspace.File($"s{i}.hashes"), "--breach", "Split")).ExitCode);
        }

        Assert.Equal(50, _workspace.CountExposures("Split"));
    }

    [Fact]
    public async Task AnInterruptedRunLeavesACheckpointAndResumingGivesTheUninterruptedBytes()
    {
        var lines = Enumerable.Range(0, 3000).Select(i => i % 97 == 0 ? "garbage" : i % 89 == 0 ? "" : $"+447700{i:D6}");
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', lines) + "\n");
        await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("whole.hashes"), "--threads", "2");

        // Interrupt as Ctrl-C would, once some chunks are done.
        var normalizer = new PhoneNormalizer("GB");
        using var workers = _workspace.Workers(threads: 2);
        var hasher = new DumpHasher(normalizer, workers) { LinesPerThreadPerChunk = 16, CheckpointInterval = TimeSpan.Zero };
        var job = new HashJob(_workspace.File("dump.txt"), _workspace.File("part.hashes"), Threads: 2);
        using var interrupt = new CancellationTokenSource();
        var progress = new SynchronousProgress<HashProgress>(p =>
        {
            if (p.LinesRead > 1000)
            {
                interrupt.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hasher.RunAsync(job, progress, interrupt.Token));
        Assert.True(File.Exists(job.CheckpointPath));
        Assert.False(File.Exists(job.Output));

        // A crash after the checkpoint leaves bytes the checkpoint does not vouch for; resume must drop them.
        File.AppendAllText(job.PartialPath, "deadbeef-torn-write");
        File.AppendAllText(job.RejectsPartialPath, "99999\ttorn");

        var resumed = await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("part.hashes"), "--resume", "--threads", "2");

        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("resumed", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(_workspace.File("whole.hashes")), File.ReadAllBytes(job.Output));
        Assert.Equal(File.ReadAllBytes(_workspace.File("whole.hashes.rejects")), File.ReadAllBytes(job.RejectsPath));
        Assert.False(File.Exists(job.CheckpointPath));
    }

    [Fact]
    public async Task ACheckpointIsNeitherIgnoredNorResumedForAnotherJob()
    {
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', Enumerable.Range(0, 500).Select(i => $"+447700{i:D6}")));
        using var workers = _workspace.Workers(threads: 1);
        var hasher = new DumpHasher(new PhoneNormalizer("GB"), workers) { LinesPerThreadPerChunk = 8, CheckpointInterval = TimeSpan.Zero };
        var job = new HashJob(_workspace.File("dump.txt"), _workspace.File("out.hashes"), Threads: 1);
        using var interrupt = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            hasher.RunAsync(job, new SynchronousProgress<HashProgress>(p => { if (p.LinesRead > 100) { interrupt.Cancel(); } }), interrupt.Token));

        var fresh = await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"));
        Assert.Equal(1, fresh.ExitCode);
        Assert.Contains("--resume", fresh.Errors, StringComparison.Ordinal);

        var otherRegion = await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"), "--resume", "--region", "US");
        Assert.Equal(1, otherRegion.ExitCode);
        Assert.Contains("another job", otherRegion.Errors, StringComparison.Ordinal);

        Assert.Equal(1, (await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("none.hashes"), "--resume")).ExitCode);
        Assert.Equal(0, (await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"), "--force")).ExitCode);
        Assert.Equal(500, HashLines("out.hashes").Length);
    }

    [Fact]
    public async Task CancellingTheCommandExitsWith130()
    {
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', Enumerable.Range(0, 100).Select(i => $"+447700{i:D6}")));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await _workspace.RunCancellableAsync(cancelled.Token, "hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"));

        Assert.Equal(130, result.ExitCode);
        Assert.False(File.Exists(_workspace.File("out.hashes")));
    }

    // The hash command's scaling with threads is measured by the benchmarks (docs/performance.md); here, that
    // threads do not change the answer.
    // DOTNET_EnableAVX2=0 hides AVX2 from the runtime, as a CPU without it would: the engine falls back to its scalar
    // code, which must write the very same file, and --version must say which code runs.
    [Fact]
    public async Task TheScalarFallbackWritesTheSameHashesAndTheVersionSaysWhichCodeRuns()
    {
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', Enumerable.Range(0, 40).Select(i => $"+447700900{i:D3}")) + "\n");
        var inProcess = await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("default.hashes"));
        var withoutAvx2 = new Dictionary<string, string?> { ["DOTNET_EnableAVX2"] = "0" };

        var scalar = await CliProcess.RunAsync(_workspace.Folder, withoutAvx2, Ct, "hash", _workspace.File("dump.txt"), "-o", _workspace.File("scalar.hashes"), "--config", _workspace.ConfigPath);
        var scalarVersion = await CliProcess.RunAsync(_workspace.Folder, withoutAvx2, Ct, "--version");
        var version = await _workspace.RunAsync("--version");

        Assert.Equal(0, inProcess.ExitCode);
        Assert.Equal(0, scalar.ExitCode);
        Assert.Equal(File.ReadAllBytes(_workspace.File("default.hashes")), File.ReadAllBytes(_workspace.File("scalar.hashes")));
        Assert.Contains("Argon2id engine fast (scalar)", OneLine(scalarVersion.Output), StringComparison.Ordinal);
        Assert.Contains(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "fast (AVX2)" : "fast (scalar)", OneLine(version.Output), StringComparison.Ordinal);
    }

    private static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Fact]
    public async Task TheOutputDoesNotDependOnTheNumberOfThreads()
    {
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', Enumerable.Range(0, 700).Select(i => $"+447700{i:D6}")));

        await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("one.hashes"), "--threads", "1");
        await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("four.hashes"), "--threads", "4");

        Assert.Equal(File.ReadAllBytes(_workspace.File("one.hashes")), File.ReadAllBytes(_workspace.File("four.hashes")));
    }
}
