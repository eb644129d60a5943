using ExposureApi.Core.Hashing;

namespace ExposureApi.Core.Storage;

/// <summary>The store was created under a different hash scheme than the one configured, so no hash would ever match.</summary>
public sealed class SchemeMismatchException : Exception
{
    private SchemeMismatchException(string message, SchemeFingerprint store, SchemeFingerprint other)
        : base(message)
    {
        Store = store;
        Other = other;
    }

    /// <summary>The fingerprint the store was created with.</summary>
    public SchemeFingerprint Store { get; }

    /// <summary>The fingerprint that does not match it: the configured one, or a hash file's.</summary>
    public SchemeFingerprint Other { get; }

    /// <summary>The configured scheme is not the one the store was created with.</summary>
    public static SchemeMismatchException ForConfiguration(string storePath, SchemeFingerprint store, SchemeFingerprint configured) => new(
        $"The store '{storePath}' was created with hash scheme '{store}', but the configuration gives '{configured}'. "
        + $"Differences: {string.Join("; ", configured.DifferencesFrom(store))}. "
        + "Configure the Exposure:Hashing settings the store was built with, or point Exposure:Store:Path at a store built with these.",
        store, configured);

    /// <summary>A hash file was made under another scheme than the store's, so none of its hashes could ever match.</summary>
    /// <param name="location">The file and the line of its scheme header, as <c>file:line</c>.</param>
    public static SchemeMismatchException ForHashFile(string location, SchemeFingerprint store, SchemeFingerprint fileScheme) => new(
        $"{location}: the file was hashed with scheme '{fileScheme}', but the store uses '{store}'. "
        + $"Differences: {string.Join("; ", fileScheme.DifferencesFrom(store, thisName: "file"))}. "
        + "Hash the dump again with the store's pepper, salt and parameters.",
        store, fileScheme);
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

/// <summary>A breach or key named by the caller is not in the store (or, for a key, not active). Nothing was changed.</summary>
public sealed class NotInStoreException(string message) : Exception(message);
