using System.Globalization;

namespace ExposureApi.Core.Hashing.Argon2;

/// <summary>Argon2's cost parameters (RFC 9106 §3.1), and the one place their limits are checked.</summary>
/// <param name="MemoryKiB">m: memory in KiB, at least 8 per lane; rounded down to a multiple of 4 lanes' blocks.</param>
/// <param name="Iterations">t: passes over the memory, at least 1.</param>
/// <param name="Parallelism">p: lanes, 1 to 255 here (RFC 9106 allows up to 2^24 - 1; no deployment needs more).</param>
public readonly record struct Argon2Cost(int MemoryKiB, int Iterations, int Parallelism)
{
    public const int MaxParallelism = 255;

    /// <summary>m', the number of 1 KiB blocks Argon2 actually uses: the largest multiple of 4p not above m.</summary>
    public int Blocks => 4 * Parallelism * (MemoryKiB / (4 * Parallelism));

    /// <summary>Every way these parameters break Argon2's rules, each a sentence naming the parameter; empty when usable.</summary>
    /// <param name="prefix">What to call the parameters in the messages, such as <c>Exposure:Hashing:</c>.</param>
    public IReadOnlyList<string> Problems(string prefix = "")
    {
        var problems = new List<string>();
        if (Iterations < 1)
        {
            problems.Add($"{prefix}Iterations must be at least 1.");
        }

        if (Parallelism is < 1 or > MaxParallelism)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}Parallelism must be between 1 and {MaxParallelism}."));
        }
        else if (MemoryKiB < 8 * Parallelism)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}MemoryKiB must be at least 8 KiB per lane ({8 * Parallelism} KiB for Parallelism {Parallelism})."));
        }

        return problems;
    }

    /// <exception cref="ArgumentOutOfRangeException">The parameters break Argon2's rules; the message names each problem.</exception>
    public void ThrowIfInvalid()
    {
        if (Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentOutOfRangeException(nameof(Argon2Cost), this, string.Join(" ", problems));
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"m={MemoryKiB} KiB, t={Iterations}, p={Parallelism}");
}
