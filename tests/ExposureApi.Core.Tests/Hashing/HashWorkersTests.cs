using ExposureApi.Core.Hashing;
using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Core.Tests.Hashing;

public sealed class HashWorkersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryThreadHashesWhatTheOneOffHasherComputes()
    {
        var hasher = new ExposureHasher(TestSchemes.Cheap());
        using var workers = new HashWorkers(hasher, threads: 3);
        var numbers = Enumerable.Range(0, 30).Select(i => $"+4477009000{i:D2}").ToList();

        await workers.Ready.WaitAsync(Ct);
        var tags = await Task.WhenAll(numbers.Select(n => workers.HashAsync(n, Ct)));

        Assert.Equal(numbers.Select(n => Convert.ToHexStringLower(hasher.Hash(n))), tags.Select(Convert.ToHexStringLower));
        Assert.StartsWith("fast (", workers.EngineDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEngineThatDisagreesWithKonsciousIsNeverUsed()
    {
        var hasher = new ExposureHasher(TestSchemes.Cheap());
        using var workers = new HashWorkers(hasher, threads: 2, () => new WrongEngine(hasher.CreateEngine(), wrongFor: _ => true));

        var refused = await Assert.ThrowsAsync<HashEngineException>(() => workers.Ready.WaitAsync(Ct));
        Assert.Contains("does not reproduce Konscious's tag at the configured cost", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Exposure:Hashing:Engine", refused.Message, StringComparison.Ordinal);

        // Nothing waits forever for threads that will never hash: every request is refused with the reason.
        var hash = await Assert.ThrowsAsync<HashEngineException>(() => workers.HashAsync("+447700900001", Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(refused.Message, hash.Message);
    }

    // An engine right for the configured salt but wrong for the demo salt passes the Konscious comparison and must
    // still be caught by the golden vector (computed at the default cost, which is therefore the configured one here).
    [Fact]
    public async Task AnEngineThatMissesTheGoldenVectorIsNeverUsed()
    {
        var hasher = new ExposureHasher(new HashScheme(Pepper.FromHex(new string('1', 64)), "a-salt-that-is-not-the-demo-one"));
        var demoSalt = System.Text.Encoding.UTF8.GetBytes(HashScheme.DemoSalt);
        using var workers = new HashWorkers(hasher, threads: 1, () => new WrongEngine(hasher.CreateEngine(), wrongFor: salt => salt.SequenceEqual(demoSalt)));

        var refused = await Assert.ThrowsAsync<HashEngineException>(() => workers.Ready.WaitAsync(Ct));

        Assert.Contains("golden vector", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHashCancelledBeforeItsTurnIsNotComputed()
    {
        var hasher = new ExposureHasher(TestSchemes.Cheap());
        using var gate = new ManualResetEventSlim(initialState: true);
        using var workers = new HashWorkers(hasher, threads: 1, () => new GatedEngine(hasher.CreateEngine(), gate));
        await workers.Ready.WaitAsync(Ct);
        gate.Reset();

        var first = workers.HashAsync("+447700900001", Ct);
        using var cancel = new CancellationTokenSource();
        var second = workers.HashAsync("+447700900002", cancel.Token);
        await cancel.CancelAsync();
        gate.Set();

        Assert.Equal(hasher.Hash("+447700900001"), await first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }

    [Fact]
    public async Task TwoWaitingNumbersAreHashedTogetherAndEachGetsItsOwnTag()
    {
        var hasher = new ExposureHasher(TestSchemes.Cheap());
        using var gate = new ManualResetEventSlim(initialState: true);
        GatedEngine? engine = null;
        using var workers = new HashWorkers(hasher, threads: 1, () => engine = new GatedEngine(hasher.CreateEngine(hashesAtOnce: 2), gate));
        await workers.Ready.WaitAsync(Ct);
        var pairsAtStart = engine!.Pairs;
        gate.Reset();

        // The thread takes the first number alone and waits at the gate; the next two wait for it, and go together.
        var numbers = new[] { "+447700900001", "+447700900002", "+447700900003" };
        var first = workers.HashAsync(numbers[0], Ct);
        while (!engine.IsWaiting)
        {
            await Task.Delay(5, Ct);
        }

        var others = numbers[1..].Select(n => workers.HashAsync(n, Ct)).ToList();
        gate.Set();
        var tags = await Task.WhenAll([first, .. others]);

        Assert.Equal(1, engine.Pairs - pairsAtStart);
        Assert.Equal(numbers.Select(n => Convert.ToHexStringLower(hasher.Hash(n))), tags.Select(Convert.ToHexStringLower));
    }

    [Fact]
    public async Task DisposingFinishesWhatIsQueuedThenRefusesMore()
    {
        var hasher = new ExposureHasher(TestSchemes.Cheap());
        var workers = new HashWorkers(hasher, threads: 1);
        await workers.Ready.WaitAsync(Ct);
        var queued = Enumerable.Range(0, 5).Select(i => workers.HashAsync($"+44770090000{i}", Ct)).ToList();

        workers.Dispose();

        Assert.All(queued, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Throws<ObjectDisposedException>(() => { _ = workers.HashAsync("+447700900009", Ct); });
    }

    /// <summary>A real engine whose tag has one bit flipped whenever <paramref name="wrongFor"/> says so of the salt.</summary>
    private sealed class WrongEngine(IArgon2idEngine engine, Func<byte[], bool> wrongFor) : IArgon2idEngine
    {
        public Argon2Cost Cost => engine.Cost;

        public string Description => "wrong " + engine.Description;

        public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
        {
            engine.Hash(password, salt, tag, secret, associatedData);
            if (wrongFor(salt.ToArray()))
            {
                tag[0] ^= 1;
            }
        }

        public void Dispose() => engine.Dispose();
    }

    /// <summary>A real engine that hashes only while <paramref name="gate"/> is open, and counts the pairs it computes.</summary>
    private sealed class GatedEngine(IArgon2idEngine engine, ManualResetEventSlim gate) : IArgon2idEngine
    {
        private volatile bool _waiting;

        public Argon2Cost Cost => engine.Cost;

        public string Description => engine.Description;

        public int HashesAtOnce => engine.HashesAtOnce;

        public int Pairs { get; private set; }

        public bool IsWaiting => _waiting;

        public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
        {
            Wait();
            engine.Hash(password, salt, tag, secret, associatedData);
        }

        public void HashPair(ReadOnlySpan<byte> password1, ReadOnlySpan<byte> password2, ReadOnlySpan<byte> salt, Span<byte> tag1, Span<byte> tag2)
        {
            Wait();
            Pairs++;
            engine.HashPair(password1, password2, salt, tag1, tag2);
        }

        private void Wait()
        {
            _waiting = !gate.IsSet;
            gate.Wait();
            _waiting = false;
        }

        public void Dispose() => engine.Dispose();
    }
}
