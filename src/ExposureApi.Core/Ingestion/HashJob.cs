using System.Globalization;

namespace ExposureApi.Core.Ingestion;

/// <summary>What to hash and where: the options of <c>exposure hash</c>.</summary>
/// <param name="ShardIndex">With <paramref name="ShardCount"/>: hash only lines whose number modulo the count is this index.</param>
public sealed record HashJob(
    string Input,
    string Output,
    string? Column = null,
    string? Region = null,
    int Threads = 0,
    int ShardIndex = 0,
    int ShardCount = 1,
    bool Resume = false,
    bool Force = false)
{
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    public string PartialPath => Output + ".partial";
    public string RejectsPath => Output + ".rejects";
    public string RejectsPartialPath => Output + ".rejects.partial";
    public string CheckpointPath => Output + ".checkpoint";
}

/// <summary>
/// Which part of a dump one machine hashes: lines whose number modulo <see cref="Count"/> is <see cref="Index"/>.
/// The one home of the <c>I/N</c> form and its rule, for the CLI's option and the job alike.
/// </summary>
public readonly partial record struct Shard(int Index, int Count)
{
    public const string Rule = "takes I/N with 0 ≤ I < N, for example 0/4";

    /// <summary>The whole dump.</summary>
    public static Shard All => new(0, 1);

    public bool IsValid => Count >= 1 && Index >= 0 && Index < Count;

    /// <summary>Reads <c>I/N</c>; null when the text is not of that form or breaks the rule.</summary>
    public static Shard? Parse(string? text)
    {
        if (text is null || Pattern().Match(text) is not { Success: true } match
            || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        var shard = new Shard(index, count);
        return shard.IsValid ? shard : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d+)/(\d+)$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}

public sealed record HashJobResult(
    long LinesRead,
    long Hashed,
    long Rejected,
    long Blank,
    long OtherShards,
    IReadOnlyDictionary<string, long> RejectedByReason,
    bool Resumed,
    TimeSpan Elapsed);

/// <param name="LinesRead">Lines whose numbers are hashed or rejected and written (never lines merely read ahead).</param>
/// <param name="LinesTotal">The lines in the dump, once counted; null before that, and for standard input.</param>
public sealed record HashProgress(long LinesRead, long? LinesTotal, long Hashed, long Rejected, TimeSpan Elapsed);

/// <summary>The job cannot run as asked (an output in the way, a checkpoint that does not match). Nothing was written.</summary>
public sealed class HashJobException(string message) : Exception(message);

/// <summary>
/// The run was cancelled (Ctrl-C, SIGTERM). The checkpoint on disk holds every line up to <see cref="LinesKept"/>, so
/// the same job with <see cref="HashJob.Resume"/> carries on from there.
/// </summary>
public sealed class HashInterruptedException(HashJob job, long linesKept, long hashesKept, Exception innerException, CancellationToken token)
    : OperationCanceledException(
        string.Create(CultureInfo.InvariantCulture, $"Interrupted after line {linesKept:N0}; {hashesKept:N0} hashes are kept in {job.PartialPath}, with the checkpoint {job.CheckpointPath}."),
        innerException,
        token)
{
    public HashJob Job { get; } = job;

    /// <summary>The lines done and on disk: a resumed run starts after this one.</summary>
    public long LinesKept { get; } = linesKept;

    public long HashesKept { get; } = hashesKept;
}
