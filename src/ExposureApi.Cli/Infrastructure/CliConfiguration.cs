using ExposureApi.Core.Configuration;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Normalization;
using ExposureApi.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace ExposureApi.Cli.Infrastructure;

/// <summary>
/// The CLI reads the same settings as the web host: <c>./appsettings.json</c>, then <c>--config</c>, then
/// environment variables (<c>Exposure__Store__Path</c>, …), then <c>--db</c>.
/// </summary>
internal sealed class CliConfiguration
{
    private CliConfiguration(ExposureOptions options) => Options = options;

    public ExposureOptions Options { get; }

    public static CliConfiguration Load(ConfigSettings settings)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        if (settings.ConfigFile is { } file)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The settings file '{file}' does not exist.", file);
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        builder.AddEnvironmentVariables();
        var options = new ExposureOptions();
        builder.Build().GetSection(ExposureOptions.Section).Bind(options);
        if (settings is CliSettings { Database: { } database })
        {
            options.Store.Path = database;
        }

        return new CliConfiguration(options);
    }

    /// <summary>The store; its settings are checked first.</summary>
    public ExposureStore Store()
    {
        ThrowIfInvalid(Options.Store.Validate());
        return new ExposureStore(Options.Store.Path, TimeSpan.FromSeconds(Options.Store.BusyTimeoutSeconds));
    }

    /// <summary>The hash scheme, for the commands that hash or create a store; its settings are checked first.</summary>
    /// <remarks>The demo pepper is accepted (ops may build demo files), but the web host refuses it outside Development.</remarks>
    public HashScheme Scheme()
    {
        ThrowIfInvalid(Options.Hashing.Validate(allowDemoSecrets: true, environmentName: "cli"));
        return Options.Hashing.CreateScheme();
    }

    public PhoneNormalizer Normalizer()
    {
        if (!PhoneNormalizer.IsSupportedRegion(Options.DefaultRegion))
        {
            throw new ConfigurationException([$"Exposure:DefaultRegion '{Options.DefaultRegion}' is not a two-letter region code libphonenumber knows."]);
        }

        return new PhoneNormalizer(Options.DefaultRegion);
    }

    private static void ThrowIfInvalid(IEnumerable<string> failures)
    {
        var list = failures.ToList();
        if (list.Count > 0)
        {
            throw new ConfigurationException(list);
        }
    }
}

/// <summary>The settings are unusable; each failure is a sentence saying what to fix.</summary>
internal sealed class ConfigurationException(IReadOnlyList<string> failures)
    : Exception("The configuration is not usable:" + string.Concat(failures.Select(f => Environment.NewLine + "  - " + f)))
{
    public IReadOnlyList<string> Failures { get; } = failures;
}
