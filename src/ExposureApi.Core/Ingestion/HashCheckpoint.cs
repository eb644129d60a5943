using System.Globalization;
using System.Text.Json;
using ExposureApi.Core.Hashing;

namespace ExposureApi.Core.Ingestion;

/// <summary>How far a job got; saved as JSON beside the output. Holds counts and offsets, never line content.</summary>
internal sealed class HashCheckpoint
{
    public required string Job { get; init; }
    public long LinesRead { get; set; }
    public long OutputLength { get; set; }
    public long RejectsLength { get; set; }
    public long Hashed { get; set; }
    public long Rejected { get; set; }
    public long Blank { get; set; }
    public long OtherShards { get; set; }
    public Dictionary<string, long> RejectedByReason { get; init; } = [];

    // Everything that must be the same for a resumed run to continue the same output; no line content.
    public static HashCheckpoint Start(HashJob job, SchemeFingerprint scheme)
    {
        var input = new FileInfo(job.Input);
        var identity = InputStreams.IsStandardInput(job.Input) ? "stdin" : string.Create(CultureInfo.InvariantCulture,
            $"input={input.FullName};size={input.Length};modified={input.LastWriteTimeUtc:O}");
        return new HashCheckpoint
        {
            Job = $"{identity};column={job.Column};region={job.Region};shard={job.ShardIndex}/{job.ShardCount};scheme={scheme}",
        };
    }

    public static HashCheckpoint Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<HashCheckpoint>(File.ReadAllText(path)) ?? throw new JsonException("empty");
        }
        catch (JsonException)
        {
            throw new HashJobException($"{path} is not a readable checkpoint; start over with --force.");
        }
    }
}
