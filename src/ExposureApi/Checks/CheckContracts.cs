using ExposureApi.Core.Storage;

namespace ExposureApi.Checks;

/// <summary>A check: the number in any common format, and optionally the region to read it in.</summary>
/// <param name="PhoneNumber">The number to check, e.g. <c>+91 98123 45678</c> or <c>09812345678</c>.</param>
/// <param name="Region">Two-letter ISO 3166 region for numbers written without a country code; defaults to the service's.</param>
public sealed record CheckRequest(string? PhoneNumber, string? Region = null)
{
    // The generated ToString would print the number into any log or debugger view that formats the request.
    public override string ToString() => $"CheckRequest {{ Region = {Region} }}";
}

/// <summary>The answer to a check.</summary>
/// <param name="Exposed">True when the number is in at least one breach the service holds.</param>
/// <param name="Breaches">The breaches that hold it, oldest first.</param>
public sealed record CheckResponse(bool Exposed, IReadOnlyList<ExposedBreach> Breaches);

/// <summary>
/// A breach a checked number was found in: a deliberate summary of <see cref="Breach"/> (what a citizen's page and a
/// partner need to act on), so that a field added to the record reaches check answers only by choice.
/// </summary>
public sealed record ExposedBreach(
    string Name,
    string Title,
    string Domain,
    DateOnly BreachDate,
    IReadOnlyList<string> DataClasses,
    string Description,
    long PwnCount,
    bool IsVerified)
{
    public static ExposedBreach From(Breach breach) => new(
        breach.Name, breach.Title, breach.Domain, breach.BreachDate, breach.DataClasses, breach.Description, breach.PwnCount, breach.IsVerified);
}
