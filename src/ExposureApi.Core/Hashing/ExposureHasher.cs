using System.Security.Cryptography;
using System.Text;
using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Core.Hashing;

/// <summary>Hashes a canonical E.164 number with the <c>exposure-argon2id-v1</c> scheme.</summary>
/// <remarks>
/// The construction is a published contract, reproducible with any Argon2 implementation:
/// <code>
/// k   = HMAC-SHA256(key = pepper, message = UTF-8(E.164))
/// P   = lowercase hex of k (64 ASCII characters)
/// tag = Argon2id v0x13(password = P, salt = UTF-8(salt), t, m, p, length 32)
/// </code>
/// The HMAC makes the hash useless without the pepper; Argon2 makes each guess expensive even with it.
/// Every buffer that holds the number or a value derived from it before Argon2 is cleared after use.
/// The Argon2 step runs on an engine (<see cref="Argon2Engines"/>) the caller owns: the service and the CLI keep one
/// per hashing thread (<see cref="HashWorkers"/>), so that each hash reuses memory that is already mapped.
/// </remarks>
public sealed class ExposureHasher
{
    // An E.164 number is at most 15 digits after the "+".
    private const int MaxE164Length = 16;
    private const int PasswordLength = 2 * HMACSHA256.HashSizeInBytes;

    private readonly byte[] _salt;

    /// <param name="engine">The Argon2 engine to hash with, one of <see cref="Argon2Engines.Names"/>.</param>
    public ExposureHasher(HashScheme scheme, string engine = Argon2Engines.Fast)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        if (!Argon2Engines.IsKnown(engine))
        {
            throw new ArgumentException($"There is no Argon2 engine named '{engine}'; use one of: {string.Join(", ", Argon2Engines.Names)}.", nameof(engine));
        }

        Scheme = scheme;
        EngineName = engine.ToLowerInvariant();
        _salt = Encoding.UTF8.GetBytes(scheme.Salt);
    }

    public HashScheme Scheme { get; }

    /// <summary>The Argon2 engine this hasher creates: <c>fast</c> or <c>konscious</c>.</summary>
    public string EngineName { get; }

    /// <summary>A new engine with memory for this scheme's cost, for one thread to hash with many times.</summary>
    /// <param name="hashesAtOnce">2 for an engine that also computes pairs together (<see cref="HashPair"/>), with twice the memory.</param>
    public IArgon2idEngine CreateEngine(int hashesAtOnce = 1) => Argon2Engines.Create(EngineName, Scheme.Cost, hashesAtOnce);

    /// <summary>Writes the 32-byte tag for <paramref name="e164"/>, which must already be canonical, computed on <paramref name="engine"/>.</summary>
    public void Hash(string e164, IArgon2idEngine engine, Span<byte> tag)
    {
        CheckEngineAndTags(engine, tag, tag);
        Span<byte> password = stackalloc byte[PasswordLength];
        try
        {
            WriteArgon2Password(e164, password);
            engine.Hash(password, _salt, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }

    /// <summary>The tags of two numbers, computed together where the engine can (<see cref="IArgon2idEngine.HashesAtOnce"/>).</summary>
    public void HashPair(string e164First, string e164Second, IArgon2idEngine engine, Span<byte> tagFirst, Span<byte> tagSecond)
    {
        CheckEngineAndTags(engine, tagFirst, tagSecond);
        Span<byte> passwords = stackalloc byte[2 * PasswordLength];
        try
        {
            WriteArgon2Password(e164First, passwords[..PasswordLength]);
            WriteArgon2Password(e164Second, passwords[PasswordLength..]);
            engine.HashPair(passwords[..PasswordLength], passwords[PasswordLength..], _salt, tagFirst, tagSecond);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwords);
        }
    }

    /// <summary>
    /// The tag of one number on an engine made for this call alone: for tools and tests. Whatever hashes many numbers
    /// keeps its engines (<see cref="HashWorkers"/>), because a new engine maps its memory afresh.
    /// </summary>
    public byte[] Hash(string e164)
    {
        using var engine = CreateEngine();
        var tag = new byte[HashScheme.TagLength];
        Hash(e164, engine, tag);
        return tag;
    }

    private void CheckEngineAndTags(IArgon2idEngine engine, Span<byte> tag, Span<byte> otherTag)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (engine.Cost != Scheme.Cost)
        {
            throw new ArgumentException($"The engine was made for {engine.Cost}, not the scheme's {Scheme.Cost}.", nameof(engine));
        }

        if (tag.Length != HashScheme.TagLength || otherTag.Length != HashScheme.TagLength)
        {
            throw new ArgumentException($"A tag is {HashScheme.TagLength} bytes.", nameof(tag));
        }
    }

    /// <summary>Steps 1 and 2 of the scheme: writes P, the lowercase hex of the HMAC, as 64 ASCII bytes.</summary>
    internal void WriteArgon2Password(string e164, Span<byte> destination)
    {
        if (!IsCanonical(e164))
        {
            // Deliberately does not include the value: it may be a phone number.
            throw new ArgumentException("The number must be in canonical E.164 form; normalise it first.", nameof(e164));
        }

        Span<byte> message = stackalloc byte[MaxE164Length];
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        try
        {
            var length = Encoding.UTF8.GetBytes(e164, message);
            HMACSHA256.HashData(Scheme.Pepper.Key, message[..length], mac);
            WriteLowerHex(mac, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
            CryptographicOperations.ZeroMemory(mac);
        }
    }

    private static bool IsCanonical(string? e164) =>
        e164 is { Length: >= 3 and <= MaxE164Length } && e164[0] == '+' && e164.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    // Convert.ToHexStringLower would leave an immutable string copy of the secret-derived value behind.
    private static void WriteLowerHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        const string digits = "0123456789abcdef";
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (byte)digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = (byte)digits[bytes[i] & 0xF];
        }
    }
}
