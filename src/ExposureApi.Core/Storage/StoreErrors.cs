using ExposureApi.Core.Hashing;

namespace ExposureApi.Core.Storage;

/// <summary>The store was created under a different hash scheme than the one configured, so no hash would ever match.</summary>
public sealed class SchemeMismatchException : Exception
{
    public SchemeMismatchException(string storePath, SchemeFingerprint store, SchemeFingerprint configured)
        : base(Describe(storePath, store, configured))
    {
        Store = store;
        Configured = configured;
    }

    public SchemeFingerprint? Store { get; }
    public SchemeFingerprint? Configured { get; }

    private static string Describe(string storePath, SchemeFingerprint store, SchemeFingerprint configured) =>
        $"The store '{storePath}' was created with hash scheme '{store}', but this service is configured for '{configured}'. "
        + $"Differences (configured vs store): {string.Join("; ", configured.DifferencesFrom(store))}. "
        + "Configure the Exposure:Hashing settings the store was built with, or point Exposure:Store:Path at a store built with these.";
}

/// <summary>The store cannot be used: it is damaged, from a newer build, or not an ExposureApi store.</summary>
public sealed class StoreException : Exception
{
    public StoreException(string message) : base(message)
    {
    }

    public StoreException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
