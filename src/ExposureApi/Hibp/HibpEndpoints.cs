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
            .Produces<HibpError>(StatusCodes.Status400BadRequest)
            .Produces<HibpError>(StatusCodes.Status401Unauthorized)
            .Produces<HibpError>(StatusCodes.Status403Forbidden)
            .Produces(StatusCodes.Status404NotFound)
            .Produces<HibpError>(StatusCodes.Status429TooManyRequests);

        group.MapGet("/breaches", Breaches)
            .WithName("HibpBreaches")
            .WithSummary("All breaches in the system (HIBP v3 breaches), optionally for one domain, or only spam lists (isSpamList=true).")
            .WithDescription("As HIBP: every breach, retired ones included. No key needed.")
            .Produces<HibpBreach[]>(StatusCodes.Status200OK)
            .Produces<HibpError>(StatusCodes.Status400BadRequest);

        group.MapGet("/breach/{name}", Breach)
            .WithName("HibpBreach")
            .WithSummary("A single breach by name (HIBP v3 breach).")
            .WithDescription("As HIBP: 404 with an empty body for an unknown name. No key needed.")
            .Produces<HibpBreach>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status404NotFound);

        group.MapGet("/dataclasses", DataClasses)
            .WithName("HibpDataClasses")
            .WithSummary("All data classes (HIBP v3 dataclasses).")
            .WithDescription("As HIBP: the data classes of every breach, sorted. No key needed.")
            .Produces<string[]>(StatusCodes.Status200OK);

        group.MapGet("/latestbreach", LatestBreach)
            .WithName("HibpLatestBreach")
            .WithSummary("The most recently added breach (HIBP v3 latestbreach).")
            .WithDescription("As HIBP: 404 with an empty body when there is no breach. No key needed.")
            .Produces<HibpBreach>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status404NotFound);

        // HIBP's other services have no meaning for phone numbers here. A 404 would read as "no data" to a client; 501
        // with HIBP's error body is an error every client surfaces.
        foreach (var (pattern, name) in NotImplemented)
        {
            group.MapGet(pattern, NotImplementedHere)
                .WithName($"Hibp{name}")
                .WithSummary($"Not offered here (HIBP v3 {pattern.TrimStart('/')}): 501.")
                .WithDescription("ExposureApi holds phone numbers only: this HIBP service is answered 501 with HIBP's error body, which clients raise as an error.")
                .Produces<HibpError>(StatusCodes.Status501NotImplemented);
        }

        return group;
    }

    /// <summary>HIBP v3 services this API does not offer, answered 501.</summary>
    public static readonly IReadOnlyList<(string Pattern, string Name)> NotImplemented =
    [
        ("/pasteaccount/{account}", "PasteAccount"),
        ("/breacheddomain/{domain}", "BreachedDomain"),
        ("/subscribeddomains", "SubscribedDomains"),
        ("/subscription/status", "SubscriptionStatus"),
        ("/stealerlogsbyemail/{email}", "StealerLogsByEmail"),
        ("/stealerlogsbywebsitedomain/{domain}", "StealerLogsByWebsiteDomain"),
        ("/stealerlogsbyemaildomain/{domain}", "StealerLogsByEmailDomain"),
        ("/range/{prefix}", "PwnedPasswordsRange"), // Pwned Passwords, for a client given this API as its base URL
    ];

    private static JsonHttpResult<HibpError> NotImplementedHere() =>
        TypedResults.Json(
            new HibpError(StatusCodes.Status501NotImplemented, "This service is not offered by ExposureApi, which holds phone numbers only."),
            Json,
            statusCode: StatusCodes.Status501NotImplemented);

    /// <summary>HIBP's 400: <c>{"statusCode": 400, "message": "..."}</c>.</summary>
    private static JsonHttpResult<HibpError> BadRequestBody(string message) =>
        TypedResults.Json(new HibpError(StatusCodes.Status400BadRequest, message), Json, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>
    /// A boolean query parameter as HIBP reads it: absent, <c>true</c>/<c>false</c> in any case, or <c>1</c>/<c>0</c>.
    /// Anything else is a 400 naming the parameter.
    /// </summary>
    private static bool TryFlag(string? text, string name, out bool? value, out JsonHttpResult<HibpError>? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        value = text.ToUpperInvariant() switch
        {
            "TRUE" or "1" => true,
            "FALSE" or "0" => false,
            _ => null,
        };
        if (value is null)
        {
            problem = BadRequestBody($"The {name} parameter must be true or false.");
        }

        return value is not null;
    }

    internal static async Task<Results<JsonHttpResult<HibpBreachName[]>, JsonHttpResult<HibpBreach[]>, JsonHttpResult<HibpError>, NotFound>> BreachedAccount(
        HttpContext context,
        ExposureChecker checker,
        Diagnostics.ExposureMetrics metrics,
        string? truncateResponse,
        string? includeUnverified,
        string? domain,
        string? region,
        CancellationToken cancellationToken)
    {
        // The real account was taken out of the path by AccountRedaction before anything could log it.
        var account = AccountRedaction.TakeAccount(context);
        if (!TryFlag(truncateResponse, nameof(truncateResponse), out var truncate, out var problem)
            || !TryFlag(includeUnverified, nameof(includeUnverified), out var unverified, out problem))
        {
            return problem!;
        }

        // Our extension: HIBP has no region, but a number written without its country code needs one.
        var outcome = await checker.CheckAsync(account, string.IsNullOrEmpty(region) ? null : region, context.User.HasScope(ApiScopes.CheckSensitive), cancellationToken);
        metrics.RecordCheck(outcome);
        if (outcome.Rejection is { } rejection)
        {
            return BadRequestBody(Problems.ProblemTypes.For(rejection).Title);
        }

        var breaches = outcome.Breaches
            .Where(b => unverified != false || b.IsVerified)
            .Where(b => string.IsNullOrEmpty(domain) || string.Equals(b.Domain, domain, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (breaches.Count == 0)
        {
            return TypedResults.NotFound();
        }

        return truncate != false
            ? TypedResults.Json(breaches.Select(b => new HibpBreachName(b.Name)).ToArray(), Json)
            : TypedResults.Json(breaches.Select(HibpBreach.From).ToArray(), Json);
    }

    internal static async Task<Results<JsonHttpResult<HibpBreach[]>, JsonHttpResult<HibpError>>> Breaches(
        ExposureStore store, string? domain, string? isSpamList, CancellationToken cancellationToken)
    {
        if (!TryFlag(isSpamList, nameof(isSpamList), out var spamList, out var problem))
        {
            return problem!;
        }

        return TypedResults.Json(
            (await store.Breaches.ListAsync(includeRetired: true, cancellationToken))
                .Where(b => string.IsNullOrEmpty(domain) || string.Equals(b.Domain, domain, StringComparison.OrdinalIgnoreCase))
                .Where(b => spamList is null || b.IsSpamList == spamList)
                .Select(HibpBreach.From)
                .ToArray(),
            Json);
    }

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
