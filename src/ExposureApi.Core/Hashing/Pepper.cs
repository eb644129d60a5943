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
