using Dapper;
using ExposureApi.Core.Ingestion;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ExposureApi.Core.Storage;

/// <summary>
/// The <c>exposures</c> table: one row per (hash, breach), keyed by the hash so that a check is one index seek.
/// Rows enter only through <see cref="AddLoadAsync"/>, together with their record in the loads ledger.
/// </summary>
public sealed class ExposureTable
{
    private readonly StoreDatabase _database;

    internal ExposureTable(StoreDatabase database) => _database = database;

    /// <summary>The breaches that hold <paramref name="hash"/>, oldest breach first; retired breaches are left out.</summary>
    public async Task<IReadOnlyList<Breach>> FindBreachesAsync(byte[] hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var connection = await _database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<Breach>(new CommandDefinition(
            """
            SELECT b.*
            FROM exposures e JOIN breaches b ON b.id = e.breach_id
            WHERE e.hash = @hash AND b.is_retired = 0
            ORDER BY b.breach_date, b.name;
            """,
            new { hash }, cancellationToken: cancellationToken))];
    }

    /// <summary>The number of stored exposures: a full count of the table.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, cancellationToken: cancellationToken));
    }

    /// <summary>How many hashes each breach holds, by breach name. A full scan: seconds for tens of millions of rows.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByBreachAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, long Count)>(new CommandDefinition(
            "SELECT b.name, (SELECT count(*) FROM exposures e WHERE e.breach_id = b.id) FROM breaches b ORDER BY b.name;",
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Name, r => r.Count, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Records <paramref name="sortedHashes"/> as exposed in <paramref name="breachName"/>, and the load in the ledger,
    /// in one transaction: a crash or a kill at any instant leaves all of it or none. Hashes already present are
    /// skipped, so a repeated load adds nothing. Returns how many rows were new.
    /// </summary>
    /// <param name="sortedHashes">In key order: SQLite inserts sorted keys many times faster.</param>
    /// <param name="onInserted">Told how many hashes have gone in so far, every 65,536.</param>
    public async Task<long> AddLoadAsync(
        string breachName, IEnumerable<Hash32> sortedHashes, LoadLedgerEntry entry, Action<long>? onInserted, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // A larger page cache for this connection only: the b-tree's pages stay in memory as the sorted keys walk it.
        await connection.ExecuteAsync("PRAGMA cache_size = -262144;");
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var breachId = await connection.ExecuteScalarAsync<long?>("SELECT id FROM breaches WHERE name = @breachName;", new { breachName }, transaction)
            ?? throw new StoreException($"There is no breach named '{breachName}'; add its metadata first with 'exposure breach add'.");

        long added;
        using (var insert = new RawInsert(connection, breachId))
        {
            added = insert.InsertAll(sortedHashes, onInserted, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await LoadLedger.RecordAsync(connection, transaction, breachId, entry, added);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    internal const string CountSql = "SELECT count(*) FROM exposures;";

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
        public long InsertAll(IEnumerable<Hash32> sorted, Action<long>? onInserted, CancellationToken cancellationToken)
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
                    onInserted?.Invoke(inserted);
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
