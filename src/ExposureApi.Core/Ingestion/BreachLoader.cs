using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using ExposureApi.Core.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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

    /// <summary>Loads <paramref name="files"/> into the breach <paramref name="breachName"/>.</summary>
    /// <exception cref="SchemeMismatchException">A file was hashed under another scheme than the store's. Nothing was written.</exception>
    /// <exception cref="HashFileFormatException">A line is malformed. Nothing was written.</exception>
    /// <exception cref="StoreException">The breach does not exist, or the store is not initialised. Nothing was written.</exception>
    public async Task<LoadResult> LoadAsync(
        string breachName,
        IReadOnlyList<HashFileSource> files,
        IProgress<LoadProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var storeFingerprint = await store.GetFingerprintAsync(cancellationToken)
            ?? throw new StoreException($"The store '{store.Path}' is not initialised; run 'exposure init' first.");
        var breach = await store.GetBreachAsync(breachName, cancellationToken)
            ?? throw new StoreException($"There is no breach named '{breachName}'; add its metadata first with 'exposure breach add'.");

        var readers = new List<(HashFileSource Source, HashFileReader Reader, HashingStream Digest)>();
        try
        {
            // 1. Headers: refuse a file from another scheme before reading any hash.
            foreach (var file in files)
            {
                var digest = new HashingStream(file.Open());
                var reader = HashFileReader.Open(digest, file.Name);
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
            var newRows = await InsertAsync(breach.Name, sorter.Merge(), rowsRead, fileRecords, started, clock, progress, cancellationToken);
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

    private async Task<long> InsertAsync(
        string breachName,
        IEnumerable<Hash32> sorted,
        long rowsRead,
        List<LoadedFile> files,
        DateTimeOffset started,
        Stopwatch clock,
        IProgress<LoadProgress>? progress,
        CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        // A larger page cache for this connection only: the b-tree's pages stay in memory as the sorted keys walk it.
        await connection.ExecuteAsync("PRAGMA cache_size = -262144;");
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var breachId = await connection.ExecuteScalarAsync<long>("SELECT id FROM breaches WHERE name = @breachName;", new { breachName }, transaction);

        progress?.Report(new LoadProgress(LoadPhase.Inserting, rowsRead, 0, clock.Elapsed));
        long added;
        using (var insert = new RawInsert(connection, breachId))
        {
            added = insert.InsertAll(sorted, inserted => progress?.Report(new LoadProgress(LoadPhase.Inserting, rowsRead, inserted, clock.Elapsed)), cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await connection.ExecuteAsync(
            """
            INSERT INTO loads (breach_id, files, file_sha256, rows_read, new_rows, duplicates, started_at, finished_at, outcome)
            VALUES (@breachId, @files, @sha256, @rowsRead, @added, @duplicates, @started, @finished, @outcome);
            """,
            new
            {
                breachId,
                files = JsonSerializer.Serialize(files.Select(f => new { name = f.Name, sha256 = f.Sha256, rows = f.Rows })),
                sha256 = string.Join(",", files.Select(f => f.Sha256)),
                rowsRead,
                added,
                duplicates = rowsRead - added,
                started = ExposureStore.FormatTimestamp(started),
                finished = ExposureStore.FormatTimestamp(DateTimeOffset.UtcNow),
                outcome = added > 0 ? "loaded" : "already-loaded",
            },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>
    /// One prepared single-row INSERT driven through SQLite's C API (SQLitePCLRaw, under Microsoft.Data.Sqlite):
    /// binding the hash by index and stepping costs a fraction of a microsecond, where SqliteCommand's per-execution
    /// parameter handling costs several. It runs on the command's connection, inside its transaction.
    /// </summary>
    private sealed class RawInsert : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;

        public RawInsert(SqliteConnection connection, long breachId)
        {
            _connection = connection;
            Check(raw.sqlite3_prepare_v2(connection.Handle, "INSERT INTO exposures (hash, breach_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING;", out _statement));
            Check(raw.sqlite3_bind_int64(_statement, 2, breachId));
        }

        /// <summary>Inserts every hash; returns how many were new.</summary>
        public long InsertAll(IEnumerable<Hash32> sorted, Action<long> onProgress, CancellationToken cancellationToken)
        {
            Span<byte> key = stackalloc byte[Hash32.Size];
            long added = 0, inserted = 0;
            foreach (var hash in sorted)
            {
                hash.Write(key);
                Check(raw.sqlite3_bind_blob(_statement, 1, key));
                if (raw.sqlite3_step(_statement) != raw.SQLITE_DONE)
                {
                    Check(raw.sqlite3_reset(_statement));
                }

                added += raw.sqlite3_changes(_connection.Handle);
                Check(raw.sqlite3_reset(_statement));
                if ((++inserted & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    onProgress(inserted);
                }
            }

            return added;
        }

        private void Check(int result)
        {
            if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), result);
            }
        }

        public void Dispose() => _statement.Dispose();
    }
}

/// <summary>A hash file to load: a name for messages and the records, and a way to open its bytes.</summary>
public sealed record HashFileSource(string Name, Func<Stream> Open)
{
    public static HashFileSource FromPath(string path) =>
        new(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
}

public sealed record LoadedFile(string Name, string Sha256, long Rows);

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
