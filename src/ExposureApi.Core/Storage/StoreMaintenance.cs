using System.Globalization;
using Dapper;
using ExposureApi.Core.Hashing;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Core.Storage;

/// <summary>The store as a whole: its health, a cheap readiness probe, its size and an online backup.</summary>
public sealed class StoreMaintenance
{
    private readonly StoreDatabase _database;

    internal StoreMaintenance(StoreDatabase database) => _database = database;

    /// <summary>
    /// Runs SQLite's integrity and foreign-key checks, compares the exposures with the loads ledger, and reads the
    /// store's identity; lists every problem found.
    /// </summary>
    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        await using var connection = await _database.OpenAsync(cancellationToken);

        // Each check is run on its own: a corrupt page must be reported as a problem, not end the report.
        async Task<T?> Try<T>(string what, Func<Task<T>> query)
        {
            try
            {
                return await query();
            }
            catch (SqliteException e)
            {
                problems.Add($"{what}: {e.Message}");
                return default;
            }
        }

        var integrity = await Try("integrity", async () => (await connection.QueryAsync<string>(new CommandDefinition("PRAGMA integrity_check;", cancellationToken: cancellationToken))).ToList());
        if (integrity is not null and not ["ok"])
        {
            problems.AddRange(integrity.Select(line => $"integrity: {line}"));
        }

        var orphans = await Try("foreign keys", async () => (await connection.QueryAsync(new CommandDefinition("PRAGMA foreign_key_check;", cancellationToken: cancellationToken))).Count());
        if (orphans > 0)
        {
            problems.Add($"{orphans} rows refer to a missing breach");
        }

        var rows = await Try("exposures", () => connection.ExecuteScalarAsync<long?>(new CommandDefinition(ExposureTable.CountSql, cancellationToken: cancellationToken)));
        var ledger = await Try("loads ledger", () => connection.ExecuteScalarAsync<long?>(new CommandDefinition(LoadLedger.SumSql, cancellationToken: cancellationToken)));
        if (rows is not null && ledger is not null && rows != ledger)
        {
            problems.Add($"the exposures table holds {rows} rows but the loads ledger accounts for {ledger}: rows were written outside 'exposure load'");
        }

        var identity = await Try("meta", () => StoreSchema.ReadIdentityAsync(connection, cancellationToken)) ?? new StoreIdentity(null, null, null);
        if (identity.SchemaVersion != StoreSchema.CurrentVersion)
        {
            problems.Add($"schema version is {identity.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, this build expects {StoreSchema.CurrentVersion}");
        }

        if (identity.Fingerprint is null)
        {
            problems.Add("the scheme fingerprint is missing or unreadable");
        }

        return new StoreHealth(identity.SchemaVersion, identity.Fingerprint, identity.CreatedAt, problems);
    }

    /// <summary>
    /// SQLite's <c>quick_check</c>: every page of the file is read and its b-tree structure checked (not the index
    /// contents <c>integrity_check</c> compares), so a damaged store is found before it answers anyone. Returns the
    /// problems found, empty when none. Its cost on a large store is in docs/operations.md.
    /// </summary>
    public async Task<IReadOnlyList<string>> QuickCheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            var lines = (await connection.QueryAsync<string>(new CommandDefinition("PRAGMA quick_check;", cancellationToken: cancellationToken))).ToList();
            return lines is ["ok"] ? [] : lines;
        }
        catch (SqliteException e)
        {
            return [e.Message];
        }
    }

    /// <summary>
    /// A cheap readiness probe: the store opens, its schema is this build's, it was made for
    /// <paramref name="fingerprint"/>, a read of the exposures works and, unless <paramref name="allowEmpty"/>, at least
    /// one breach that checks report has rows loaded. Returns the problem, or null when ready.
    /// </summary>
    public async Task<string?> ProbeAsync(SchemeFingerprint fingerprint, bool allowEmpty, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var identity = await StoreSchema.ReadIdentityAsync(connection, cancellationToken);
        if (identity.SchemaVersion != StoreSchema.CurrentVersion)
        {
            return $"schema version {identity.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, expected {StoreSchema.CurrentVersion}";
        }

        if (identity.Fingerprint != fingerprint)
        {
            return "the store's scheme fingerprint does not match the configured scheme";
        }

        await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition("SELECT hash FROM exposures LIMIT 1;", cancellationToken: cancellationToken));
        return allowEmpty || await connection.ExecuteScalarAsync<long>(new CommandDefinition(LoadLedger.ReportedBreachesSql, cancellationToken: cancellationToken)) > 0
            ? null
            : "the store holds no loaded breach that checks report, so every check would answer 'not exposed'; load a breach "
                + "('exposure load'), or set Exposure:Store:AllowEmpty for an installation that is empty on purpose";
    }

    /// <summary>Bytes the store occupies: the database file and its write-ahead log.</summary>
    public long SizeOnDisk() =>
        new[] { _database.Path, _database.Path + "-wal" }.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length);

    /// <summary>Writes a consistent copy of the live store to <paramref name="destination"/> with SQLite's online backup API.</summary>
    /// <remarks>Safe while the web host serves and while a load runs: the copy is a snapshot of one committed state.</remarks>
    public async Task BackupAsync(string destination, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(destination));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var source = await _database.OpenAsync(cancellationToken);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
    }
}

/// <summary>What <see cref="StoreMaintenance.CheckHealthAsync"/> found; healthy when <see cref="Problems"/> is empty.</summary>
public sealed record StoreHealth(int? SchemaVersion, SchemeFingerprint? Fingerprint, string? CreatedAt, IReadOnlyList<string> Problems)
{
    public bool IsHealthy => Problems.Count == 0;
}
