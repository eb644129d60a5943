using System.Security.Cryptography;
using System.Text;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;

namespace ExposureApi.Testing;

/// <summary>Seeds a store with a few exposures through the loader `exposure load` uses, so tests take the real path.</summary>
internal static class StoreSeeding
{
    /// <summary>
    /// A store as an operator makes one before the service may start outside Development (`exposure init`, `exposure
    /// breach add`, `exposure load`): one breach, "Seed", holding <paramref name="e164Numbers"/> hashed under
    /// <paramref name="scheme"/>, or one random hash when none are given, so that readiness has a breach to report.
    /// </summary>
    public static async Task<ExposureStore> CreateServedStoreAsync(string path, HashScheme scheme, CancellationToken cancellationToken, params string[] e164Numbers)
    {
        var store = new ExposureStore(path);
        await store.Schema.InitializeAsync(scheme.Fingerprint, cancellationToken);
        await store.Breaches.UpsertAsync(new Breach { Name = "Seed", Title = "Seed", BreachDate = new DateOnly(2023, 6, 12), DataClasses = ["Phone numbers"] }, cancellationToken);
        var hasher = new ExposureHasher(scheme);
        await store.AddExposuresAsync("Seed", e164Numbers.Length > 0 ? e164Numbers.Select(hasher.Hash) : [RandomNumberGenerator.GetBytes(32)], cancellationToken);
        return store;
    }

    /// <summary>Records <paramref name="hashes"/> as exposed in <paramref name="breachName"/>; returns how many rows were new.</summary>
    public static async Task<long> AddExposuresAsync(this ExposureStore store, string breachName, IEnumerable<byte[]> hashes, CancellationToken cancellationToken)
    {
        var fingerprint = await store.Schema.GetFingerprintAsync(cancellationToken)
            ?? throw new InvalidOperationException("Initialise the store before seeding it.");
        var bytes = Encoding.ASCII.GetBytes(TestFiles.HashFile(fingerprint.ToString(), [.. hashes.Select(Convert.ToHexStringLower)], withCount: false));
        var result = await new BreachLoader(store).LoadAsync(
            breachName, [new HashFileSource("seed.hashes", () => new MemoryStream(bytes))], progress: null, cancellationToken);
        return result.NewRows;
    }
}
