using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Testing;

/// <summary>
/// A real engine that runs <paramref name="beforeEachHash"/> before every hash: a sleep for a slow hasher, a fake
/// clock's advance for one whose pace a test knows exactly, a Ctrl-C at the n-th hash.
/// </summary>
internal sealed class PacedEngine(IArgon2idEngine engine, Action beforeEachHash) : IArgon2idEngine
{
    public Argon2Cost Cost => engine.Cost;

    public string Description => "paced " + engine.Description;

    public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
    {
        beforeEachHash();
        engine.Hash(password, salt, tag, secret, associatedData);
    }

    public void Dispose() => engine.Dispose();
}
