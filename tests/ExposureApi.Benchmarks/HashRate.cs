using System.Diagnostics;
using ExposureApi.Core.Hashing;
using Konscious.Security.Cryptography;

namespace ExposureApi.Benchmarks;

/// <summary>Side-by-side hash throughput at the default parameters, for the README's Performance table.</summary>
internal static class HashRate
{
    public static async Task<double> MeasureAsync(string mode, TimeSpan duration, int threads)
    {
        var scheme = new HashScheme(Pepper.FromHex(Pepper.DemoHex), HashScheme.DemoSalt);
        var hasher = new ExposureHasher(scheme);
        var salt = System.Text.Encoding.UTF8.GetBytes(HashScheme.DemoSalt);
        long count = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var i = 0;
            while (clock.Elapsed < duration)
            {
                var number = $"+4477009{t:D2}{i++ % 1000:D3}";
                if (mode == "naive")
                {
                    // Konscious as its README shows it: a new Argon2id and a synchronous GetBytes per hash.
                    using var argon2 = new Argon2id(System.Text.Encoding.ASCII.GetBytes(number.PadRight(64, '0')))
                    {
                        Salt = salt, MemorySize = HashScheme.DefaultMemoryKiB, Iterations = HashScheme.DefaultIterations, DegreeOfParallelism = 1,
                    };
                    _ = argon2.GetBytes(32);
                }
                else
                {
                    _ = await hasher.HashAsync(number);
                }

                Interlocked.Increment(ref count);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return count / clock.Elapsed.TotalSeconds;
    }
}
