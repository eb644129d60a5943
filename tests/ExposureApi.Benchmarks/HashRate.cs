using System.Diagnostics;
using System.Globalization;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Hashing.Argon2;
using Konscious.Security.Cryptography;

namespace ExposureApi.Benchmarks;

/// <summary>Side-by-side hash throughput at the default parameters, for docs/performance.md.</summary>
internal static class HashRate
{
    /// <summary>Hashes per second, and where each hash's time went: CPU in user and kernel mode, minor page faults.</summary>
    public sealed record Result(double HashesPerSecond, double UserMsPerHash, double SystemMsPerHash, double FaultsPerHash, string Engine);

    public static readonly string[] Modes = ["naive", "fast", "fast-single", "konscious", "service", "libsodium"];

    /// <summary>
    /// <c>naive</c>: Konscious as its README shows it, a new Argon2id per hash. <c>fast</c>: one engine per thread hashing
    /// pairs in a loop, as a hashing thread does under load (the raw engine). <c>fast-single</c> / <c>konscious</c>: one
    /// engine per thread, one hash at a time. <c>service</c>: through <see cref="HashWorkers"/> on the engine
    /// named by <c>Exposure__Hashing__Engine</c> (default fast), as the web host and the CLI hash, hand-over included,
    /// with as many numbers in flight as the web host's hashing slots allow.
    /// <c>libsodium</c>: NSec, a yardstick. Each thread hashes in a loop for <paramref name="duration"/>; the counters
    /// start after every engine exists and has hashed once, so they show the steady state.
    /// </summary>
    public static async Task<Result> MeasureAsync(string mode, TimeSpan duration, int threads)
    {
        var scheme = new HashScheme(Pepper.FromHex(Pepper.DemoHex), HashScheme.DemoSalt);
        var salt = System.Text.Encoding.UTF8.GetBytes(HashScheme.DemoSalt);
        var engineName = Environment.GetEnvironmentVariable("Exposure__Hashing__Engine") ?? Argon2Engines.Fast;
        using var workers = mode == "service" ? new HashWorkers(new ExposureHasher(scheme, engineName), threads) : null;
        var engines = mode switch
        {
            "fast" => Enumerable.Range(0, threads).Select(_ => Argon2Engines.Create(Argon2Engines.Fast, scheme.Cost, hashesAtOnce: 2)).ToArray(),
            "fast-single" => Enumerable.Range(0, threads).Select(_ => Argon2Engines.Create(Argon2Engines.Fast, scheme.Cost)).ToArray(),
            "konscious" => Enumerable.Range(0, threads).Select(_ => Argon2Engines.Create(Argon2Engines.Konscious, scheme.Cost)).ToArray(),
            _ => [],
        };
        var perCall = mode == "fast" ? 2 : 1;
        var sodium = mode == "libsodium" ? Sodium.Create() : null;
        Func<int, string, Task> hash = mode switch
        {
            "naive" => (thread, number) => { _ = NaiveKonscious(number, salt); return Task.CompletedTask; },
            "libsodium" => (thread, number) => { _ = sodium!.Hash(number); return Task.CompletedTask; },
            "service" => (thread, number) => workers!.HashAsync(number),
            "fast" => (thread, number) => { engines[thread].HashPair(Password(number), Password(number + "1"), salt, new byte[32], new byte[32]); return Task.CompletedTask; },
            "fast-single" or "konscious" => (thread, number) => { engines[thread].Hash(Password(number), salt, new byte[32]); return Task.CompletedTask; },
            _ => throw new ArgumentException($"mode is one of {string.Join(", ", Modes)}", nameof(mode)),
        };

        if (workers is not null)
        {
            await workers.Ready;
        }

        // Each thread's first hash pays for its memory's first touch and the JIT; the steady state starts after it.
        var loops = Enumerable.Range(0, threads).Select(t => new Thread(() => hash(t, "+447700900000").GetAwaiter().GetResult())).ToArray();
        Array.ForEach(loops, l => l.Start());
        Array.ForEach(loops, l => l.Join());

        long count = 0;
        var loopCount = workers is null ? threads : 2 * workers.Capacity;
        var before = ProcessCounters.Read();
        var clock = Stopwatch.StartNew();
        var workerLoops = Enumerable.Range(0, loopCount).Select(t => Task.Factory.StartNew(async () =>
        {
            var i = 0;
            while (clock.Elapsed < duration)
            {
                await hash(t, $"+4477009{t:D2}{i++ % 1000:D3}");
                Interlocked.Add(ref count, perCall);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        await Task.WhenAll(workerLoops);
        var elapsed = clock.Elapsed;
        var after = ProcessCounters.Read();
        var engine = workers?.EngineDescription ?? (engines.Length > 0 ? engines[0].Description : mode);
        Array.ForEach(engines, e => e.Dispose());
        return new Result(
            count / elapsed.TotalSeconds,
            (after.UserMs - before.UserMs) / count,
            (after.SystemMs - before.SystemMs) / count,
            (after.MinorFaults - before.MinorFaults) / (double)count,
            engine);
    }

    /// <summary>
    /// libsodium's Argon2id through NSec at the same m, t and p, as a yardstick only. libsodium takes a 16-byte salt,
    /// so it cannot compute <c>exposure-argon2id-v1</c> with an arbitrary salt; the first 16 bytes of the demo salt are
    /// used here, and the tag is checked against Konscious's with that same salt before timing.
    /// </summary>
    private sealed class Sodium(NSec.Cryptography.PasswordBasedKeyDerivationAlgorithm algorithm, byte[] salt)
    {
        public static Sodium Create()
        {
            var algorithm = NSec.Cryptography.PasswordBasedKeyDerivationAlgorithm.Argon2id(new NSec.Cryptography.Argon2Parameters
            {
                DegreeOfParallelism = 1, MemorySize = HashScheme.DefaultMemoryKiB, NumberOfPasses = HashScheme.DefaultIterations,
            });
            var sodium = new Sodium(algorithm, System.Text.Encoding.UTF8.GetBytes(HashScheme.DemoSalt)[..16]);
            const string probe = "+447700900123";
            if (!NaiveKonscious(probe, sodium._salt).AsSpan().SequenceEqual(sodium.Hash(probe)))
            {
                throw new InvalidOperationException("libsodium and Konscious disagree on the same input.");
            }

            return sodium;
        }

        private readonly byte[] _salt = salt;

        public byte[] Hash(string number) => algorithm.DeriveBytes(Password(number), _salt, 32);
    }

    /// <summary>Konscious as its README shows it: a new Argon2id and a synchronous GetBytes per hash.</summary>
    private static byte[] NaiveKonscious(string number, byte[] salt)
    {
        using var argon2 = new Argon2id(Password(number))
        {
            Salt = salt, MemorySize = HashScheme.DefaultMemoryKiB, Iterations = HashScheme.DefaultIterations, DegreeOfParallelism = 1,
        };
        return argon2.GetBytes(32);
    }

    // A 64-byte password shaped like the scheme's (the hex of an HMAC); its value does not change the cost.
    private static byte[] Password(string number) => System.Text.Encoding.ASCII.GetBytes(number.PadRight(64, '0'));

    /// <summary>This process's CPU time and minor faults so far, from <c>/proc/self/stat</c> (Linux).</summary>
    private readonly record struct ProcessCounters(double UserMs, double SystemMs, long MinorFaults)
    {
        public static ProcessCounters Read()
        {
            // Fields after the command name: state(3) ... minflt(10) ... utime(14) stime(15), in clock ticks of 10 ms.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            static long Field(string[] f, int number) => long.Parse(f[number - 3], CultureInfo.InvariantCulture);
            return new ProcessCounters(Field(fields, 14) * 10.0, Field(fields, 15) * 10.0, Field(fields, 10));
        }
    }
}
