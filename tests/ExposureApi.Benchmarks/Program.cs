using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/ExposureApi.Benchmarks -- make-hashes COUNT FILE SEED SCHEME
//   writes a hash file of COUNT distinct synthetic hashes (SHA-256 of SEED.., not of any number) for the load benchmark.
// dotnet run -c Release --project tests/ExposureApi.Benchmarks -- [BenchmarkDotNet arguments]
if (args is ["make-hashes", var countText, var file, var seedText, var scheme])
{
    var count = long.Parse(countText, CultureInfo.InvariantCulture);
    var seed = long.Parse(seedText, CultureInfo.InvariantCulture);
    await using var output = new StreamWriter(file, append: false, System.Text.Encoding.ASCII, 1 << 20);
    await output.WriteAsync(ExposureApi.Core.Ingestion.HashFileReader.Header(scheme, count));
    Span<byte> input = stackalloc byte[8];
    Span<byte> hash = stackalloc byte[32];
    for (var i = seed; i < seed + count; i++)
    {
        BitConverter.TryWriteBytes(input, i);
        SHA256.HashData(input, hash);
        output.Write(Convert.ToHexStringLower(hash));
        output.Write('\n');
    }

    return 0;
}

// dotnet run -c Release --project tests/ExposureApi.Benchmarks -- hash-rate SECONDS THREADS naive|fast|konscious|service|libsodium
//   hashes/s at the default Argon2 parameters (see HashRate.MeasureAsync for each mode).
if (args is ["hash-rate", var secondsText, var threadsText, var mode])
{
    var seconds = double.Parse(secondsText, CultureInfo.InvariantCulture);
    var threads = int.Parse(threadsText, CultureInfo.InvariantCulture);
    var result = await ExposureApi.Benchmarks.HashRate.MeasureAsync(mode, TimeSpan.FromSeconds(seconds), threads);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{mode} threads={threads} {result.HashesPerSecond:F1} hashes/s; per hash: user {result.UserMsPerHash:F1} ms, system {result.SystemMsPerHash:F2} ms, {result.FaultsPerHash:F1} minor faults ({result.Engine}; GC server={System.Runtime.GCSettings.IsServerGC})"));
    return 0;
}

// dotnet run -c Release --project tests/ExposureApi.Benchmarks -- page-cost
//   what first-touching a fresh 19 MiB block costs here, against touching pages already mapped.
if (args is ["page-cost"])
{
    const int pages = ExposureApi.Core.Hashing.HashScheme.DefaultMemoryKiB / 4;
    var (freshMs, reusedMs) = ExposureApi.Benchmarks.PageCost.Measure((nuint)ExposureApi.Core.Hashing.HashScheme.DefaultMemoryKiB * 1024, rounds: 100);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"19 MiB block: fresh pages {freshMs:F2} ms ({1000 * freshMs / pages:F2} us per 4 KiB page), already touched {reusedMs:F2} ms"));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
