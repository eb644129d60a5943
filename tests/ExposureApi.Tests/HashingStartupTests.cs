using ExposureApi.Configuration;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Tests;

/// <summary>The web host serves nothing until its hashing threads have proven their engine.</summary>
public sealed class HashingStartupTests
{
    // In-process, a host that fails to start surfaces as ObjectDisposedException from WebApplicationFactory, and no
    // setting can break a real engine in a real process; so this drives the start-up step the host runs, and the
    // classification Program uses to turn its exception into one message and exit code 1.
    [Fact]
    public async Task AnEngineThatFailsItsSelfTestStopsTheStartUpAsAConfigurationError()
    {
        var hasher = new ExposureHasher(ExposureApiFactory.TestScheme());
        using var workers = new HashWorkers(hasher, threads: 2, () => new OffByOneBitEngine(hasher.CreateEngine()));
        var initializer = new Hashing.HashingInitializer(workers, Microsoft.Extensions.Logging.Abstractions.NullLogger<Hashing.HashingInitializer>.Instance);

        var failure = await Assert.ThrowsAsync<HashEngineException>(() => initializer.StartAsync(TestContext.Current.CancellationToken));

        Assert.True(StartupFailure.IsConfigurationError(failure));
        Assert.Contains("does not reproduce Konscious's tag", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEngineAndItsInstructionSetAreLoggedBeforeTheFirstRequest()
    {
        await using var factory = new ExposureApiFactory();
        using var client = factory.CreateClient();

        Assert.Contains($"Hashing with Argon2 engine {Argon2Engines.Describe(Argon2Engines.Fast)} on ", factory.Logs.AllText, StringComparison.Ordinal);
    }

    private sealed class OffByOneBitEngine(IArgon2idEngine engine) : IArgon2idEngine
    {
        public Argon2Cost Cost => engine.Cost;

        public string Description => engine.Description;

        public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
        {
            engine.Hash(password, salt, tag, secret, associatedData);
            tag[^1] ^= 0x80;
        }

        public void Dispose() => engine.Dispose();
    }
}
