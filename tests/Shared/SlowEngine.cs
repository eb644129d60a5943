using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Testing;

/// <summary>A real engine that takes <paramref name="delay"/> longer for every hash: a hasher whose speed a test knows.</summary>
internal sealed class SlowEngine(IArgon2idEngine engine, TimeSpan delay) : IArgon2idEngine
{
    public Argon2Cost Cost => engine.Cost;

    public string Description => "slow " + engine.Description;

    public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
    {
        Thread.Sleep(delay);
        engine.Hash(password, salt, tag, secret, associatedData);
    }

    public void Dispose() => engine.Dispose();
}
