using System.Globalization;
using System.Text.Json;
using Dapper;
using ExposureApi.Core.Hashing;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Core.Storage;

/// <summary>The SQLite store of breaches and the hashes exposed in them.</summary>
/// <remarks>
/// Every operation opens its own short-lived connection (the pool makes that cheap), so the store is safe to
/// share across threads and processes: the web host checks while the CLI loads. The database is in WAL mode,
/// so readers never wait for a writer.
/// </remarks>
public sealed class ExposureStore
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private readonly string _connectionString;

    public ExposureStore(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(10);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>
    /// Page size of new stores. 16 KiB pages make the exposures b-tree shallower: loading 10 million hashes into a
    /// store already holding 10 million ran about 15% faster than with the 4 KiB default, at the same size on disk
    /// (docs/performance.md).
    /// </summary>
    public const int PageSize = 16384;

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    public TimeSpan BusyTimeout { get; }

    /// <summary>The schema version this build creates and understands.</summary>
    public static int CurrentSchemaVersion => Migrations.Value[^1].Version;

    /// <summary>
    /// Creates the store if needed, applies pending migrations and checks that it was made for <paramref name="fingerprint"/>.
    /// A new store is stamped with it. Returns true when the store was created by this call.
    /// </summary>
    /// <exception cref="SchemeMismatchException">The store was made under a different scheme.</exception>
    /// <exception cref="StoreException">The store is from a newer build or is not an ExposureApi store.</exception>
    public async Task<bool> InitializeAsync(SchemeFingerprint fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await OpenAsync(cancellationToken);
        // Page size and WAL are properties of the file: set when it is created, they stay for every later connection
        // and process (page_size is ignored once the file has content).
        await connection.ExecuteAsync($"PRAGMA page_size = {PageSize}; PRAGMA journal_mode = WAL;");

        // IMMEDIATE takes the write lock at once, so two processes starting together migrate one after the other.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
            transaction: transaction);
        var applied = await connection.ExecuteScalarAsync<int?>("SELECT max(version) FROM migrations;", transaction: transaction) ?? 0;
        if (applied > CurrentSchemaVersion)
        {
            throw new StoreException(
                $"The store '{Path}' has schema version {applied}, newer than this build understands ({CurrentSchemaVersion}). Upgrade ExposureApi.");
        }

        var now = FormatTimestamp(DateTimeOffset.UtcNow);
        foreach (var migration in Migrations.Value.Where(m => m.Version > applied))
        {
            await connection.ExecuteAsync(migration.Sql, transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO migrations (version, name, applied_at) VALUES (@Version, @Name, @now);",
                new { migration.Version, migration.Name, now }, transaction);
        }

        await connection.ExecuteAsync(
            "INSERT INTO meta (key, value) VALUES ('schema_version', @version) ON CONFLICT (key) DO UPDATE SET value = excluded.value;",
            new { version = CurrentSchemaVersion.ToString(CultureInfo.InvariantCulture) }, transaction);

        var stored = await connection.ExecuteScalarAsync<string?>("SELECT value FROM meta WHERE key = 'scheme_fingerprint';", transaction: transaction);
        var created = stored is null;
        if (created)
        {
            await connection.ExecuteAsync(
                "INSERT INTO meta (key, value) VALUES ('scheme_fingerprint', @fingerprint), ('created_at', @now);",
                new { fingerprint = fingerprint.ToString(), now }, transaction);
        }
        else
        {
            var storeFingerprint = SchemeFingerprint.TryParse(stored)
                ?? throw new StoreException($"The store '{Path}' has an unreadable scheme fingerprint; run 'exposure verify' on it.");
            if (storeFingerprint != fingerprint)
            {
                throw SchemeMismatchException.ForConfiguration(Path, storeFingerprint, fingerprint);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>The fingerprint the store was created with, or null for a store not yet initialised.</summary>
    public async Task<SchemeFingerprint?> GetFingerprintAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var stored = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM meta WHERE key = 'scheme_fingerprint';", cancellationToken: cancellationToken));
        return SchemeFingerprint.TryParse(stored);
    }

    /// <summary>The breaches that hold <paramref name="hash"/>, oldest breach first; retired breaches are left out.</summary>
    public async Task<IReadOnlyList<Breach>> FindBreachesAsync(byte[] hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BreachRow>(new CommandDefinition(
            $"""
            SELECT {BreachColumns}
            FROM exposures e JOIN breaches b ON b.id = e.breach_id
            WHERE e.hash = @hash AND b.is_retired = 0
            ORDER BY b.breach_date, b.name;
            """,
            new { hash }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToBreach())];
    }

    /// <summary>Every breach, oldest first; retired ones only when asked.</summary>
    public async Task<IReadOnlyList<Breach>> GetBreachesAsync(bool includeRetired, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BreachRow>(new CommandDefinition(
            $"SELECT {BreachColumns} FROM breaches b WHERE @includeRetired OR b.is_retired = 0 ORDER BY b.breach_date, b.name;",
            new { includeRetired }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToBreach())];
    }

    /// <summary>The breach called <paramref name="name"/> (case-insensitive), or null.</summary>
    public async Task<Breach?> GetBreachAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<BreachRow>(new CommandDefinition(
            $"SELECT {BreachColumns} FROM breaches b WHERE b.name = @name;",
            new { name }, cancellationToken: cancellationToken));
        return row?.ToBreach();
    }

    /// <summary>Every data class named by a breach that is not retired, sorted.</summary>
    public async Task<IReadOnlyList<string>> GetDataClassesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var classes = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT j.value FROM breaches b, json_each(b.data_classes) j WHERE b.is_retired = 0 ORDER BY j.value;",
            cancellationToken: cancellationToken));
        return [.. classes];
    }

    /// <summary>Adds a breach, or replaces the metadata of the one with the same name. Returns true when it was added.</summary>
    public async Task<bool> UpsertBreachAsync(Breach breach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(breach);
        await using var connection = await OpenAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var row = BreachRow.From(breach with
        {
            AddedDate = breach.AddedDate == default ? now : breach.AddedDate,
            ModifiedDate = breach.ModifiedDate == default ? now : breach.ModifiedDate,
        });
        var existed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM breaches WHERE name = @Name;", row, cancellationToken: cancellationToken)) > 0;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO breaches (name, title, domain, breach_date, added_date, modified_date, pwn_count, description, data_classes,
                                  logo_path, is_verified, is_fabricated, is_sensitive, is_retired, is_spam_list, is_malware,
                                  is_subscription_free, is_stealer_log)
            VALUES (@Name, @Title, @Domain, @BreachDate, @AddedDate, @ModifiedDate, @PwnCount, @Description, @DataClasses,
                    @LogoPath, @IsVerified, @IsFabricated, @IsSensitive, @IsRetired, @IsSpamList, @IsMalware,
                    @IsSubscriptionFree, @IsStealerLog)
            ON CONFLICT (name) DO UPDATE SET
                title = excluded.title, domain = excluded.domain, breach_date = excluded.breach_date,
                modified_date = excluded.modified_date, pwn_count = excluded.pwn_count, description = excluded.description,
                data_classes = excluded.data_classes, logo_path = excluded.logo_path, is_verified = excluded.is_verified,
                is_fabricated = excluded.is_fabricated, is_sensitive = excluded.is_sensitive, is_retired = excluded.is_retired,
                is_spam_list = excluded.is_spam_list, is_malware = excluded.is_malware,
                is_subscription_free = excluded.is_subscription_free, is_stealer_log = excluded.is_stealer_log;
            """,
            row, cancellationToken: cancellationToken));
        return !existed;
    }

    /// <summary>Marks a breach retired: kept for the record, no longer reported by checks. Returns false when there is no such breach.</summary>
    public async Task<bool> RetireBreachAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE breaches SET is_retired = 1, modified_date = @now WHERE name = @name;",
            new { name, now = FormatTimestamp(DateTimeOffset.UtcNow) }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>How many hashes each breach holds, by breach name. A full scan of the exposures: seconds for tens of millions of rows.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountHashesByBreachAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, long Count)>(new CommandDefinition(
            "SELECT b.name, (SELECT count(*) FROM exposures e WHERE e.breach_id = b.id) FROM breaches b ORDER BY b.name;",
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Name, r => r.Count, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The most recent loads, newest first.</summary>
    public async Task<IReadOnlyList<LoadRecord>> GetRecentLoadsAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LoadRecord>(new CommandDefinition(
            """
            SELECT l.id AS Id, b.name AS Breach, l.files AS Files, l.file_sha256 AS FileSha256, l.rows_read AS RowsRead,
                   l.new_rows AS NewRows, l.duplicates AS Duplicates, l.started_at AS StartedAt, l.finished_at AS FinishedAt, l.outcome AS Outcome
            FROM loads l JOIN breaches b ON b.id = l.breach_id
            ORDER BY l.id DESC LIMIT @count;
            """,
            new { count }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Runs SQLite's integrity and foreign-key checks and reads the schema version; lists every problem found.</summary>
    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        await using var connection = await OpenAsync(cancellationToken);
        var integrity = (await connection.QueryAsync<string>(new CommandDefinition("PRAGMA integrity_check;", cancellationToken: cancellationToken))).ToList();
        if (integrity is not ["ok"])
        {
            problems.AddRange(integrity.Select(line => $"integrity: {line}"));
        }

        var orphans = (await connection.QueryAsync(new CommandDefinition("PRAGMA foreign_key_check;", cancellationToken: cancellationToken))).Count();
        if (orphans > 0)
        {
            problems.Add($"{orphans} rows refer to a missing breach");
        }

        var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountExposuresSql, cancellationToken: cancellationToken));
        var ledger = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SumLoadsLedgerSql, cancellationToken: cancellationToken));
        if (rows != ledger)
        {
            problems.Add($"the exposures table holds {rows} rows but the loads ledger accounts for {ledger}: rows were written outside 'exposure load'");
        }

        var (version, fingerprint, createdAt) = await ReadMetaAsync(connection, cancellationToken);
        if (version != CurrentSchemaVersion)
        {
            problems.Add($"schema version is {version?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, this build expects {CurrentSchemaVersion}");
        }

        if (fingerprint is null)
        {
            problems.Add("the scheme fingerprint is missing or unreadable");
        }

        return new StoreHealth(version, fingerprint, createdAt, problems);
    }

    /// <summary>
    /// A cheap readiness probe: the store opens, its schema is this build's, it was made for
    /// <paramref name="fingerprint"/>, and a read of the exposures works. Returns the problem, or null when ready.
    /// </summary>
    public async Task<string?> ProbeAsync(SchemeFingerprint fingerprint, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var (version, stored, _) = await ReadMetaAsync(connection, cancellationToken);
        if (version != CurrentSchemaVersion)
        {
            return $"schema version {version?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, expected {CurrentSchemaVersion}";
        }

        if (stored != fingerprint)
        {
            return "the store's scheme fingerprint does not match the configured scheme";
        }

        await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition("SELECT hash FROM exposures LIMIT 1;", cancellationToken: cancellationToken));
        return null;
    }

    /// <summary>The store's identity from <c>meta</c>: schema version, scheme fingerprint and creation time, each null when missing or unreadable.</summary>
    private static async Task<(int? Version, SchemeFingerprint? Fingerprint, string? CreatedAt)> ReadMetaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var meta = (await connection.QueryAsync<(string Key, string Value)>(new CommandDefinition(
            "SELECT key, value FROM meta WHERE key IN ('schema_version', 'scheme_fingerprint', 'created_at');", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Key, r => r.Value);
        var version = int.TryParse(meta.GetValueOrDefault("schema_version"), CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
        return (version, SchemeFingerprint.TryParse(meta.GetValueOrDefault("scheme_fingerprint")), meta.GetValueOrDefault("created_at"));
    }

    /// <summary>Bytes the store occupies: the database file and its write-ahead log.</summary>
    public long SizeOnDisk() =>
        new[] { Path, Path + "-wal" }.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length);

    /// <summary>The number of stored exposures; a full count, so metrics cache it.</summary>
    public async Task<long> CountExposuresAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountExposuresSql, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The number of exposures, from the loads ledger instead of a scan of millions of rows: every exposure enters
    /// through <see cref="Ingestion.BreachLoader"/>, which records its new rows in <c>loads</c> in the same transaction.
    /// <see cref="CheckHealthAsync"/> checks that the two agree.
    /// </summary>
    public async Task<long> CountLoadedExposuresAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SumLoadsLedgerSql, cancellationToken: cancellationToken));
    }

    private const string CountExposuresSql = "SELECT count(*) FROM exposures;";
    private const string SumLoadsLedgerSql = "SELECT coalesce(sum(new_rows), 0) FROM loads;";

    /// <summary>Writes a consistent copy of the live store to <paramref name="destination"/> with SQLite's online backup API.</summary>
    /// <remarks>Safe while the web host serves and while a load runs: the copy is a snapshot of one committed state.</remarks>
    public async Task BackupAsync(string destination, CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(destination));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var source = await OpenAsync(cancellationToken);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
    }

    /// <summary>Opens a pooled connection with the per-connection settings every operation relies on.</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // NORMAL is durable across application crashes in WAL mode; only a power loss can lose the last commits.
            await connection.ExecuteAsync(
                $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal static string FormatTimestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private const string BreachColumns =
        """
        b.name AS Name, b.title AS Title, b.domain AS Domain, b.breach_date AS BreachDate, b.added_date AS AddedDate,
        b.modified_date AS ModifiedDate, b.pwn_count AS PwnCount, b.description AS Description, b.data_classes AS DataClasses,
        b.logo_path AS LogoPath, b.is_verified AS IsVerified, b.is_fabricated AS IsFabricated, b.is_sensitive AS IsSensitive,
        b.is_retired AS IsRetired, b.is_spam_list AS IsSpamList, b.is_malware AS IsMalware,
        b.is_subscription_free AS IsSubscriptionFree, b.is_stealer_log AS IsStealerLog
        """;

    private static readonly Lazy<List<Migration>> Migrations = new(LoadMigrations);

    private static List<Migration> LoadMigrations()
    {
        const string prefix = "ExposureApi.Core.Storage.Migrations.";
        var assembly = typeof(ExposureStore).Assembly;
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

    // The columns as SQLite holds them; dates are ISO 8601 text, data classes a JSON array, flags 0 or 1.
    private sealed class BreachRow
    {
        public string Name { get; init; } = "";
        public string Title { get; init; } = "";
        public string Domain { get; init; } = "";
        public string BreachDate { get; init; } = "";
        public string AddedDate { get; init; } = "";
        public string ModifiedDate { get; init; } = "";
        public long PwnCount { get; init; }
        public string Description { get; init; } = "";
        public string DataClasses { get; init; } = "[]";
        public string LogoPath { get; init; } = "";
        public bool IsVerified { get; init; }
        public bool IsFabricated { get; init; }
        public bool IsSensitive { get; init; }
        public bool IsRetired { get; init; }
        public bool IsSpamList { get; init; }
        public bool IsMalware { get; init; }
        public bool IsSubscriptionFree { get; init; }
        public bool IsStealerLog { get; init; }

        public Breach ToBreach() => new()
        {
            Name = Name,
            Title = Title,
            Domain = Domain,
            BreachDate = DateOnly.ParseExact(BreachDate, DateFormat, CultureInfo.InvariantCulture),
            AddedDate = DateTimeOffset.Parse(AddedDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            ModifiedDate = DateTimeOffset.Parse(ModifiedDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            PwnCount = PwnCount,
            Description = Description,
            DataClasses = JsonSerializer.Deserialize<string[]>(DataClasses) ?? [],
            LogoPath = LogoPath,
            IsVerified = IsVerified,
            IsFabricated = IsFabricated,
            IsSensitive = IsSensitive,
            IsRetired = IsRetired,
            IsSpamList = IsSpamList,
            IsMalware = IsMalware,
            IsSubscriptionFree = IsSubscriptionFree,
            IsStealerLog = IsStealerLog,
        };

        public static BreachRow From(Breach b) => new()
        {
            Name = b.Name,
            Title = b.Title,
            Domain = b.Domain,
            BreachDate = b.BreachDate.ToString(DateFormat, CultureInfo.InvariantCulture),
            AddedDate = FormatTimestamp(b.AddedDate),
            ModifiedDate = FormatTimestamp(b.ModifiedDate),
            PwnCount = b.PwnCount,
            Description = b.Description,
            DataClasses = JsonSerializer.Serialize(b.DataClasses),
            LogoPath = b.LogoPath,
            IsVerified = b.IsVerified,
            IsFabricated = b.IsFabricated,
            IsSensitive = b.IsSensitive,
            IsRetired = b.IsRetired,
            IsSpamList = b.IsSpamList,
            IsMalware = b.IsMalware,
            IsSubscriptionFree = b.IsSubscriptionFree,
            IsStealerLog = b.IsStealerLog,
        };
    }
}

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

/// <summary>What <see cref="ExposureStore.CheckHealthAsync"/> found; healthy when <see cref="Problems"/> is empty.</summary>
public sealed record StoreHealth(int? SchemaVersion, SchemeFingerprint? Fingerprint, string? CreatedAt, IReadOnlyList<string> Problems)
{
    public bool IsHealthy => Problems.Count == 0;
}
