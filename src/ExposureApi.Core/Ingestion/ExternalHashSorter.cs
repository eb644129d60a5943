namespace ExposureApi.Core.Ingestion;

/// <summary>
/// Sorts and de-duplicates any number of hashes in bounded memory: hashes are gathered into runs of at most
/// <see cref="RunLength"/>, each run is sorted in memory and, when there is more than one, spilled to a temporary
/// file; <see cref="Merge"/> then yields every distinct hash once, in order.
/// </summary>
/// <remarks>Temporary files hold only hashes, and are deleted on <see cref="Dispose"/>, whatever happened before.</remarks>
public sealed class ExternalHashSorter : IDisposable
{
    private readonly string _tempFolder;
    private readonly List<string> _runFiles = [];
    private Hash32[] _buffer;
    private int _count;

    /// <param name="runLength">Hashes held in memory at once: 32 bytes each.</param>
    public ExternalHashSorter(string tempFolder, int runLength = 4 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runLength, 2);
        _tempFolder = tempFolder;
        RunLength = runLength;
        _buffer = new Hash32[Math.Min(runLength, 64 * 1024)];
    }

    public int RunLength { get; }

    /// <summary>How many hashes were added, counting repeats.</summary>
    public long Added { get; private set; }

    /// <summary>The temporary files written so far (for tests and diagnostics).</summary>
    public IReadOnlyList<string> RunFiles => _runFiles;

    public void Add(Hash32 hash)
    {
        if (_count == _buffer.Length)
        {
            if (_buffer.Length < RunLength)
            {
                Array.Resize(ref _buffer, (int)Math.Min(RunLength, (long)_buffer.Length * 2));
            }
            else
            {
                SpillRun();
            }
        }

        _buffer[_count++] = hash;
        Added++;
    }

    /// <summary>Every distinct hash added, in ascending order.</summary>
    public IEnumerable<Hash32> Merge()
    {
        if (_runFiles.Count == 0)
        {
            return _buffer.Take(SortAndDeduplicate());
        }

        if (_count > 0)
        {
            SpillRun();
        }

        return MergeRuns();
    }

    private IEnumerable<Hash32> MergeRuns()
    {
        var readers = _runFiles.Select(f => new BinaryReader(new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))).ToList();
        try
        {
            var queue = new PriorityQueue<int, Hash32>(readers.Count);
            var heads = new Hash32[readers.Count];
            for (var i = 0; i < readers.Count; i++)
            {
                if (TryRead(readers[i], out heads[i]))
                {
                    queue.Enqueue(i, heads[i]);
                }
            }

            Hash32? previous = null;
            while (queue.TryDequeue(out var run, out var hash))
            {
                if (previous != hash)
                {
                    yield return hash;
                    previous = hash;
                }

                if (TryRead(readers[run], out heads[run]))
                {
                    queue.Enqueue(run, heads[run]);
                }
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    private static bool TryRead(BinaryReader reader, out Hash32 hash)
    {
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        if (reader.Read(bytes) < Hash32.Size)
        {
            hash = default;
            return false;
        }

        hash = Hash32.Read(bytes);
        return true;
    }

    private int SortAndDeduplicate()
    {
        SortInParallel(_buffer, _count);
        var span = _buffer.AsSpan(0, _count);
        var distinct = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (distinct == 0 || span[distinct - 1] != span[i])
            {
                span[distinct++] = span[i];
            }
        }

        _count = distinct;
        return distinct;
    }

    // Hashes are uniformly distributed, so partitioning on the top bit splits a run into two near-equal halves that
    // sort independently on two cores: on a 2-core machine that halves the longest step of reading a load.
    private static void SortInParallel(Hash32[] buffer, int count)
    {
        if (count < 1 << 16 || Environment.ProcessorCount < 2)
        {
            buffer.AsSpan(0, count).Sort();
            return;
        }

        int left = 0, right = count - 1;
        while (left <= right)
        {
            if ((long)buffer[left].A >= 0)
            {
                left++;
            }
            else
            {
                (buffer[left], buffer[right]) = (buffer[right], buffer[left]);
                right--;
            }
        }

        Parallel.Invoke(
            () => buffer.AsSpan(0, left).Sort(),
            () => buffer.AsSpan(left, count - left).Sort());
    }

    private void SpillRun()
    {
        SortAndDeduplicate();
        Directory.CreateDirectory(_tempFolder);
        var path = Path.Combine(_tempFolder, $"exposure-run-{Guid.NewGuid():n}.bin");
        _runFiles.Add(path);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> bytes = stackalloc byte[Hash32.Size];
            foreach (var hash in _buffer.AsSpan(0, _count))
            {
                hash.Write(bytes);
                stream.Write(bytes);
            }
        }

        _count = 0;
    }

    public void Dispose()
    {
        foreach (var file in _runFiles)
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Best effort: a run file holds only hashes, never a number.
            }
        }

        _runFiles.Clear();
    }
}
