using ExposureApi.Core.Configuration;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using ExposureApi.Demo;
using Microsoft.Extensions.Options;

namespace ExposureApi.Storage;

/// <summary>
/// Brings the store up before the server answers: creates it, applies migrations, refuses a store made under
/// another hash scheme, and in Development fills an empty store with the embedded demo data.
/// </summary>
internal sealed partial class StoreInitializer(
    ExposureStore store,
    HashScheme scheme,
    IOptions<ExposureOptions> options,
    ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var created = await store.Schema.InitializeAsync(scheme.Fingerprint, cancellationToken);
        LogStoreReady(store.Path, scheme.Fingerprint, created);

        if (options.Value.Demo.Enabled)
        {
            var loaded = await DemoStore.LoadMissingAsync(store, cancellationToken);
            if (loaded.Breaches > 0)
            {
                LogDemoLoaded(loaded.Breaches, loaded.Exposures);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Path} is ready (scheme {Fingerprint}, newly created: {Created})")]
    private partial void LogStoreReady(string path, SchemeFingerprint fingerprint, bool created);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the demo store: {Breaches} breaches, {Exposures} exposures")]
    private partial void LogDemoLoaded(int breaches, long exposures);
}
