using ExposureApi.Core.Hashing;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Normalization;

namespace ExposureApi.Core.Tests.Ingestion;

/// <summary>The dump hasher on its own: order, rejects by reason only, the shard rule, and the core's header.</summary>
public sealed class DumpHasherTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ExposureHasher _hasher = new(TestSchemes.Cheap());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EveryNumberIsHashedInInputOrderAndRejectsCarryLineAndReasonOnly()
    {
        File.WriteAllText(_folder.File("dump.csv"), "name,phone\nA,+44 7700 900001\nB,not a number\nC,\nD,07700 900002\n");
        using var workers = new HashWorkers(_hasher, threads: 2);
        var job = new HashJob(_folder.File("dump.csv"), _folder.File("out.hashes"), Column: "phone", Region: "GB");

        var result = await new DumpHasher(new PhoneNormalizer("IN"), workers).RunAsync(job, null, Ct);

        Assert.Equal((5, 2, 1, 1), (result.LinesRead, result.Hashed, result.Rejected, result.Blank));
        Assert.Equal(
            HashFileReader.Header(_hasher.Scheme.Fingerprint.ToString()) + "# count: 2                   \n"
                + Convert.ToHexStringLower(_hasher.Hash("+447700900001")) + "\n" + Convert.ToHexStringLower(_hasher.Hash("+447700900002")) + "\n",
            File.ReadAllText(job.Output));
        Assert.Equal("# line\treason\n3\tnot-a-number\n", File.ReadAllText(job.RejectsPath));
        Assert.False(File.Exists(job.CheckpointPath));
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void AShardIsReadFromItsText(string text, int index, int count) =>
        Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData(null)]
    public void TextThatBreaksTheShardRuleIsNotAShard(string? text) => Assert.Null(Shard.Parse(text));

    [Fact]
    public async Task AJobWithAShardOutsideTheRuleIsRefusedBeforeAnythingIsWritten()
    {
        File.WriteAllText(_folder.File("dump.txt"), "+447700900001\n");
        using var workers = new HashWorkers(_hasher, threads: 1);
        var job = new HashJob(_folder.File("dump.txt"), _folder.File("out.hashes"), ShardIndex: 2, ShardCount: 2);

        var error = await Assert.ThrowsAsync<HashJobException>(() => new DumpHasher(new PhoneNormalizer("GB"), workers).RunAsync(job, null, Ct));

        Assert.Contains(Shard.Rule, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder.Path, "out.hashes*"));
    }
}
