using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Core.Hashing;

/// <summary>The parameters of the <c>exposure-argon2id-v1</c> scheme, and the fingerprint that identifies them.</summary>
/// <remarks>
/// Two installations produce the same hash for a number exactly when their fingerprints are equal. The
/// fingerprint names the Argon2 cost, a digest of the salt and a key id derived from the pepper, so it can
/// be shown and stored freely without revealing either secret.
/// </remarks>
public sealed class HashScheme
{
    public const string Id = "exposure-argon2id-v1";

    /// <summary>OWASP's Argon2id recommendation: 19 MiB, two passes, one lane.</summary>
    public const int DefaultMemoryKiB = 19456;
    public const int DefaultIterations = 2;
    public const int DefaultParallelism = 1;
    public const int MinimumSaltLength = 16;
    public const int TagLength = 32;

    /// <summary>The salt of the demo store; like the demo pepper it is published.</summary>
    public const string DemoSalt = "exposure-demo-salt-v1";

    public HashScheme(Pepper pepper, string salt, int memoryKiB = DefaultMemoryKiB, int iterations = DefaultIterations, int parallelism = DefaultParallelism)
    {
        ArgumentNullException.ThrowIfNull(pepper);
        ArgumentNullException.ThrowIfNull(salt);
        if (SaltProblem(salt, "The salt") is { } problem)
        {
            throw new ArgumentException(problem, nameof(salt));
        }

        var cost = new Argon2Cost(memoryKiB, iterations, parallelism);
        cost.ThrowIfInvalid();

        Pepper = pepper;
        Salt = salt;
        MemoryKiB = memoryKiB;
        Iterations = iterations;
        Parallelism = parallelism;
        Cost = cost;
        Fingerprint = new SchemeFingerprint(memoryKiB, iterations, parallelism, SaltId(salt), KeyId(pepper));
    }

    /// <summary>What is wrong with <paramref name="salt"/> as the scheme's salt, or null when nothing is.</summary>
    /// <param name="name">What to call the salt in the message, such as <c>Exposure:Hashing:Salt</c>.</param>
    public static string? SaltProblem(string? salt, string name) =>
        salt is null || salt.Length < MinimumSaltLength ? $"{name} must be at least {MinimumSaltLength} characters." : null;

    public Pepper Pepper { get; }
    public string Salt { get; }
    public int MemoryKiB { get; }
    public int Iterations { get; }
    public int Parallelism { get; }

    /// <summary>m, t and p together, as the Argon2 engines take them.</summary>
    public Argon2Cost Cost { get; }
    public SchemeFingerprint Fingerprint { get; }

    /// <summary>True when both secrets are the published demo ones.</summary>
    public bool IsDemo => Pepper.IsDemo;

    private static string SaltId(string salt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt)))[..16];

    private static string KeyId(Pepper pepper) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(pepper.Key, "exposure-key-id"u8))[..16];

    public override string ToString() => Fingerprint.ToString();
}

/// <summary>
/// <c>exposure-argon2id-v1;m=19456;t=2;p=1;salt=&lt;16 hex&gt;;key=&lt;16 hex&gt;</c>: what a store, a hash file
/// and a running service must agree on.
/// </summary>
public sealed record SchemeFingerprint(int MemoryKiB, int Iterations, int Parallelism, string SaltId, string KeyId)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{HashScheme.Id};m={MemoryKiB};t={Iterations};p={Parallelism};salt={SaltId};key={KeyId}");

    /// <summary>Parses a fingerprint; returns null when the text is not one.</summary>
    public static SchemeFingerprint? TryParse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Trim().Split(';');
        if (parts.Length != 6 || parts[0] != HashScheme.Id)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.AsSpan(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !fields.TryAdd(part[..eq], part[(eq + 1)..]))
            {
                return null;
            }
        }

        return fields.TryGetValue("m", out var m) && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var memory)
            && fields.TryGetValue("t", out var t) && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            && fields.TryGetValue("p", out var p) && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var parallelism)
            && fields.TryGetValue("salt", out var salt) && IsHexId(salt)
            && fields.TryGetValue("key", out var key) && IsHexId(key)
                ? new SchemeFingerprint(memory, iterations, parallelism, salt.ToLowerInvariant(), key.ToLowerInvariant())
                : null;
    }

    /// <summary>Names each part in which <paramref name="other"/> differs from this one, for an actionable error.</summary>
    /// <param name="thisName">What this fingerprint belongs to in the message, such as "configured" or "file".</param>
    /// <param name="otherName">What <paramref name="other"/> belongs to, such as "store".</param>
    public IReadOnlyList<string> DifferencesFrom(SchemeFingerprint other, string thisName = "configured", string otherName = "store")
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        void Compare<T>(string part, T mine, T theirs, string unit = "")
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs))
            {
                differences.Add($"{part}: {thisName} {mine}{unit}, {otherName} {theirs}{unit}");
            }
        }

        Compare("memory (m)", MemoryKiB, other.MemoryKiB, " KiB");
        Compare("iterations (t)", Iterations, other.Iterations);
        Compare("parallelism (p)", Parallelism, other.Parallelism);
        Compare("salt id", SaltId, other.SaltId);
        Compare("pepper key id", KeyId, other.KeyId);
        return differences;
    }

    private static bool IsHexId(string value) => value.Length == 16 && value.All(char.IsAsciiHexDigit);
}
