using System.Text;
using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Core.Hashing;

/// <summary>
/// What every hashing thread proves before it hashes a number: its engine reproduces Konscious's tag for a fixed input
/// at the configured cost and salt, and the scheme's golden vector. A wrong hash would silently answer "not exposed"
/// for every number, so an engine that fails is never used. Running it also pays each thread's one-off costs (its
/// memory's first touch, the JIT) before the service reports itself ready.
/// </summary>
public sealed class EngineSelfTest
{
    /// <summary>The golden vector: this number under the demo pepper and salt at the default cost (data/README.md).</summary>
    public const string GoldenNumber = "+918123456789";
    public const string GoldenTagHex = "1624f2564e6e506951fb922cd5b18b6ca0f03b64db8281031af4b530b8eb5e97";

    // Shaped like the scheme's password (64 ASCII characters); their values are arbitrary and public.
    private static readonly byte[] FixedPassword = Encoding.ASCII.GetBytes("exposure-argon2id-v1 engine self-test".PadRight(64, '.'));
    private static readonly byte[] OtherFixedPassword = Encoding.ASCII.GetBytes("exposure-argon2id-v1 engine self-test, pair".PadRight(64, '.'));

    private readonly ExposureHasher _hasher;
    private readonly byte[] _salt;
    private readonly Lazy<byte[]> _konsciousTag;
    private readonly Lazy<byte[]> _otherKonsciousTag;

    public EngineSelfTest(ExposureHasher hasher)
    {
        _hasher = hasher;
        _salt = Encoding.UTF8.GetBytes(hasher.Scheme.Salt);
        _konsciousTag = new Lazy<byte[]>(() => KonsciousTag(FixedPassword), LazyThreadSafetyMode.ExecutionAndPublication);
        _otherKonsciousTag = new Lazy<byte[]>(() => KonsciousTag(OtherFixedPassword), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Proves <paramref name="engine"/> against Konscious: one hash, and a pair where the engine computes pairs together
    /// (in the order that puts the other password first, so each half of the pair is checked against its own tag).
    /// </summary>
    /// <exception cref="HashEngineException">The engine computes something other than Argon2id as Konscious does.</exception>
    public void Verify(IArgon2idEngine engine, bool includeGoldenVector)
    {
        var tag = new byte[HashScheme.TagLength];
        engine.Hash(FixedPassword, _salt, tag);
        var agrees = tag.AsSpan().SequenceEqual(_konsciousTag.Value);
        if (agrees && engine.HashesAtOnce > 1)
        {
            var first = new byte[HashScheme.TagLength];
            engine.HashPair(OtherFixedPassword, FixedPassword, _salt, first, tag);
            agrees = first.AsSpan().SequenceEqual(_otherKonsciousTag.Value) && tag.AsSpan().SequenceEqual(_konsciousTag.Value);
        }

        if (!agrees)
        {
            throw new HashEngineException(
                $"The {engine.Description} Argon2 engine does not reproduce Konscious's tag at the configured cost ({engine.Cost}), so it is not used. Set Exposure:Hashing:Engine to '{Argon2Engines.Konscious}' and report this machine's CPU.");
        }

        if (includeGoldenVector)
        {
            VerifyGoldenVector(engine);
        }
    }

    private void VerifyGoldenVector(IArgon2idEngine engine)
    {
        using var pepper = Pepper.FromHex(Pepper.DemoHex);
        var demo = new ExposureHasher(new HashScheme(pepper, HashScheme.DemoSalt), _hasher.EngineName);
        var defaultCostEngine = engine.Cost == demo.Scheme.Cost ? engine : demo.CreateEngine();
        try
        {
            Span<byte> tag = stackalloc byte[HashScheme.TagLength];
            demo.Hash(GoldenNumber, defaultCostEngine, tag);
            if (!Convert.ToHexStringLower(tag).Equals(GoldenTagHex, StringComparison.Ordinal))
            {
                throw new HashEngineException(
                    $"The {engine.Description} Argon2 engine does not reproduce the {HashScheme.Id} golden vector, so it is not used. Set Exposure:Hashing:Engine to '{Argon2Engines.Konscious}' and report this machine's CPU.");
            }
        }
        finally
        {
            if (!ReferenceEquals(defaultCostEngine, engine))
            {
                defaultCostEngine.Dispose();
            }
        }
    }

    private byte[] KonsciousTag(byte[] password)
    {
        var tag = new byte[HashScheme.TagLength];
        new KonsciousArgon2id(_hasher.Scheme.Cost).Hash(password, _salt, tag);
        return tag;
    }
}

/// <summary>An Argon2 engine failed its self-test and must not hash; the message says what to do.</summary>
public sealed class HashEngineException(string message) : Exception(message);
