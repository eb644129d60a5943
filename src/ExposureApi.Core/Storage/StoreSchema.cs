using System.Globalization;
using Dapper;
using ExposureApi.Core.Hashing;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Core.Storage;

/// <summary>
/// The store's schema and identity: the numbered migrations (<c>Migrations/*.sql</c>, applied in order and recorded in
/// <c>migrations</c>) and the <c>meta</c> table (schema version, scheme fingerprint, creation time).
/// </summary>
public sealed class StoreSchema
{
    /// <summary>
    /// Page size of new stores. 16 KiB pages make the exposures b-tree shallower: loading 10 million hashes into a
    /// store already holding 10 million ran about 15% faster than with the 4 KiB default, at the same size on disk
    /// (docs/performance.md).
    /// </summary>
    public const int PageSize = 16384;

    private static readonly Lazy<List<Migration>> Migrations = new(LoadMigrations);
    private readonly StoreDatabase _database;

    internal StoreSchema(StoreDatabase database) => _database = database;

    /// <summary>The schema version this build creates and understands.</summary>
    public static int CurrentVersion => Migrations.Value[^1].Version;

    /// <summary>
    /// Creates the store if needed, applies pending migrations and checks that it was made for <paramref name="fingerprint"/>.
    /// A new store is stamped with it. Returns true when the store was created by this call.
    /// </summary>
    /// <exception cref="SchemeMismatchException">The store was made under a different scheme.</exception>
    /// <exception cref="StoreException">The store is from a newer build or is not an ExposureApi store.</exception>
    /// <param name="mayCreate">
    /// False where a missing store can only be a mistake (the web host outside Development): a missing or empty file is
    /// refused with what to do instead of becoming a new, empty store that answers "not exposed" to everyone.
    /// </param>
    public async Task<bool> InitializeAsync(SchemeFingerprint fingerprint, CancellationToken cancellationToken, bool mayCreate = true)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (!mayCreate && new FileInfo(_database.Path) is not { Exists: true, Length: > 0 })
        {
            throw new StoreException(
                $"The store '{_database.Path}' {(File.Exists(_database.Path) ? "is an empty file" : "does not exist")}. Check Exposure:Store:Path; "
                + "to start a new store, create it with 'exposure init' under the same Exposure:Hashing settings and load breaches into it.");
        }

        try
        {
            return await CreateOrMigrateAsync(fingerprint, cancellationToken);
        }
        catch (SqliteException e)
        {
            // Not a database, a damaged header, a file it may not write: the operator's to fix, said once, with the file.
            throw new StoreException($"The store '{_database.Path}' cannot be opened: {e.Message} Run 'exposure verify' on it, or restore it from a backup.", e);
        }
    }

    private async Task<bool> CreateOrMigrateAsync(SchemeFingerprint fingerprint, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(_database.Path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        // Page size and WAL are properties of the file: set when it is created, they stay for every later connection
        // and process (page_size is ignored once the file has content).
        await connection.ExecuteAsync($"PRAGMA page_size = {PageSize}; PRAGMA journal_mode = WAL;");

        // IMMEDIATE takes the write lock at once, so two processes starting together migrate one after the other.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
            transaction: transaction);
        var applied = await connection.ExecuteScalarAsync<int?>("SELECT max(version) FROM migrations;", transaction: transaction) ?? 0;
        if (applied > CurrentVersion)
        {
            throw new StoreException(
                $"The store '{_database.Path}' has schema version {applied}, newer than this build understands ({CurrentVersion}). Upgrade ExposureApi.");
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var migration in Migrations.Value.Where(m => m.Version > applied))
        {
            await connection.ExecuteAsync(migration.Sql, transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO migrations (version, name, applied_at) VALUES (@Version, @Name, @now);",
                new { migration.Version, migration.Name, now }, transaction);
        }

        await connection.ExecuteAsync(
            "INSERT INTO meta (key, value) VALUES ('schema_version', @version) ON CONFLICT (key) DO UPDATE SET value = excluded.value;",
            new { version = CurrentVersion.ToString(CultureInfo.InvariantCulture) }, transaction);

        var stored = await connection.ExecuteScalarAsync<string?>("SELECT value FROM meta WHERE key = 'scheme_fingerprint';", transaction: transaction);
        var created = stored is null;
        if (created)
        {
            await connection.ExecuteAsync(
                "INSERT INTO meta (key, value) VALUES ('scheme_fingerprint', @fingerprint), ('created_at', @now);",
                new { fingerprint = fingerprint.ToString(), now = StoreDatabase.FormatTimestamp(now) }, transaction);
        }
        else
        {
            var storeFingerprint = SchemeFingerprint.TryParse(stored)
                ?? throw new StoreException($"The store '{_database.Path}' has an unreadable scheme fingerprint; run 'exposure verify' on it.");
            if (storeFingerprint != fingerprint)
            {
                throw SchemeMismatchException.ForConfiguration(_database.Path, storeFingerprint, fingerprint);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>The fingerprint the store was created with, or null for a store not yet initialised (no <c>meta</c> table yet).</summary>
    public async Task<SchemeFingerprint?> GetFingerprintAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var initialised = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta';", cancellationToken: cancellationToken)) > 0;
        return initialised
            ? SchemeFingerprint.TryParse(await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT value FROM meta WHERE key = 'scheme_fingerprint';", cancellationToken: cancellationToken)))
            : null;
    }

    /// <summary>The store's identity from <c>meta</c>: schema version, scheme fingerprint and creation time, each null when missing or unreadable.</summary>
    internal static async Task<StoreIdentity> ReadIdentityAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var meta = (await connection.QueryAsync<(string Key, string Value)>(new CommandDefinition(
            "SELECT key, value FROM meta WHERE key IN ('schema_version', 'scheme_fingerprint', 'created_at');", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Key, r => r.Value);
        var version = int.TryParse(meta.GetValueOrDefault("schema_version"), CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
        return new StoreIdentity(version, SchemeFingerprint.TryParse(meta.GetValueOrDefault("scheme_fingerprint")), meta.GetValueOrDefault("created_at"));
    }

    private static List<Migration> LoadMigrations()
    {
        const string prefix = "ExposureApi.Core.Storage.Migrations.";
        var assembly = typeof(StoreSchema).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            // 0001_initial.sql → version 1, name "initial"
            var fileName = resource[prefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    private sealed record Migration(int Version, string Name, string Sql);
}

/// <summary>What <c>meta</c> says the store is.</summary>
internal sealed record StoreIdentity(int? SchemaVersion, SchemeFingerprint? Fingerprint, string? CreatedAt);
