using System.Diagnostics;
using System.Security.Cryptography;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Ingestion;

/// <summary>
/// Loads hash files into one breach: all or nothing, idempotent, in bounded memory, while the store keeps serving.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Every file's header is checked against the store's scheme before anything else is read.</item>
/// <item>Every line of every file is parsed into an external sort, so a malformed line fails the load before a single
/// row is written; the sort spills runs of hashes (never numbers) to temporary files and removes them afterwards.</item>
/// <item>The distinct hashes are inserted in key order, with the record of the load, in one transaction: a crash or a
/// kill at any instant leaves either all of the load or none of it. Rows already present are skipped, so a repeated
/// load adds nothing.</item>
/// </list>
/// WAL mode lets checks keep reading the last committed state throughout.
/// </remarks>
public sealed class BreachLoader(ExposureStore store)
{
    /// <summary>Hashes held in memory per sorted run (32 bytes each); the rest of a large load waits on disk.</summary>
    public int RunLength { get; init; } = 4 * 1024 * 1024;

    /// <summary>Where sorted runs are spilled; defaults to the system's temporary folder.</summary>
    public string? TempFolder { get; init; }

    /// <summary>
    /// The most content one file may hold once decompressed, or null for no bound. Past it the load fails with
    /// <see cref="InputTooLargeException"/>, nothing written; the sorted runs it spills stay under about half of it
    /// (32 bytes per hash for a 65-byte line).
    /// </summary>
    public long? MaxFileBytes { get; init; }

    /// <summary>Loads <paramref name="files"/> into the breach <paramref name="breachName"/>.</summary>
    /// <exception cref="SchemeMismatchException">A file was hashed under another scheme than the store's. Nothing was written.</exception>
    /// <exception cref="HashFileFormatException">A line is malformed. Nothing was written.</exception>
    /// <exception cref="NotInStoreException">The breach does not exist. Nothing was written.</exception>
    /// <exception cref="StoreException">The store is not initialised. Nothing was written.</exception>
    /// <exception cref="InputTooLargeException">A file holds more than <see cref="MaxFileBytes"/>. Nothing was written.</exception>
    public async Task<LoadResult> LoadAsync(
        string breachName,
        IReadOnlyList<HashFileSource> files,
        IProgress<LoadProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var storeFingerprint = await store.Schema.GetFingerprintAsync(cancellationToken)
            ?? throw new StoreException($"The store '{store.Path}' is not initialised; run 'exposure init' first.");
        var breach = await store.Breaches.GetAsync(breachName, cancellationToken)
            ?? throw new NotInStoreException($"There is no breach named '{breachName}'; add its metadata first with 'exposure breach add'.");

        var readers = new List<(HashFileSource Source, HashFileReader Reader, HashingStream Digest)>();
        try
        {
            // 1. Headers: refuse a file from another scheme before reading any hash.
            foreach (var file in files)
            {
                var digest = new HashingStream(file.Open());
                var reader = HashFileReader.Open(digest, file.Name, MaxFileBytes);
                readers.Add((file, reader, digest));
                if (reader.Fingerprint != storeFingerprint)
                {
                    throw SchemeMismatchException.ForHashFile($"{file.Name}:{reader.SchemeLine}", storeFingerprint, reader.Fingerprint);
                }
            }

            // 2. Parse and sort everything; a malformed line throws here, before the store is touched.
            using var sorter = new ExternalHashSorter(TempFolder ?? Path.GetTempPath(), RunLength);
            var fileRecords = new List<LoadedFile>();
            foreach (var (source, reader, digest) in readers)
            {
                var before = sorter.Added;
                foreach (var hash in reader.ReadHashes())
                {
                    sorter.Add(hash);
                    if ((sorter.Added & 0xFFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        progress?.Report(new LoadProgress(LoadPhase.Reading, sorter.Added, 0, clock.Elapsed));
                    }
                }

                digest.ReadToEnd();
                fileRecords.Add(new LoadedFile(source.Name, digest.Sha256Hex(), sorter.Added - before));
            }

            // 3. Insert in key order, in one transaction with the record of the load.
            var rowsRead = sorter.Added;
            var readingTime = clock.Elapsed;
            var sorted = sorter.Merge();
            progress?.Report(new LoadProgress(LoadPhase.Inserting, rowsRead, 0, clock.Elapsed));
            var newRows = await store.Exposures.AddLoadAsync(
                breach.Name,
                sorted,
                new LoadLedgerEntry(fileRecords, rowsRead, started),
                inserted => progress?.Report(new LoadProgress(LoadPhase.Inserting, rowsRead, inserted, clock.Elapsed)),
                cancellationToken);
            return new LoadResult(breach.Name, fileRecords, rowsRead, newRows, rowsRead - newRows, clock.Elapsed) { ReadingTime = readingTime };
        }
        finally
        {
            foreach (var (_, reader, digest) in readers)
            {
                reader.Dispose();
                await digest.DisposeAsync();
            }
        }
    }
}

/// <summary>A hash file to load: a name for messages and the records, and a way to open its bytes.</summary>
public sealed record HashFileSource(string Name, Func<Stream> Open)
{
    public static HashFileSource FromPath(string path) =>
        new(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
}

public sealed record LoadResult(string Breach, IReadOnlyList<LoadedFile> Files, long RowsRead, long NewRows, long Duplicates, TimeSpan Elapsed)
{
    /// <summary>The part of <see cref="Elapsed"/> spent reading, checking and sorting, before the first insert.</summary>
    public TimeSpan ReadingTime { get; init; }
}

public enum LoadPhase
{
    Reading,
    Inserting,
}

public sealed record LoadProgress(LoadPhase Phase, long RowsRead, long RowsInserted, TimeSpan Elapsed);

/// <summary>Passes a stream through while computing the SHA-256 of every byte read.</summary>
internal sealed class HashingStream(Stream inner) : ReadOnlyStreamWrapper(inner)
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        _sha256.AppendData(buffer[..read]);
        return read;
    }

    /// <summary>Reads whatever the consumer left unread (a trailing blank line), so the digest covers the whole file.</summary>
    public void ReadToEnd()
    {
        Span<byte> buffer = stackalloc byte[4096];
        while (Read(buffer) > 0)
        {
        }
    }

    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }
}
