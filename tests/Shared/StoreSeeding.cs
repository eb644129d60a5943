using System.Text;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;

namespace ExposureApi.Testing;

/// <summary>Seeds a store with a few exposures through the loader `exposure load` uses, so tests take the real path.</summary>
internal static class StoreSeeding
{
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
