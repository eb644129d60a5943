using System.Security.Cryptography;

namespace ExposureApi.Core.Hashing;

/// <summary>The secret HMAC key mixed into every hash. It never appears in a log, a message or <see cref="ToString"/>.</summary>
public sealed class Pepper : IDisposable
{
    /// <summary>32 bytes: the HMAC-SHA256 block of a key shorter than this would be padded with zeros anyway.</summary>
    public const int MinimumBytes = 32;

    /// <summary>The published demo pepper. Anyone can compute hashes under it, so it is accepted only in Development.</summary>
    public const string DemoHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private readonly byte[] _key;

    private Pepper(byte[] key) => _key = key;

    /// <summary>The key bytes. Callers must not copy them anywhere that outlives the call.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>True when this is the published demo pepper.</summary>
    public bool IsDemo => CryptographicOperations.FixedTimeEquals(_key, Convert.FromHexString(DemoHex));

    /// <summary>
    /// Why this key is no secret, or null: it holds the published demo pepper (in whatever casing or padding it was
    /// written), counts up or down byte by byte, or has fewer than <see cref="MinimumDistinctBytes"/> distinct byte
    /// values (all zeros, one repeated byte, a short repeated word such as <c>deadbeef</c>). 32 random bytes have
    /// about 30 distinct values; fewer than 16 happens by chance far less than once in 10^12 keys.
    /// </summary>
    public string? Weakness
    {
        get
        {
            var demo = Convert.FromHexString(DemoHex);
            if (_key.AsSpan().IndexOf(demo) >= 0)
            {
                return "it contains the published demo pepper";
            }

            var step = (byte)(_key[1] - _key[0]);
            var counts = true;
            for (var i = 2; i < _key.Length && counts; i++)
            {
                counts = (byte)(_key[i] - _key[i - 1]) == step;
            }

            if (counts)
            {
                return "its bytes are one value repeated, or count up or down";
            }

            Span<bool> seen = stackalloc bool[256];
            var distinct = 0;
            foreach (var b in _key)
            {
                distinct += seen[b] ? 0 : 1;
                seen[b] = true;
            }

            return distinct < MinimumDistinctBytes
                ? $"it has only {distinct} distinct byte values, where random bytes have about 30"
                : null;
        }
    }

    /// <summary>Fewer distinct byte values than this marks a key as a pattern, not random bytes.</summary>
    public const int MinimumDistinctBytes = 16;

    /// <summary>Reads a pepper from hex text; surrounding white space is ignored.</summary>
    /// <exception cref="FormatException">The text is not hex, or is shorter than <see cref="MinimumBytes"/> bytes. The message never includes the text.</exception>
    public static Pepper FromHex(string hex)
    {
        var trimmed = hex.Trim();
        byte[] key;
        try
        {
            key = Convert.FromHexString(trimmed);
        }
        catch (FormatException)
        {
            // The framework's message is generic, but say what to do and never echo the secret.
            throw new FormatException("The pepper must be hexadecimal text (0-9, a-f), an even number of digits.");
        }

        if (key.Length < MinimumBytes)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new FormatException(
                $"The pepper is {key.Length} bytes; it must be at least {MinimumBytes} bytes ({MinimumBytes * 2} hex digits). Generate one with: openssl rand -hex 32");
        }

        return new Pepper(key);
    }

    /// <summary>Reads a pepper from a file holding its hex text, the way a mounted secret arrives.</summary>
    public static Pepper FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The pepper file '{path}' does not exist.", path);
        }

        try
        {
            return FromHex(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new FormatException($"The pepper file '{path}' is not usable: {e.Message}", e);
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    public override string ToString() => "Pepper(redacted)";
}
