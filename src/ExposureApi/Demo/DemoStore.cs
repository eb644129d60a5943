using ExposureApi.Core.Hashing;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;

namespace ExposureApi.Demo;

/// <summary>The demo store's data (data/demo in the repository), embedded in this assembly.</summary>
internal static class DemoStore
{
    private const string Prefix = "demo/";

    /// <summary>Adds each demo breach that <paramref name="store"/> does not have yet, with its hashes. Breaches already there are left as they are.</summary>
    /// <exception cref="InvalidOperationException">The service is not configured with the demo scheme, so the demo hashes could never match.</exception>
    public static async Task<(int Breaches, int Exposures)> LoadMissingAsync(ExposureStore store, SchemeFingerprint configured, CancellationToken cancellationToken)
    {
        var assembly = typeof(DemoStore).Assembly;
        IReadOnlyList<Breach> breaches;
        using (var json = assembly.GetManifestResourceStream(Prefix + "breaches.json")!)
        {
            breaches = BreachMetadataFile.Read(json, "data/demo/breaches.json");
        }

        var (added, exposures) = (0, 0);
        foreach (var breach in breaches)
        {
            if (await store.GetBreachAsync(breach.Name, cancellationToken) is not null)
            {
                continue;
            }

            var resource = $"{Prefix}{breach.Name}.hashes";
            using var hashes = HashFileReader.Open(
                assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"The demo data has no {resource}."),
                "data/" + resource);
            if (hashes.Fingerprint != configured)
            {
                throw new InvalidOperationException(
                    $"The demo data was hashed with scheme '{hashes.Fingerprint}', but the service is configured for '{configured}' "
                    + $"({string.Join("; ", configured.DifferencesFrom(hashes.Fingerprint))}). The demo store needs the demo pepper and salt "
                    + "at the default Argon2 parameters; turn Exposure:Demo:Enabled off to use other settings.");
            }

            await store.UpsertBreachAsync(breach, cancellationToken);
            exposures += await store.AddExposuresAsync(breach.Name, hashes.ReadHashes(), cancellationToken);
            added++;
        }

        return (added, exposures);
    }
}
