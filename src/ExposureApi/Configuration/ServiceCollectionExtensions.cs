using ExposureApi.Core.Checks;
using ExposureApi.Core.Configuration;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Keys;
using ExposureApi.Core.Normalization;
using ExposureApi.Core.Storage;
using ExposureApi.Hashing;
using ExposureApi.Storage;
using Microsoft.Extensions.Options;

namespace ExposureApi.Configuration;

/// <summary>Registers the core services, built from validated <see cref="ExposureOptions"/>.</summary>
internal static class ServiceCollectionExtensions
{
    public static IServiceCollection AddExposureCore(this IServiceCollection services)
    {
        services.AddOptions<ExposureOptions>().BindConfiguration(ExposureOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExposureOptions>, ExposureOptionsValidator>();

        services.AddSingleton(sp => new PhoneNormalizer(Options(sp).DefaultRegion));
        services.AddSingleton(sp => Options(sp).Hashing.CreateScheme());
        services.AddSingleton(sp => Options(sp).Hashing.CreateHasher(sp.GetRequiredService<HashScheme>()));
        services.AddSingleton(sp => new HashWorkers(sp.GetRequiredService<ExposureHasher>(), Options(sp).Hashing.EffectiveMaxConcurrency));
        services.AddSingleton(sp =>
        {
            var store = Options(sp).Store;
            var path = Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, store.Path);
            return new ExposureStore(path, TimeSpan.FromSeconds(store.BusyTimeoutSeconds));
        });
        services.AddSingleton(sp => new ExposureChecker(
            sp.GetRequiredService<PhoneNormalizer>(),
            sp.GetRequiredService<HashWorkers>(),
            sp.GetRequiredService<ExposureStore>(),
            Options(sp).Hashing.QueueLimit,
            TimeSpan.FromSeconds(Options(sp).Hashing.MaxQueueWaitSeconds)));

        services.AddSingleton(sp => new ApiKeyStore(sp.GetRequiredService<ExposureStore>()));

        // Opens, migrates and checks the store, and starts the hashing threads (each proving its engine), before the
        // server takes its first request.
        services.AddHostedService<StoreInitializer>();
        services.AddHostedService<HashingInitializer>();
        services.AddHostedService<Checks.CheckWarmUp>();
        return services;
    }

    private static ExposureOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<ExposureOptions>>().Value;
}
