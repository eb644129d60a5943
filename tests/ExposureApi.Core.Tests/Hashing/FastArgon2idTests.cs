using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Core.Tests.Hashing;

/// <summary>The fast engine computes the same function as Konscious, on every instruction set this machine has.</summary>
public sealed class FastArgon2idTests
{
    public static TheoryData<Argon2Instructions> InstructionSets() => new(AvailableInstructionSets());

    private static List<Argon2Instructions> AvailableInstructionSets()
    {
        if (BlockCompression.IsSupported(Argon2Instructions.Avx2))
        {
            return [Argon2Instructions.Scalar, Argon2Instructions.Avx2];
        }

        // CI's machines have AVX2: a run that silently tested only the fallback would prove half the engine.
        return Environment.GetEnvironmentVariable("EXPOSURE_TESTS_REQUIRE_AVX2") == "1"
            ? throw new InvalidOperationException("EXPOSURE_TESTS_REQUIRE_AVX2=1 but this CPU (or DOTNET_EnableAVX2) has no AVX2.")
            : [Argon2Instructions.Scalar];
    }

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void TheRfc9106Argon2idVectorIsReproduced(Argon2Instructions instructions)
    {
        using var engine = new FastArgon2id(new Argon2Cost(MemoryKiB: 32, Iterations: 3, Parallelism: 4), instructions);
        var tag = new byte[32];

        engine.Hash(Bytes(0x01, 32), Bytes(0x02, 16), tag, secret: Bytes(0x03, 8), associatedData: Bytes(0x04, 12));

        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    // 1,000 inputs across the parameter space, each compared with Konscious on AVX2 (and every fourth on the scalar
    // fallback, which is several times slower and also runs every other test here): salt 8-64 bytes,
    // m from 8p to 64 MiB (log-uniform, so that most are cheap and every order of magnitude is covered), t 1-4, p 1-4,
    // tags of 4-80 bytes (H' switches at 64), passwords of 1-100 bytes, and a secret and associated data on some.
    [Fact]
    public void AThousandRandomInputsGiveKonsciousTags()
    {
        var random = new Random(20261127);
        var cases = Enumerable.Range(0, 1000).Select(i => RandomCase(random, i)).ToList();
        var instructionSets = AvailableInstructionSets();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        // Grouped by cost so that one engine (and its memory) serves every input of that cost, as in the service.
        Parallel.ForEach(cases.GroupBy(c => c.Cost), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, group =>
        {
            using var konscious = new KonsciousArgon2id(group.Key);
            var engines = instructionSets.Select(set => new FastArgon2id(group.Key, set)).ToList();
            try
            {
                foreach (var c in group)
                {
                    var expected = new byte[c.TagLength];
                    konscious.Hash(c.Password, c.Salt, expected, c.Secret, c.AssociatedData);
                    foreach (var engine in engines.Where(e => e.Instructions != Argon2Instructions.Scalar || c.Number % 4 == 0 || engines.Count == 1))
                    {
                        var actual = new byte[c.TagLength];
                        engine.Hash(c.Password, c.Salt, actual, c.Secret, c.AssociatedData);
                        if (!expected.AsSpan().SequenceEqual(actual))
                        {
                            failures.Add($"case {c.Number} on {engine.Instructions}: {c.Cost}, salt {c.Salt.Length} B, tag {c.TagLength} B, password {c.Password.Length} B");
                        }
                    }
                }
            }
            finally
            {
                engines.ForEach(e => e.Dispose());
            }
        });

        Assert.Empty(failures);
        Assert.Contains(cases, c => c.Cost.MemoryKiB > 32768);
        Assert.Contains(cases, c => c.Cost.MemoryKiB == 8 * c.Cost.Parallelism);
        Assert.Contains(cases, c => c.Cost.MemoryKiB % (4 * c.Cost.Parallelism) != 0);
        Assert.Contains(cases, c => c.Secret.Length > 0 && c.AssociatedData.Length > 0);
    }

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void TheDefaultCostGivesKonsciousTagsHashAfterHashOnOneEngine(Argon2Instructions instructions)
    {
        var cost = new Argon2Cost(19456, 2, 1);
        using var fast = new FastArgon2id(cost, instructions);
        using var konscious = new KonsciousArgon2id(cost);
        var salt = "exposure-demo-salt-v1"u8.ToArray();
        foreach (var password in new[] { Bytes(0x61, 64), Bytes(0x62, 64), Bytes(0x61, 64) })
        {
            var expected = new byte[32];
            var actual = new byte[32];
            konscious.Hash(password, salt, expected);
            fast.Hash(password, salt, actual);
            Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(actual));
        }
    }

    // A pair is two hashes in lockstep over two memories: each tag must be exactly its single hash's (which the
    // thousand cases above prove against Konscious), whatever the cost, lanes, passes and tag length.
    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void APairGivesExactlyTheTagsOfTwoSingleHashes(Argon2Instructions instructions)
    {
        var random = new Random(4242 + (int)instructions);
        var cases = instructions == Argon2Instructions.Scalar ? 20 : 60; // the scalar code is several times slower
        foreach (var c in Enumerable.Range(0, cases).Select(i => (First: RandomCase(random, i), Other: RandomBytes(random, random.Next(1, 101)))))
        {
            using var single = new FastArgon2id(c.First.Cost, instructions);
            using var pair = new FastArgon2id(c.First.Cost, instructions, hashesAtOnce: 2);
            var (expected1, expected2) = (new byte[c.First.TagLength], new byte[c.First.TagLength]);
            var (actual1, actual2) = (new byte[c.First.TagLength], new byte[c.First.TagLength]);
            single.Hash(c.First.Password, c.First.Salt, expected1);
            single.Hash(c.Other, c.First.Salt, expected2);

            pair.HashPair(c.First.Password, c.Other, c.First.Salt, actual1, actual2);

            Assert.True(expected1.AsSpan().SequenceEqual(actual1) && expected2.AsSpan().SequenceEqual(actual2), $"case {c.First.Number}: {c.First.Cost}");
        }
    }

    [Fact]
    public void BothInstructionSetsFillTheMemoryIdentically()
    {
        Assert.SkipUnless(BlockCompression.IsSupported(Argon2Instructions.Avx2), "This CPU has no AVX2.");
        var cost = new Argon2Cost(1024, 3, 2);
        using var scalar = new FastArgon2id(cost, Argon2Instructions.Scalar);
        using var avx2 = new FastArgon2id(cost, Argon2Instructions.Avx2);
        var (a, b) = (new byte[1024], new byte[1024]);

        scalar.Hash("password"u8, "somesalt"u8, a);
        avx2.Hash("password"u8, "somesalt"u8, b);

        Assert.Equal(a, b);
    }

    [Fact]
    public void ParametersOutsideArgon2sRulesAreRefusedBeforeAnyMemoryIsTouched()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastArgon2id(new Argon2Cost(15, 1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastArgon2id(new Argon2Cost(64, 0, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastArgon2id(new Argon2Cost(64, 1, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastArgon2id(new Argon2Cost(4096, 1, 256)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastArgon2id(new Argon2Cost(-8, 1, 1)));

        using var engine = new FastArgon2id(new Argon2Cost(8, 1, 1));
        Assert.Throws<ArgumentException>(() => engine.Hash("p"u8, "7-bytes"u8, new byte[32]));
        Assert.Throws<ArgumentException>(() => engine.Hash("p"u8, "8-bytes!"u8, new byte[3]));
    }

    [Theory]
    [InlineData(8, 1)] // the smallest memory Argon2 allows: two blocks per segment, all of them seeds or neighbours
    [InlineData(11, 1)] // rounded down to 8 blocks
    [InlineData(16, 2)]
    [InlineData(1020, 255)] // 255 lanes of 4 blocks: every segment is a single block
    [InlineData(4096, 255)]
    public void TheSmallestShapesOfMemoryMatchKonscious(int memoryKiB, int parallelism)
    {
        var cost = new Argon2Cost(Math.Max(memoryKiB, 8 * parallelism), 2, parallelism);
        using var fast = new FastArgon2id(cost);
        var (expected, actual) = (new byte[32], new byte[32]);

        new KonsciousArgon2id(cost).Hash("password"u8, "somesalt"u8, expected);
        fast.Hash("password"u8, "somesalt"u8, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task AnEngineUsedFromTwoThreadsAtOnceRefusesTheSecond()
    {
        using var engine = new FastArgon2id(new Argon2Cost(65536, 4, 1));
        using var started = new ManualResetEventSlim();
        var first = Task.Factory.StartNew(() =>
        {
            started.Set();
            engine.Hash("first"u8, "somesalt"u8, new byte[32]);
        }, TaskCreationOptions.LongRunning);
        started.Wait(TestContext.Current.CancellationToken);

        var refusals = 0;
        while (!first.IsCompleted)
        {
            try
            {
                engine.Hash("second"u8, "somesalt"u8, new byte[32]);
            }
            catch (InvalidOperationException)
            {
                refusals++;
            }
        }

        await first;
        Assert.True(refusals > 0, "the second thread was never refused while the first was hashing");
    }

    // The point of an engine that owns its memory: in steady state a hash allocates nothing on the GC heap and maps no
    // page. Steady state starts once the runtime has finished recompiling the framework code a hash calls (its tiered
    // JIT moves hot methods to new code pages, which the next call faults in once): five hashes in a row without a
    // fault, reached within a bound that an engine faulting on every hash could never meet.
    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void InSteadyStateAHashAllocatesNothingAndTouchesNoNewPage(Argon2Instructions instructions)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Per-thread page-fault counts come from getrusage(RUSAGE_THREAD) (Linux).");
        using var engine = new FastArgon2id(new Argon2Cost(19456, 2, 1), instructions);
        var tag = new byte[32];
        var quietInARow = 0;
        for (var attempt = 0; attempt < 200 && quietInARow < 5; attempt++)
        {
            var before = ThreadMinorFaults();
            engine.Hash("warm-up"u8, "exposure-demo-salt-v1"u8, tag);
            quietInARow = ThreadMinorFaults() == before ? quietInARow + 1 : 0;
        }

        // The kernel may take a page back now and then for its own reasons (NUMA balancing samples pages by unmapping
        // them; khugepaged collapses them): a stray fault in one window is its, not the engine's. An engine that maps
        // fresh memory per hash faults thousands of times in every window.
        var windows = new List<(long Allocated, long Faults)>();
        for (var window = 0; window < 3 && (windows.Count == 0 || windows[^1].Faults != 0); window++)
        {
            var faultsBefore = ThreadMinorFaults();
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 3; i++)
            {
                engine.Hash("another password"u8, "exposure-demo-salt-v1"u8, tag);
            }

            windows.Add((GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, ThreadMinorFaults() - faultsBefore));
        }

        Assert.Equal(5, quietInARow);
        Assert.All(windows, w => Assert.Equal(0, w.Allocated));
        Assert.All(windows, w => Assert.InRange(w.Faults, 0, 2));
        Assert.Equal(0, windows[^1].Faults);
    }

    // Page faults taken by this thread only (not by tests running beside it), from getrusage(RUSAGE_THREAD): a call that
    // allocates nothing, so measuring does not itself fault.
    private static long ThreadMinorFaults()
    {
        var usage = default(ResourceUsage);
        Assert.Equal(0, GetResourceUsage(who: 1, ref usage));
        return usage[MinorFaultsField];
    }

    // struct rusage on 64-bit Linux: two struct timevals (four longs), then ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ...
    private const int MinorFaultsField = 8;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetResourceUsage(int who, ref ResourceUsage usage);

    [System.Runtime.CompilerServices.InlineArray(18)]
    private struct ResourceUsage
    {
        private long _field;
    }

    [Fact]
    public void ADisposedEngineRefusesToHash()
    {
        var engine = new FastArgon2id(new Argon2Cost(8, 1, 1));
        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => engine.Hash("p"u8, "somesalt"u8, new byte[32]));
    }

    private sealed record Case(int Number, Argon2Cost Cost, byte[] Password, byte[] Salt, byte[] Secret, byte[] AssociatedData, int TagLength);

    private static Case RandomCase(Random random, int number)
    {
        var parallelism = random.Next(1, 5);
        var minimum = 8 * parallelism;
        var memory = number switch
        {
            0 => 19456,
            1 => minimum,
            2 => 65536,
            _ => (int)Math.Round(Math.Exp(random.NextDouble() * Math.Log(65536.0 / minimum)) * minimum),
        };
        var cost = number == 0 ? new Argon2Cost(19456, 2, 1) : new Argon2Cost(Math.Clamp(memory, minimum, 65536), random.Next(1, 5), parallelism);
        return new Case(
            number,
            cost,
            RandomBytes(random, random.Next(1, 101)), // Konscious refuses an empty password
            RandomBytes(random, random.Next(8, 65)),
            random.Next(4) == 0 ? RandomBytes(random, random.Next(1, 33)) : [],
            random.Next(4) == 0 ? RandomBytes(random, random.Next(1, 33)) : [],
            number == 0 ? 32 : random.Next(4, 81));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Bytes(byte value, int count) => Enumerable.Repeat(value, count).ToArray();
}
