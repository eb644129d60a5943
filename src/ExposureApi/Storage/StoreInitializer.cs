using System.Diagnostics;
using ExposureApi.Core.Configuration;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using ExposureApi.Demo;
using Microsoft.Extensions.Options;

namespace ExposureApi.Storage;

/// <summary>
/// Brings the store up before the server answers: applies migrations, refuses a store made under another hash
/// scheme or with damaged pages, and in Development creates it if needed and fills it with the embedded demo data.
/// Outside Development a missing store is refused, never created: a typo in its path must not become an empty store
/// that answers "not exposed" to everyone.
/// </summary>
internal sealed partial class StoreInitializer(
    ExposureStore store,
    HashScheme scheme,
    IOptions<ExposureOptions> options,
    IHostEnvironment environment,
    ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Checked before anything is written to it, so a damaged store is refused exactly as it was found.
        if (options.Value.Store.CheckOnStartup && new FileInfo(store.Path) is { Exists: true, Length: > 0 })
        {
            var started = Stopwatch.GetTimestamp();
            var problems = await store.Maintenance.QuickCheckAsync(cancellationToken);
            if (problems.Count > 0)
            {
                throw new StoreException(
                    $"The store '{store.Path}' is damaged (SQLite quick_check: {string.Join("; ", problems.Take(3))}). Restore it from a backup, or run 'exposure verify' on it for the whole report.");
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            LogQuickCheck(store.Path, elapsed.TotalSeconds);
        }

        var created = await store.Schema.InitializeAsync(scheme.Fingerprint, cancellationToken, mayCreate: environment.IsDevelopment());
        LogStoreReady(store.Path, scheme.Fingerprint, created);
        foreach (var warning in options.Value.Hashing.Warnings())
        {
            LogSettingWarning(warning);
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Path} passed SQLite's quick_check in {Seconds:F2} s")]
    private partial void LogQuickCheck(string path, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogSettingWarning(string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the demo store: {Breaches} breaches, {Exposures} exposures")]
    private partial void LogDemoLoaded(int breaches, long exposures);
}
