namespace ExposureApi.Core.Hashing.Argon2;

/// <summary>
/// Konscious.Security.Cryptography.Argon2 behind the engine interface: the reference engine, and the oracle the fast
/// engine must agree with at start-up and in the tests. It allocates its memory afresh on every hash.
/// </summary>
public sealed class KonsciousArgon2id : IArgon2idEngine
{
    public KonsciousArgon2id(Argon2Cost cost)
    {
        cost.ThrowIfInvalid();
        Cost = cost;
    }

    public Argon2Cost Cost { get; }

    internal const string Name = "konscious (reference, managed)";

    public string Description => Name;

    public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
    {
        // Konscious keeps a reference to the password array; it is wiped once the tag is computed.
        var passwordCopy = password.ToArray();
        try
        {
            using var argon2 = new Konscious.Security.Cryptography.Argon2id(passwordCopy)
            {
                Salt = salt.ToArray(),
                KnownSecret = secret.IsEmpty ? null : secret.ToArray(),
                AssociatedData = associatedData.IsEmpty ? null : associatedData.ToArray(),
                MemorySize = Cost.MemoryKiB,
                Iterations = Cost.Iterations,
                DegreeOfParallelism = Cost.Parallelism,
            };
            argon2.GetBytes(tag.Length).CopyTo(tag);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(passwordCopy);
        }
    }

    public void Dispose()
    {
    }
}
