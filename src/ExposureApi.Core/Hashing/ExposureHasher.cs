using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

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
/// </remarks>
public sealed class ExposureHasher
{
    // An E.164 number is at most 15 digits after the "+".
    private const int MaxE164Length = 16;

    private readonly byte[] _salt;

    public ExposureHasher(HashScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        Scheme = scheme;
        _salt = Encoding.UTF8.GetBytes(scheme.Salt);
    }

    public HashScheme Scheme { get; }

    /// <summary>Returns the 32-byte tag for <paramref name="e164"/>, which must already be canonical.</summary>
    public byte[] Hash(string e164) => HashAsync(e164).GetAwaiter().GetResult();

    /// <summary>
    /// As <see cref="Hash"/>, without blocking the calling thread: Konscious runs each Argon2 segment as a thread-pool
    /// task, and a thread blocked waiting for those tasks is one fewer to run them under load.
    /// </summary>
    public async Task<byte[]> HashAsync(string e164)
    {
        // Konscious keeps a reference to the password array; it is cleared once the tag is computed.
        var password = new byte[64];
        try
        {
            WriteArgon2Password(e164, password);
            using var argon2 = new Argon2id(password)
            {
                Salt = _salt,
                MemorySize = Scheme.MemoryKiB,
                Iterations = Scheme.Iterations,
                DegreeOfParallelism = Scheme.Parallelism,
            };
            return await argon2.GetBytesAsync(HashScheme.TagLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
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
