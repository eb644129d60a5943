using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Core.Storage;

/// <summary>
/// The <c>loads</c> table: one row per completed load, written in the same transaction as the exposures it added
/// (<see cref="ExposureTable.AddLoadAsync"/>), so the ledger's sum of new rows is the number of exposures.
/// </summary>
public sealed class LoadLedger
{
    private readonly StoreDatabase _database;

    internal LoadLedger(StoreDatabase database) => _database = database;

    /// <summary>The most recent loads, newest first.</summary>
    public async Task<IReadOnlyList<LoadRecord>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<LoadRecord>(new CommandDefinition(
            """
            SELECT l.id, b.name AS breach, l.files, l.file_sha256, l.rows_read, l.new_rows, l.duplicates, l.started_at, l.finished_at, l.outcome
            FROM loads l JOIN breaches b ON b.id = l.breach_id
            ORDER BY l.id DESC LIMIT @count;
            """,
            new { count }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// The number of exposures, from the ledger instead of a scan of millions of rows. Synchronous, for a metrics
    /// gauge read during a scrape; <see cref="StoreMaintenance.CheckHealthAsync"/> checks it against the table.
    /// </summary>
    public long SumNewRows()
    {
        using var connection = _database.Open();
        return connection.ExecuteScalar<long>(SumSql);
    }

    internal const string SumSql = "SELECT coalesce(sum(new_rows), 0) FROM loads;";

    /// <summary>How many breaches that checks report (not retired) have had rows loaded: from the ledger, a few rows to read.</summary>
    internal const string ReportedBreachesSql =
        "SELECT count(DISTINCT b.id) FROM loads l JOIN breaches b ON b.id = l.breach_id WHERE l.new_rows > 0 AND b.is_retired = 0;";

    internal static Task RecordAsync(SqliteConnection connection, SqliteTransaction transaction, long breachId, LoadLedgerEntry entry, long added) =>
        connection.ExecuteAsync(
            """
            INSERT INTO loads (breach_id, files, file_sha256, rows_read, new_rows, duplicates, started_at, finished_at, outcome)
            VALUES (@breachId, @files, @sha256, @RowsRead, @added, @duplicates, @StartedAt, @finished, @outcome);
            """,
            new
            {
                breachId,
                files = JsonSerializer.Serialize(entry.Files.Select(f => new { name = f.Name, sha256 = f.Sha256, rows = f.Rows })),
                sha256 = string.Join(",", entry.Files.Select(f => f.Sha256)),
                entry.RowsRead,
                added,
                duplicates = entry.RowsRead - added,
                entry.StartedAt,
                finished = DateTimeOffset.UtcNow,
                outcome = added > 0 ? "loaded" : "already-loaded",
            },
            transaction);
}

/// <summary>What a load read, for its row in the ledger: the files with their digests, the rows, and when it began.</summary>
public sealed record LoadLedgerEntry(IReadOnlyList<LoadedFile> Files, long RowsRead, DateTimeOffset StartedAt);

/// <summary>One hash file of a load: its name, the SHA-256 of its bytes and how many hashes it held.</summary>
public sealed record LoadedFile(string Name, string Sha256, long Rows);

/// <summary>One completed load, as the <c>loads</c> table records it.</summary>
public sealed record LoadRecord
{
    public long Id { get; init; }
    public string Breach { get; init; } = "";
    public string Files { get; init; } = "[]";
    public string FileSha256 { get; init; } = "";
    public long RowsRead { get; init; }
    public long NewRows { get; init; }
    public long Duplicates { get; init; }
    public string StartedAt { get; init; } = "";
    public string FinishedAt { get; init; } = "";
    public string Outcome { get; init; } = "";
}
