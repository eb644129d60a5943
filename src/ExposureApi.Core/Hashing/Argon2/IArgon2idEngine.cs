namespace ExposureApi.Core.Hashing.Argon2;

/// <summary>
/// Computes Argon2id v1.3 (RFC 9106) at one fixed cost. An engine may own memory sized for that cost, so it is
/// created once and used by one thread at a time.
/// </summary>
public interface IArgon2idEngine : IDisposable
{
    Argon2Cost Cost { get; }

    /// <summary>What computes the hash, for logs and <c>--version</c>: the engine and its instruction set.</summary>
    string Description { get; }

    /// <summary>Writes the Argon2id tag of <paramref name="password"/> into <paramref name="tag"/>, whose length is the tag length.</summary>
    /// <param name="salt">At least 8 bytes (RFC 9106).</param>
    /// <param name="secret">K, optional.</param>
    /// <param name="associatedData">X, optional.</param>
    void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default);

    /// <summary>How many hashes <see cref="HashPair"/> computes together, faster than one after the other: 1 or 2.</summary>
    int HashesAtOnce => 1;

    /// <summary>Two tags under one salt, each exactly what <see cref="Hash"/> gives; together if the engine can.</summary>
    void HashPair(ReadOnlySpan<byte> password1, ReadOnlySpan<byte> password2, ReadOnlySpan<byte> salt, Span<byte> tag1, Span<byte> tag2)
    {
        Hash(password1, salt, tag1);
        Hash(password2, salt, tag2);
    }
}

/// <summary>The engines a deployment can choose with <c>Exposure:Hashing:Engine</c>.</summary>
public static class Argon2Engines
{
    /// <summary>Our vectorised implementation: the default.</summary>
    public const string Fast = "fast";

    /// <summary>Konscious.Security.Cryptography.Argon2: the reference the fast engine is proven against.</summary>
    public const string Konscious = "konscious";

    public static IReadOnlyList<string> Names { get; } = [Fast, Konscious];

    public static bool IsKnown(string? name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>What the named engine computes with on this machine, as its <see cref="IArgon2idEngine.Description"/> says, without creating one.</summary>
    public static string Describe(string name) => name.ToLowerInvariant() switch
    {
        Fast => FastArgon2id.DescribeInstructions(BlockCompression.Best),
        Konscious => KonsciousArgon2id.Name,
        _ => throw new ArgumentException($"There is no Argon2 engine named '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Creates the named engine for <paramref name="cost"/>.</summary>
    /// <param name="hashesAtOnce">2 for an engine that computes pairs together (the fast engine, with twice the memory).</param>
    public static IArgon2idEngine Create(string name, Argon2Cost cost, int hashesAtOnce = 1) => name.ToLowerInvariant() switch
    {
        Fast => new FastArgon2id(cost, hashesAtOnce: hashesAtOnce),
        Konscious => new KonsciousArgon2id(cost),
        _ => throw new ArgumentException($"There is no Argon2 engine named '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name)),
    };
}
