using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ExposureApi.Core.Storage;

/// <summary>
/// The SQLite file and how every connection to it is opened. Only the table owners in this folder hold one: nothing
/// outside <c>Storage/</c> opens a connection or writes SQL.
/// </summary>
internal sealed class StoreDatabase
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private readonly string _connectionString;

    static StoreDatabase()
    {
        // Columns map to properties by name, snake_case to PascalCase, and these types by how the schema stores them,
        // so a record is read and written as it is: no row classes, no column lists to keep in step with it.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        AddHandler(new DateOnlyHandler());
        AddHandler(new TimestampHandler());
        AddHandler(new StringListHandler());
        AddHandler(new TranslationsHandler());
    }

    public StoreDatabase(string path, TimeSpan busyTimeout)
    {
        Path = path;
        BusyTimeout = busyTimeout;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
    }

    public string Path { get; }

    public TimeSpan BusyTimeout { get; }

    /// <summary>Opens a pooled connection with the per-connection settings every operation relies on.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
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

    /// <summary>The same, for the few callers that cannot be asynchronous (a metrics gauge read during a scrape).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            connection.Execute($"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Timestamps are stored as ISO 8601 text in UTC, to the second.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static void AddHandler<T>(SqlMapper.TypeHandler<T> handler)
    {
        // Dapper's own mapping of a type wins over a handler unless it is removed first.
        SqlMapper.RemoveTypeMap(typeof(T));
        SqlMapper.AddTypeHandler(handler);
    }

    // yyyy-MM-dd text.
    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override DateOnly Parse(object value) => DateOnly.ParseExact((string)value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    // ISO 8601 text in UTC.
    private sealed class TimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) =>
            DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = FormatTimestamp(value);
        }
    }

    // A JSON array of strings.
    private sealed class StringListHandler : SqlMapper.TypeHandler<IReadOnlyList<string>>
    {
        public override IReadOnlyList<string> Parse(object value) => JsonSerializer.Deserialize<string[]>((string)value) ?? [];

        public override void SetValue(IDbDataParameter parameter, IReadOnlyList<string>? value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = JsonSerializer.Serialize(value ?? []);
        }
    }

    // A JSON object: language code → title and description.
    private sealed class TranslationsHandler : SqlMapper.TypeHandler<IReadOnlyDictionary<string, BreachTranslation>>
    {
        public override IReadOnlyDictionary<string, BreachTranslation> Parse(object value) =>
            JsonSerializer.Deserialize<Dictionary<string, BreachTranslation>>((string)value) ?? [];

        public override void SetValue(IDbDataParameter parameter, IReadOnlyDictionary<string, BreachTranslation>? value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = JsonSerializer.Serialize(value ?? new Dictionary<string, BreachTranslation>());
        }
    }
}
