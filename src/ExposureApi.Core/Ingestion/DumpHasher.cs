using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Normalization;

namespace ExposureApi.Core.Ingestion;

/// <summary>
/// <c>exposure hash</c>: normalises and hashes every number of a dump on all cores into a hash file, in input order.
/// </summary>
/// <remarks>
/// Work goes in chunks. After each chunk the output and rejects files are flushed to disk and a checkpoint records
/// how far they are valid; <see cref="HashJob.Resume"/> truncates them to that point and carries on from the next
/// line, so an interrupted and resumed run writes exactly the bytes of an uninterrupted one. Files are written as
/// <c>OUTPUT.partial</c> and renamed when complete, so a file named OUTPUT is always whole. A line that does not
/// normalise is recorded by number and reason only, never its content.
/// </remarks>
public sealed class DumpHasher(PhoneNormalizer normalizer, HashWorkers workers)
{
    // The header's count is written when the job ends; this many characters are reserved for it up front.
    private const int CountWidth = 20;
    private static readonly byte[] Newline = "\n"u8.ToArray();

    /// <summary>Lines per chunk, per thread: small enough that an interruption loses seconds of work at the default cost.</summary>
    public int LinesPerThreadPerChunk { get; init; } = 64;

    /// <summary>How often the checkpoint is written at most.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    public async Task<HashJobResult> RunAsync(HashJob job, IProgress<HashProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ValidateShard(job);
        var clock = Stopwatch.StartNew();
        var checkpoint = Prepare(job);
        var resumed = checkpoint is not null;
        checkpoint ??= HashCheckpoint.Start(job, workers.Hasher.Scheme.Fingerprint);

        using var reader = DumpReader.Open(job.Input, job.Column);
        // Progress is told in lines done out of lines there are: counted alongside, while the first chunks hash.
        using var stopCounting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var linesTotal = progress is null ? Task.FromResult<long?>(null) : Task.Run(() => DumpReader.CountLines(job.Input, stopCounting.Token), stopCounting.Token);
        var output = new FileStream(job.PartialPath, resumed ? FileMode.Open : FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        var rejects = new FileStream(job.RejectsPartialPath, resumed ? FileMode.Open : FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        try
        {
            if (resumed)
            {
                output.SetLength(checkpoint.OutputLength);
                rejects.SetLength(checkpoint.RejectsLength);
                output.Seek(0, SeekOrigin.End);
                rejects.Seek(0, SeekOrigin.End);
                SkipTo(reader, checkpoint.LinesRead);
            }
            else
            {
                WriteHeader(output, rejects);
            }

            var chunkLength = workers.Count * LinesPerThreadPerChunk;
            var lines = new List<DumpLine>(chunkLength);
            var results = new string?[chunkLength];
            var sinceCheckpoint = Stopwatch.StartNew();
            try
            {
                while (true)
                {
                    var lastLine = ReadChunk(reader, job, lines, chunkLength, checkpoint);
                    if (lines.Count == 0 && lastLine == checkpoint.LinesRead)
                    {
                        break;
                    }

                    await HashChunkAsync(lines, results, job, cancellationToken);

                    WriteChunk(lines, results, output, rejects, checkpoint);
                    (checkpoint.LinesRead, checkpoint.OutputLength, checkpoint.RejectsLength) = (lastLine, output.Position, rejects.Position);
                    if (sinceCheckpoint.Elapsed >= CheckpointInterval)
                    {
                        Save(checkpoint, job, output, rejects);
                        sinceCheckpoint.Restart();
                    }

                    progress?.Report(new HashProgress(
                        checkpoint.LinesRead, linesTotal.IsCompletedSuccessfully ? linesTotal.Result : null, checkpoint.Hashed, checkpoint.Rejected, clock.Elapsed));
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
            {
                // Keep every chunk finished so far (the checkpoint never claims more than is on disk): --resume then
                // loses at most the chunk that was under way.
                Save(checkpoint, job, output, rejects);
                throw new HashInterruptedException(job, checkpoint.LinesRead, checkpoint.Hashed, e, cancellationToken);
            }

            WriteCount(output, checkpoint.Hashed);
            output.Flush(flushToDisk: true);
            rejects.Flush(flushToDisk: true);
        }
        finally
        {
            await stopCounting.CancelAsync();
            await linesTotal.ContinueWith(_ => { }, TaskScheduler.Default); // its failure only meant no percentage
            await output.DisposeAsync();
            await rejects.DisposeAsync();
        }

        File.Move(job.PartialPath, job.Output, overwrite: job.Force);
        File.Move(job.RejectsPartialPath, job.RejectsPath, overwrite: true);
        File.Delete(job.CheckpointPath);
        return new HashJobResult(
            checkpoint.LinesRead, checkpoint.Hashed, checkpoint.Rejected, checkpoint.Blank, checkpoint.OtherShards,
            checkpoint.RejectedByReason, resumed, clock.Elapsed);
    }

    private static void ValidateShard(HashJob job)
    {
        if (!new Shard(job.ShardIndex, job.ShardCount).IsValid)
        {
            throw new HashJobException($"--shard {Shard.Rule}; {job.ShardIndex}/{job.ShardCount} is not.");
        }
    }

    /// <summary>Checks the files around the output and returns the checkpoint to resume from, or null for a fresh start.</summary>
    private HashCheckpoint? Prepare(HashJob job)
    {
        if (File.Exists(job.Output) && !job.Force)
        {
            throw new HashJobException($"{job.Output} already exists; pass --force to overwrite it.");
        }

        var hasCheckpoint = File.Exists(job.CheckpointPath);
        if (job.Resume)
        {
            if (InputStreams.IsStandardInput(job.Input))
            {
                throw new HashJobException("--resume needs an input file: standard input cannot be read again from the middle.");
            }

            if (!hasCheckpoint || !File.Exists(job.PartialPath) || !File.Exists(job.RejectsPartialPath))
            {
                throw new HashJobException($"There is nothing to resume: {job.CheckpointPath} (with {job.PartialPath} and {job.RejectsPartialPath}) does not exist.");
            }

            var saved = HashCheckpoint.Load(job.CheckpointPath);
            var expected = HashCheckpoint.Start(job, workers.Hasher.Scheme.Fingerprint);
            if (saved.Job != expected.Job)
            {
                throw new HashJobException(
                    $"{job.CheckpointPath} was written for another job ({saved.Job}); this one is ({expected.Job}). "
                    + "Resume with the same input (unchanged), column, region, shard and hashing settings, or start over with --force.");
            }

            return saved;
        }

        if ((hasCheckpoint || File.Exists(job.PartialPath)) && !job.Force)
        {
            throw new HashJobException($"An interrupted run left {job.CheckpointPath}; pass --resume to continue it, or --force to start over.");
        }

        File.Delete(job.PartialPath);
        File.Delete(job.RejectsPartialPath);
        File.Delete(job.CheckpointPath);
        return null;
    }

    private void WriteHeader(FileStream output, FileStream rejects)
    {
        output.Write(Encoding.UTF8.GetBytes($"{HeaderBeforeCount}{new string(' ', CountWidth)}\n"));
        rejects.Write("# line\treason\n"u8);
    }

    private string HeaderBeforeCount => HashFileReader.Header(workers.Hasher.Scheme.Fingerprint.ToString()) + "# count: ";

    private void WriteCount(FileStream output, long count)
    {
        output.Seek(Encoding.UTF8.GetByteCount(HeaderBeforeCount), SeekOrigin.Begin);
        output.Write(Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture).PadRight(CountWidth)));
        output.Seek(0, SeekOrigin.End);
    }

    private static void SkipTo(DumpReader reader, long linesRead)
    {
        while (reader.LineNumber < linesRead && reader.Next() is not null)
        {
        }
    }

    /// <summary>Reads the next lines of this shard; returns the number of the last line read (of any shard).</summary>
    private static long ReadChunk(DumpReader reader, HashJob job, List<DumpLine> lines, int chunkLength, HashCheckpoint checkpoint)
    {
        lines.Clear();
        while (lines.Count < chunkLength && reader.Next() is { } line)
        {
            if (line.Number % job.ShardCount == job.ShardIndex)
            {
                lines.Add(line);
            }
            else
            {
                checkpoint.OtherShards++;
            }
        }

        return reader.LineNumber;
    }

    // results[i] is the lowercase hex tag, or "!reason" for a rejected line, or null for a blank one. The numbers are
    // normalised here and hashed on the workers' threads, each with its own engine.
    private async Task HashChunkAsync(List<DumpLine> lines, string?[] results, HashJob job, CancellationToken cancellationToken)
    {
        var hashes = new Task<byte[]>?[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Problem is { } problem)
            {
                results[i] = "!" + problem;
            }
            else if (string.IsNullOrEmpty(line.Value))
            {
                results[i] = null;
            }
            else
            {
                var normalized = normalizer.Normalize(line.Value, job.Region);
                if (normalized.IsAccepted)
                {
                    hashes[i] = workers.HashAsync(normalized.E164!, cancellationToken);
                }
                else
                {
                    results[i] = "!" + ReasonSlug(normalized.Rejection!.Value);
                }
            }
        }

        await Task.WhenAll(hashes.OfType<Task<byte[]>>());
        for (var i = 0; i < lines.Count; i++)
        {
            if (hashes[i] is { } hash)
            {
                results[i] = Convert.ToHexStringLower(await hash);
            }
        }
    }

    private static void WriteChunk(List<DumpLine> lines, string?[] results, FileStream output, FileStream rejects, HashCheckpoint checkpoint)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var result = results[i];
            if (result is null)
            {
                checkpoint.Blank++;
            }
            else if (result[0] == '!')
            {
                var reason = result[1..];
                rejects.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{lines[i].Number}\t{reason}\n")));
                checkpoint.Rejected++;
                checkpoint.RejectedByReason[reason] = checkpoint.RejectedByReason.GetValueOrDefault(reason) + 1;
            }
            else
            {
                output.Write(Encoding.ASCII.GetBytes(result));
                output.Write(Newline);
                checkpoint.Hashed++;
            }
        }
    }

    private static void Save(HashCheckpoint checkpoint, HashJob job, FileStream output, FileStream rejects)
    {
        // The checkpoint may only ever claim what is already on disk.
        output.Flush(flushToDisk: true);
        rejects.Flush(flushToDisk: true);
        var temporary = job.CheckpointPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(checkpoint));
        File.Move(temporary, job.CheckpointPath, overwrite: true);
    }

    /// <summary>The reason's kebab-case name, as the rejects file and the summary show it.</summary>
    public static string ReasonSlug(RejectionReason reason) => reason switch
    {
        RejectionReason.Missing => "missing",
        RejectionReason.NotANumber => "not-a-number",
        RejectionReason.TooShort => "too-short",
        RejectionReason.TooLong => "too-long",
        RejectionReason.InvalidLength => "invalid-length",
        RejectionReason.InvalidCountryCode => "invalid-country-code",
        RejectionReason.InvalidRegion => "invalid-region",
        _ => reason.ToString(),
    };
}
