using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;

namespace ExposureApi.Demo;

/// <summary>The demo store's data (data/demo in the repository), embedded in this assembly.</summary>
internal static class DemoStore
{
    private const string Prefix = "demo/";

    /// <summary>
    /// Adds each demo breach that <paramref name="store"/> does not have yet, with its hashes, and refreshes the metadata
    /// of those it has (the demo's texts and translations are this build's), leaving their hashes as they are.
    /// </summary>
    /// <exception cref="StoreException">The store is not under the demo scheme, so the demo hashes could never match.</exception>
    public static async Task<(int Breaches, long Exposures)> LoadMissingAsync(ExposureStore store, CancellationToken cancellationToken)
    {
        var assembly = typeof(DemoStore).Assembly;
        IReadOnlyList<Breach> breaches;
        using (var json = assembly.GetManifestResourceStream(Prefix + "breaches.json")!)
        {
            breaches = BreachMetadataFile.Read(json, "data/demo/breaches.json");
        }

        var sources = breaches.ToDictionary(b => b.Name, b => HashFile(assembly, b.Name));

        // Check every file's scheme before writing anything: under another scheme the demo hashes could never match.
        var storeScheme = await store.Schema.GetFingerprintAsync(cancellationToken);
        foreach (var source in sources.Values)
        {
            using var reader = HashFileReader.Open(source.Open(), source.Name);
            if (reader.Fingerprint != storeScheme)
            {
                throw new StoreException(
                    $"The demo data is hashed with the demo pepper and salt at the default Argon2 parameters ({reader.Fingerprint}), but the store uses {storeScheme}. "
                    + "Turn Exposure:Demo:Enabled off to use other settings.");
            }
        }

        var (added, exposures) = (0, 0L);
        var loader = new BreachLoader(store);
        foreach (var breach in breaches)
        {
            if (!await store.Breaches.UpsertAsync(breach, cancellationToken))
            {
                continue; // there already, hashes and all
            }

            exposures += (await loader.LoadAsync(breach.Name, [sources[breach.Name]], progress: null, cancellationToken)).NewRows;
            added++;
        }

        return (added, exposures);
    }

    private static HashFileSource HashFile(System.Reflection.Assembly assembly, string breachName)
    {
        var resource = $"{Prefix}{breachName}.hashes";
        return new HashFileSource(
            "data/" + resource,
            () => assembly.GetManifestResourceStream(resource) ?? throw new StoreException($"The demo data has no {resource}."));
    }
}
