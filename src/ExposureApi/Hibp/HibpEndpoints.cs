using System.Text.Json;
using ExposureApi.Auth;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Keys;
using ExposureApi.Core.Storage;
using ExposureApi.Problems;
using ExposureApi.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExposureApi.Hibp;

/// <summary>
/// Have I Been Pwned's API v3, with phone numbers as the account: an existing HIBP client gains phone checks by
/// changing its base URL. Breach objects, status codes and error bodies follow https://haveibeenpwned.com/API/v3.
/// </summary>
internal static class HibpEndpoints
{
    public const string Prefix = Refusals.HibpPrefix;
    public const string BreachedAccountPrefix = Prefix + "/breachedaccount/";

    /// <summary>HIBP's PascalCase JSON, its dates as yyyy-MM-dd and ISO 8601 UTC.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    public static RouteGroupBuilder MapHibpEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("HIBP v3");

        group.MapGet("/breachedaccount/{account}", BreachedAccount)
            .RequireAuthorization(ApiKeyDefaults.CheckPolicy)
            .WithMetadata(new CheckRateLimitedAttribute())
            .RequireHashCapacity()
            .Produces<HibpError>(StatusCodes.Status503ServiceUnavailable)
            .WithName("HibpBreachedAccount")
            .WithSummary("All breaches for a phone number (HIBP v3 breachedaccount).")
            .WithDescription(
                "The account is a phone number in any format (URL-encode the +). Needs a key with scope check. 404 with an empty body when "
                + "the number is in no breach. The number is removed from the request before routing, so no log line, trace or metric sees it.")
            .Produces<HibpBreach[]>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status400BadRequest)
            .Produces<HibpError>(StatusCodes.Status401Unauthorized)
            .Produces<HibpError>(StatusCodes.Status403Forbidden)
            .Produces(StatusCodes.Status404NotFound)
            .Produces<HibpError>(StatusCodes.Status429TooManyRequests);

        group.MapGet("/breaches", Breaches)
            .WithName("HibpBreaches")
            .WithSummary("All breaches in the system (HIBP v3 breaches), optionally for one domain.");

        group.MapGet("/breach/{name}", Breach)
            .WithName("HibpBreach")
            .WithSummary("A single breach by name (HIBP v3 breach).")
            .Produces(StatusCodes.Status404NotFound);

        group.MapGet("/dataclasses", DataClasses)
            .WithName("HibpDataClasses")
            .WithSummary("All data classes (HIBP v3 dataclasses).");

        group.MapGet("/latestbreach", LatestBreach)
            .WithName("HibpLatestBreach")
            .WithSummary("The most recently added breach (HIBP v3 latestbreach).")
            .Produces(StatusCodes.Status404NotFound);

        return group;
    }

    internal static async Task<Results<JsonHttpResult<HibpBreachName[]>, JsonHttpResult<HibpBreach[]>, BadRequest, NotFound>> BreachedAccount(
        HttpContext context,
        ExposureChecker checker,
        Diagnostics.ExposureMetrics metrics,
        bool? truncateResponse,
        bool? includeUnverified,
        string? domain,
        CancellationToken cancellationToken)
    {
        // The real account was taken out of the path by AccountRedaction before anything could log it.
        var account = AccountRedaction.TakeAccount(context);
        var outcome = await checker.CheckAsync(account, region: null, context.User.HasScope(ApiScopes.CheckSensitive), cancellationToken);
        metrics.RecordCheck(outcome);
        if (outcome.IsRejected)
        {
            return TypedResults.BadRequest();
        }

        var breaches = outcome.Breaches
            .Where(b => includeUnverified != false || b.IsVerified)
            .Where(b => string.IsNullOrEmpty(domain) || string.Equals(b.Domain, domain, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (breaches.Count == 0)
        {
            return TypedResults.NotFound();
        }

        return truncateResponse != false
            ? TypedResults.Json(breaches.Select(b => new HibpBreachName(b.Name)).ToArray(), Json)
            : TypedResults.Json(breaches.Select(HibpBreach.From).ToArray(), Json);
    }

    internal static async Task<JsonHttpResult<HibpBreach[]>> Breaches(ExposureStore store, string? domain, CancellationToken cancellationToken) =>
        TypedResults.Json(
            (await store.Breaches.ListAsync(includeRetired: true, cancellationToken))
                .Where(b => string.IsNullOrEmpty(domain) || string.Equals(b.Domain, domain, StringComparison.OrdinalIgnoreCase))
                .Select(HibpBreach.From)
                .ToArray(),
            Json);

    internal static async Task<Results<JsonHttpResult<HibpBreach>, NotFound>> Breach(string name, ExposureStore store, CancellationToken cancellationToken) =>
        await store.Breaches.GetAsync(name, cancellationToken) is { } breach
            ? TypedResults.Json(HibpBreach.From(breach), Json)
            : TypedResults.NotFound();

    internal static async Task<JsonHttpResult<IReadOnlyList<string>>> DataClasses(ExposureStore store, CancellationToken cancellationToken) =>
        TypedResults.Json(await store.Breaches.ListDataClassesAsync(cancellationToken), Json);

    internal static async Task<Results<JsonHttpResult<HibpBreach>, NotFound>> LatestBreach(ExposureStore store, CancellationToken cancellationToken) =>
        (await store.Breaches.ListAsync(includeRetired: true, cancellationToken)).OrderByDescending(b => b.AddedDate).ThenBy(b => b.Name).FirstOrDefault() is { } latest
            ? TypedResults.Json(HibpBreach.From(latest), Json)
            : TypedResults.NotFound();
}

/// <summary>A breach as <c>truncateResponse=true</c> gives it: the name only.</summary>
public sealed record HibpBreachName(string Name);

/// <summary>
/// A breach in HIBP v3's model: a projection of <see cref="Core.Storage.Breach"/> onto HIBP's published contract, whose
/// fields, PascalCase names and date formats are HIBP's, not ours.
/// </summary>
public sealed record HibpBreach(
    string Name,
    string Title,
    string Domain,
    string BreachDate,
    string AddedDate,
    string ModifiedDate,
    long PwnCount,
    string Description,
    string LogoPath,
    IReadOnlyList<string> DataClasses,
    bool IsVerified,
    bool IsFabricated,
    bool IsSensitive,
    bool IsRetired,
    bool IsSpamList,
    bool IsMalware,
    bool IsSubscriptionFree,
    bool IsStealerLog)
{
    public static HibpBreach From(Breach b) => new(
        b.Name, b.Title, b.Domain,
        b.BreachDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Iso(b.AddedDate), Iso(b.ModifiedDate),
        b.PwnCount, b.Description, b.LogoPath, b.DataClasses,
        b.IsVerified, b.IsFabricated, b.IsSensitive, b.IsRetired, b.IsSpamList, b.IsMalware, b.IsSubscriptionFree, b.IsStealerLog);

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
