using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Hashing.Argon2;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Normalization;
using ExposureApi.Core.Storage;

namespace ExposureApi.Benchmarks;

/// <summary>The parts of a check: normalisation, the hash at the real defaults, and a store look-up.</summary>
/// <remarks>dotnet run -c Release --project tests/ExposureApi.Benchmarks -- --filter '*CheckPath*'</remarks>
[MemoryDiagnoser]
public class CheckPathBenchmarks
{
    private readonly PhoneNormalizer _normalizer = new("IN");
    private readonly byte[] _tag = new byte[HashScheme.TagLength];
    private ExposureHasher _hasher = null!;
    private IArgon2idEngine _engine = null!;

    /// <summary>The Argon2 engine, kept across hashes as each hashing thread keeps its own.</summary>
    [Params(Argon2Engines.Fast, Argon2Engines.Konscious)]
    public string Engine { get; set; } = Argon2Engines.Fast;

    [GlobalSetup]
    public void Setup()
    {
        _hasher = new ExposureHasher(new HashScheme(Pepper.FromHex(Pepper.DemoHex), HashScheme.DemoSalt), Engine);
        _engine = _hasher.CreateEngine();
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark]
    public string? NormalizeNational() => _normalizer.Normalize("098123 45678").E164;

    [Benchmark]
    public string? NormalizeInternational() => _normalizer.Normalize("+44 7700 900123", "GB").E164;

    [Benchmark]
    public byte[] HashAtDefaults()
    {
        _hasher.Hash("+919812345678", _engine, _tag);
        return _tag;
    }
}

/// <summary>Look-ups by hash in a store of 10 million exposures: a hit and a miss.</summary>
/// <remarks>
/// The store is built once in the system's temporary folder (about 20 s and 420 MB) and reused by later runs.
/// dotnet run -c Release --project tests/ExposureApi.Benchmarks -- --filter '*StoreLookup*'
/// </remarks>
[MemoryDiagnoser]
public class StoreLookupBenchmarks
{
    private const int Rows = 10_000_000;
    private ExposureStore _store = null!;
    private byte[] _present = null!;
    private byte[] _absent = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(Path.GetTempPath(), "exposure-bench-10m.db");
        _store = new ExposureStore(path);
        var scheme = new HashScheme(Pepper.FromHex(Pepper.DemoHex), HashScheme.DemoSalt, memoryKiB: 64, iterations: 1);
        var created = _store.Schema.InitializeAsync(scheme.Fingerprint, CancellationToken.None).GetAwaiter().GetResult();
        if (created || _store.Exposures.CountAsync(CancellationToken.None).GetAwaiter().GetResult() < Rows)
        {
            _store.Breaches.UpsertAsync(new Breach { Name = "Bench", Title = "Bench", BreachDate = new DateOnly(2024, 1, 1) }, CancellationToken.None).GetAwaiter().GetResult();
            var file = Path.Combine(Path.GetTempPath(), "exposure-bench-10m.hashes");
            using (var writer = new StreamWriter(file))
            {
                writer.Write(HashFileReader.Header(scheme.Fingerprint.ToString()));
                for (var i = 0; i < Rows; i++)
                {
                    writer.Write(Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes((long)i))));
                    writer.Write('\n');
                }
            }

            new BreachLoader(_store).LoadAsync("Bench", [HashFileSource.FromPath(file)], null, CancellationToken.None).GetAwaiter().GetResult();
            File.Delete(file);
        }

        _present = SHA256.HashData(BitConverter.GetBytes(4_242_424L));
        _absent = SHA256.HashData(BitConverter.GetBytes(-1L));
    }

    [Benchmark]
    public int LookUpHit() => _store.Exposures.FindBreachesAsync(_present, CancellationToken.None).GetAwaiter().GetResult().Count;

    [Benchmark]
    public int LookUpMiss() => _store.Exposures.FindBreachesAsync(_absent, CancellationToken.None).GetAwaiter().GetResult().Count;
}
