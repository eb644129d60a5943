namespace ExposureApi.Core.Storage;

/// <summary>The SQLite store of breaches, the hashes exposed in them, the loads ledger and partner keys.</summary>
/// <remarks>
/// <para>Each table has one owner, reached from here: <see cref="Breaches"/>, <see cref="Exposures"/>,
/// <see cref="Loads"/>, <see cref="ApiKeys"/>; <see cref="Schema"/> owns the migrations and <c>meta</c>, and
/// <see cref="Maintenance"/> the checks of the whole file. Nothing outside <c>Storage/</c> opens a connection.</para>
/// <para>Every operation opens its own short-lived connection (the pool makes that cheap), so the store is safe to
/// share across threads and processes: the web host checks while the CLI loads. The database is in WAL mode, so
/// readers never wait for a writer.</para>
/// </remarks>
public sealed class ExposureStore
{
    public ExposureStore(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var database = new StoreDatabase(System.IO.Path.GetFullPath(path), busyTimeout ?? TimeSpan.FromSeconds(10));
        Path = database.Path;
        BusyTimeout = database.BusyTimeout;
        Schema = new StoreSchema(database);
        Breaches = new BreachTable(database);
        Exposures = new ExposureTable(database);
        Loads = new LoadLedger(database);
        ApiKeys = new ApiKeyTable(database);
        Maintenance = new StoreMaintenance(database);
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    public TimeSpan BusyTimeout { get; }

    public StoreSchema Schema { get; }

    public BreachTable Breaches { get; }

    public ExposureTable Exposures { get; }

    public LoadLedger Loads { get; }

    public ApiKeyTable ApiKeys { get; }

    public StoreMaintenance Maintenance { get; }
}
