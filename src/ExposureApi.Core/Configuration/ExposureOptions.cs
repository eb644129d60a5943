using System.Globalization;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Hashing.Argon2;
using ExposureApi.Core.Normalization;

namespace ExposureApi.Core.Configuration;

/// <summary>The <c>Exposure</c> configuration section, shared by the web host and the CLI.</summary>
public sealed class ExposureOptions
{
    public const string Section = "Exposure";

    /// <summary>The region assumed for numbers typed without a country code (ISO 3166, two letters).</summary>
    public string DefaultRegion { get; set; } = "IN";

    public StoreOptions Store { get; set; } = new();

    public HashingOptions Hashing { get; set; } = new();

    public DemoOptions Demo { get; set; } = new();

    /// <summary>
    /// Every problem with these settings, each a sentence a person can act on; empty when they are usable.
    /// <paramref name="allowDemoSecrets"/> is true only where the published demo pepper may be used (Development).
    /// </summary>
    public IReadOnlyList<string> Validate(bool allowDemoSecrets, string environmentName)
    {
        var failures = new List<string>();
        if (!PhoneNormalizer.IsSupportedRegion(DefaultRegion))
        {
            failures.Add($"Exposure:DefaultRegion '{DefaultRegion}' is not a two-letter region code libphonenumber knows (for example IN, GB, US).");
        }

        failures.AddRange(Store.Validate());
        failures.AddRange(Hashing.Validate(allowDemoSecrets, environmentName));

        if (Demo.Enabled && !allowDemoSecrets)
        {
            failures.Add($"Exposure:Demo:Enabled is only allowed in the Development environment (this is '{environmentName}'): the demo store is built with a published pepper.");
        }

        return failures;
    }
}

/// <summary>Where the SQLite store lives.</summary>
public sealed class StoreOptions
{
    /// <summary>The database file; a relative path is taken from the content root (the web host) or the working folder (the CLI).</summary>
    public string Path { get; set; } = "App_Data/exposure.db";

    public int BusyTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Reports the web host ready while no breach is loaded. Off by default: a service that would answer "not
    /// exposed" to every number is not ready. Set it only for an installation that is empty on purpose.
    /// </summary>
    public bool AllowEmpty { get; set; }

    /// <summary>
    /// Runs SQLite's <c>quick_check</c> over the whole file when the web host starts, refusing a damaged store. On by
    /// default; its cost grows with the store (docs/operations.md).
    /// </summary>
    public bool CheckOnStartup { get; set; } = true;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return "Exposure:Store:Path is empty; set it to the SQLite file to use.";
        }

        if (BusyTimeoutSeconds < 1)
        {
            yield return "Exposure:Store:BusyTimeoutSeconds must be at least 1.";
        }
    }
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

    /// <summary>
    /// The Argon2 engine: <c>fast</c> (our vectorised implementation, the default) or <c>konscious</c> (the reference).
    /// Both compute the same tags; whichever is chosen must pass a self-test against Konscious at start-up.
    /// </summary>
    public string Engine { get; set; } = Argon2Engines.Fast;

    /// <summary>How many hashing threads the web host runs, each with its own Argon2 memory; 0 means one per core.</summary>
    public int MaxConcurrency { get; set; }

    public int EffectiveMaxConcurrency => MaxConcurrency > 0 ? MaxConcurrency : Environment.ProcessorCount;

    /// <summary>How many checks may wait for a hashing slot in the web host; beyond that a check is answered 503 at once.</summary>
    public int QueueLimit { get; set; } = 32;

    /// <summary>
    /// The longest a check waits for a hashing slot before it is answered 503; with the hash's own time this bounds
    /// an accepted check's latency however slow the machine gets under load.
    /// </summary>
    public double MaxQueueWaitSeconds { get; set; } = 2;

    /// <summary>
    /// How long the web host pauses before answering 503 to a check that finds the hashing queue full. A crowd that
    /// asks again the moment it is answered then asks less often, so turning it away does not take the CPU the hashing
    /// threads need (measured in docs/performance.md); 0 answers at once.
    /// </summary>
    public int BusyPauseMilliseconds { get; set; } = 500;

    /// <summary>Builds the scheme. Call only after <see cref="Validate"/> found nothing.</summary>
    public HashScheme CreateScheme() =>
        new(LoadPepper(), Salt!, MemoryKiB, Iterations, Parallelism);

    /// <summary>Builds the hasher on the configured engine. Call only after <see cref="Validate"/> found nothing.</summary>
    public ExposureHasher CreateHasher(HashScheme scheme) => new(scheme, Engine);

    private Hashing.Pepper LoadPepper() =>
        string.IsNullOrWhiteSpace(PepperFile) ? Hashing.Pepper.FromHex(Pepper!) : Hashing.Pepper.FromFile(PepperFile);

    public IEnumerable<string> Validate(bool allowDemoSecrets, string environmentName)
    {
        var hasPepper = !string.IsNullOrWhiteSpace(Pepper);
        var hasPepperFile = !string.IsNullOrWhiteSpace(PepperFile);
        if (hasPepper && hasPepperFile)
        {
            yield return "Set only one of Exposure:Hashing:Pepper and Exposure:Hashing:PepperFile.";
        }
        else if (!hasPepper && !hasPepperFile)
        {
            yield return "No pepper is configured. Set Exposure:Hashing:PepperFile to a file holding at least 32 random bytes as hex (openssl rand -hex 32), or Exposure:Hashing:Pepper.";
        }
        else if (PepperProblem(allowDemoSecrets, environmentName) is { } problem)
        {
            yield return problem;
        }

        if (HashScheme.SaltProblem(Salt, "Exposure:Hashing:Salt") is { } saltProblem)
        {
            yield return saltProblem;
        }
        else if (!allowDemoSecrets && string.Equals(Salt!.Trim(), HashScheme.DemoSalt, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Exposure:Hashing:Salt is the published demo salt, which is refused in the '{environmentName}' environment. Choose your own, such as: openssl rand -hex 16";
        }

        foreach (var problem in new Argon2Cost(MemoryKiB, Iterations, Parallelism).Problems("Exposure:Hashing:"))
        {
            yield return problem;
        }

        if (!Argon2Engines.IsKnown(Engine))
        {
            yield return $"Exposure:Hashing:Engine '{Engine}' is not an Argon2 engine; use one of: {string.Join(", ", Argon2Engines.Names)}.";
        }

        if (MaxConcurrency < 0)
        {
            yield return "Exposure:Hashing:MaxConcurrency must be 0 (one per core) or more.";
        }

        if (MemoryProblem(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) is { } memoryProblem)
        {
            yield return memoryProblem;
        }

        if (QueueLimit < 0)
        {
            yield return "Exposure:Hashing:QueueLimit must be 0 or more.";
        }

        if (!(MaxQueueWaitSeconds is > 0 and <= 300))
        {
            yield return "Exposure:Hashing:MaxQueueWaitSeconds must be more than 0 and at most 300.";
        }

        if (BusyPauseMilliseconds is < 0 or > 10_000)
        {
            yield return "Exposure:Hashing:BusyPauseMilliseconds must be from 0 (answer at once) to 10000.";
        }
    }

    /// <summary>
    /// The share of the memory the process may use (the container's limit included) that the hashing threads' Argon2
    /// memory may take; the rest is the runtime's, SQLite's and the requests'.
    /// </summary>
    public const double MaxMemoryShare = 0.75;

    /// <summary>The Argon2 memory the web host's hashing threads hold for their lifetime: each has room for a pair of hashes.</summary>
    public long HashingMemoryBytes => (long)EffectiveMaxConcurrency * HashWorkers.HashesPerThread * Math.Max(0, MemoryKiB) * 1024;

    /// <summary>Why the hashing threads' memory cannot fit in <paramref name="availableBytes"/>, or null when it can.</summary>
    public string? MemoryProblem(long availableBytes) =>
        HashingMemoryBytes > availableBytes * MaxMemoryShare
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Exposure:Hashing:MaxConcurrency × MemoryKiB needs {HashingMemoryBytes / (1024 * 1024)} MiB ({EffectiveMaxConcurrency} threads × {HashWorkers.HashesPerThread} hashes × {MemoryKiB} KiB), more than {MaxMemoryShare * 100:F0}% of the {availableBytes / (1024 * 1024)} MiB this process may use (its container's limit included). Lower MaxConcurrency or MemoryKiB, or give the process more memory.")
            : null;

    /// <summary>
    /// What the operator should know but that does not stop the service: a pepper file that users other than the
    /// service's may read. Mounted secrets arrive that way by default (Kubernetes secret volumes are 0644, Docker's
    /// 0444), in a container where the service is the only user, so this is a warning at every start, not a refusal.
    /// </summary>
    public IEnumerable<string> Warnings()
    {
        if (PepperFileMode() is { } mode && (mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            yield return $"The pepper file '{PepperFile}' may be read by its group or by other users (mode {Octal(mode)}); make it readable by the service's user only: chmod 400, or defaultMode: 0400 for a Kubernetes secret.";
        }
    }

    /// <summary>The pepper file's permissions, or null where there are none to read (no file, or Windows).</summary>
    private UnixFileMode? PepperFileMode() =>
        !string.IsNullOrWhiteSpace(PepperFile) && !OperatingSystem.IsWindows() && File.Exists(PepperFile) ? File.GetUnixFileMode(PepperFile) : null;

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private string? PepperProblem(bool allowDemoSecrets, string environmentName)
    {
        try
        {
            if (!allowDemoSecrets && PepperFileMode() is { } mode && (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                return $"The pepper file '{PepperFile}' may be changed by users other than its owner (mode {Octal(mode)}), so anyone among them could replace the key. Make it read-only for the service's user: chmod 400.";
            }

            using var pepper = LoadPepper();
            if (allowDemoSecrets)
            {
                return null;
            }

            return pepper.IsDemo
                ? $"The configured pepper is the published demo pepper, which is refused in the '{environmentName}' environment. Generate a secret one with: openssl rand -hex 32"
                : pepper.Weakness is { } weakness
                    ? $"The configured pepper is refused in the '{environmentName}' environment: {weakness}. Generate a secret one with: openssl rand -hex 32"
                    : null;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            // Pepper's messages never contain the secret.
            return $"Exposure:Hashing pepper: {e.Message}";
        }
    }
}

/// <summary>The embedded demo store, loaded into an empty store on start-up in Development.</summary>
public sealed class DemoOptions
{
    public bool Enabled { get; set; }
}
