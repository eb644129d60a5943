using ExposureApi.Core.Hashing;
using ExposureApi.Core.Normalization;

namespace ExposureApi.Configuration;

/// <summary>The <c>Exposure</c> configuration section.</summary>
public sealed class ExposureOptions
{
    public const string Section = "Exposure";

    /// <summary>The region assumed for numbers typed without a country code (ISO 3166, two letters).</summary>
    public string DefaultRegion { get; set; } = "IN";

    public StoreOptions Store { get; set; } = new();

    public HashingOptions Hashing { get; set; } = new();

    public DemoOptions Demo { get; set; } = new();
}

/// <summary>Where the SQLite store lives.</summary>
public sealed class StoreOptions
{
    /// <summary>The database file; a relative path is taken from the content root. A missing folder is created.</summary>
    public string Path { get; set; } = "App_Data/exposure.db";

    public int BusyTimeoutSeconds { get; set; } = 10;
}

/// <summary>The hash scheme's secrets and cost. See <see cref="HashScheme"/>.</summary>
public sealed class HashingOptions
{
    /// <summary>Hex, at least 32 bytes. Prefer <see cref="PepperFile"/> outside development.</summary>
    public string? Pepper { get; set; }

    /// <summary>A file holding the pepper's hex text, such as a mounted secret.</summary>
    public string? PepperFile { get; set; }

    public string? Salt { get; set; }

    public int MemoryKiB { get; set; } = HashScheme.DefaultMemoryKiB;

    public int Iterations { get; set; } = HashScheme.DefaultIterations;

    public int Parallelism { get; set; } = HashScheme.DefaultParallelism;

    /// <summary>How many hashes may run at once; 0 means one per core.</summary>
    public int MaxConcurrency { get; set; }

    public int EffectiveMaxConcurrency => MaxConcurrency > 0 ? MaxConcurrency : Environment.ProcessorCount;
}

/// <summary>The embedded demo store, loaded into an empty store on start-up in Development.</summary>
public sealed class DemoOptions
{
    public bool Enabled { get; set; }
}

/// <summary>Checks the whole section at start-up, so a misconfigured service refuses to start with messages a person can act on.</summary>
internal sealed class ExposureOptionsValidator(IHostEnvironment environment) : Microsoft.Extensions.Options.IValidateOptions<ExposureOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ExposureOptions options)
    {
        var failures = new List<string>();
        if (!PhoneNormalizer.IsSupportedRegion(options.DefaultRegion))
        {
            failures.Add($"Exposure:DefaultRegion '{options.DefaultRegion}' is not a two-letter region code libphonenumber knows (for example IN, GB, US).");
        }

        if (string.IsNullOrWhiteSpace(options.Store.Path))
        {
            failures.Add("Exposure:Store:Path is empty; set it to the SQLite file the service should use.");
        }

        if (options.Store.BusyTimeoutSeconds < 1)
        {
            failures.Add("Exposure:Store:BusyTimeoutSeconds must be at least 1.");
        }

        ValidateHashing(options.Hashing, failures);

        if (options.Demo.Enabled && !environment.IsDevelopment())
        {
            failures.Add("Exposure:Demo:Enabled is only allowed in the Development environment: the demo store is built with a published pepper.");
        }

        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }

    private void ValidateHashing(HashingOptions hashing, List<string> failures)
    {
        var hasPepper = !string.IsNullOrWhiteSpace(hashing.Pepper);
        var hasPepperFile = !string.IsNullOrWhiteSpace(hashing.PepperFile);
        if (hasPepper == hasPepperFile)
        {
            failures.Add(hasPepper
                ? "Set only one of Exposure:Hashing:Pepper and Exposure:Hashing:PepperFile."
                : "No pepper is configured. Set Exposure:Hashing:PepperFile to a file holding at least 32 random bytes as hex (openssl rand -hex 32), or Exposure:Hashing:Pepper.");
        }
        else
        {
            try
            {
                using var pepper = hasPepper ? Core.Hashing.Pepper.FromHex(hashing.Pepper!) : Core.Hashing.Pepper.FromFile(hashing.PepperFile!);
                if (pepper.IsDemo && !environment.IsDevelopment())
                {
                    failures.Add($"The configured pepper is the published demo pepper, which is refused in the '{environment.EnvironmentName}' environment. Generate a secret one with: openssl rand -hex 32");
                }
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                // Pepper's messages never contain the secret.
                failures.Add($"Exposure:Hashing pepper: {e.Message}");
            }
        }

        if (hashing.Salt is null || hashing.Salt.Length < HashScheme.MinimumSaltLength)
        {
            failures.Add($"Exposure:Hashing:Salt must be at least {HashScheme.MinimumSaltLength} characters.");
        }

        if (hashing.Iterations < 1)
        {
            failures.Add("Exposure:Hashing:Iterations must be at least 1.");
        }

        if (hashing.Parallelism is < 1 or > 255)
        {
            failures.Add("Exposure:Hashing:Parallelism must be between 1 and 255.");
        }

        if (hashing.MemoryKiB < 8 * Math.Max(1, hashing.Parallelism))
        {
            failures.Add("Exposure:Hashing:MemoryKiB must be at least 8 KiB per lane of parallelism.");
        }

        if (hashing.MaxConcurrency < 0)
        {
            failures.Add("Exposure:Hashing:MaxConcurrency must be 0 (one per core) or more.");
        }
    }
}
