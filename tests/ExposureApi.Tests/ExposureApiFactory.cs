using ExposureApi.Core.Hashing;
using ExposureApi.Core.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExposureApi.Tests;

/// <summary>
/// The real web host on a temporary store, with cheap Argon2 parameters and every log entry captured at Trace.
/// Settings can be overridden per test; <see cref="Folder"/> holds every file the host writes.
/// </summary>
public sealed class ExposureApiFactory : WebApplicationFactory<Program>
{
    public const string TestPepper = TestSecrets.Pepper;
    public const string TestSalt = TestSecrets.Salt;

    private readonly Dictionary<string, string?> _settings;
    private readonly string? _environment;
    private readonly TempFolder _folder = new();

    public ExposureApiFactory(IDictionary<string, string?>? settings = null, string? environment = null)
    {
        Folder = _folder.Path;
        _environment = environment;
        _settings = new Dictionary<string, string?>
        {
            ["Exposure:Store:Path"] = Path.Combine(Folder, "store.db"),
            ["Exposure:Hashing:Pepper"] = TestPepper,
            ["Exposure:Hashing:Salt"] = TestSalt,
            ["Exposure:Hashing:MemoryKiB"] = "64",
            ["Exposure:Hashing:Iterations"] = "1",
            ["Exposure:Hashing:Parallelism"] = "1",
            ["Exposure:Demo:Enabled"] = "false",
            // Tests make many checks from one address; the rate-limit tests set their own limit.
            ["Exposure:RateLimits:AnonymousPerMinute"] = "100000",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:System"] = "Trace",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>The folder holding the store and anything else the host writes.</summary>
    public string Folder { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public ExposureStore Store => Services.GetRequiredService<ExposureStore>();

    public ExposureHasher Hasher => Services.GetRequiredService<ExposureHasher>();

    /// <summary>The scheme the host is configured with, for hashing test numbers into its store.</summary>
    public static HashScheme TestScheme() => new(Pepper.FromHex(TestPepper), TestSalt, memoryKiB: 64, iterations: 1, parallelism: 1);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (_environment is not null)
        {
            builder.UseEnvironment(_environment);
        }

        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        });
    }

    /// <summary>Every client says who it is, as HIBP requires of its callers (a test of that rule removes it).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("exposureapi-tests/1.0");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
