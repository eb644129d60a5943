using ExposureApi.Auth;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Keys;
using ExposureApi.RateLimiting;
using ExposureApi.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExposureApi.Checks;

/// <summary>POST /api/v1/check: is this number in a known breach?</summary>
internal static partial class CheckEndpoints
{
    /// <summary>A check body is a number and a region; anything near this size is not a check.</summary>
    public const int MaxBodyBytes = 4096;

    public static RouteGroupBuilder MapCheckEndpoints(this IEndpointRouteBuilder app)
    {
        // Everything that hashes a number: the same capacity check and the same refusals, set once for the group.
        var group = app.MapGroup("/api/v1").WithTags("Checks")
            .RequireHashCapacity()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/check", Check)
            .WithName("CheckPhoneNumber")
            .WithSummary("Checks whether a phone number appears in a known breach.")
            .WithDescription(
                "The number travels in the body only, never in the URL. It is normalised to E.164, hashed with Argon2id "
                + "under the service's secret pepper, and looked up by hash; the number itself is never stored or logged. "
                + "Anonymous callers are limited per address; with an API key (optional here) the key's own rate applies, and breaches "
                + "flagged sensitive are disclosed only to a key with scope check:sensitive.")
            .Accepts<CheckRequest>("application/json")
            .RequireAuthorization(ApiKeyDefaults.KeyIfSentPolicy)
            .WithMetadata(new CheckRateLimitedAttribute());

        group.MapBatchCheck();
        return group;
    }

    internal static async Task<Results<Ok<CheckResponse>, ValidationProblem, ProblemHttpResult>> Check(
        HttpContext context,
        JsonRequestBody body,
        ExposureChecker checker,
        Diagnostics.ExposureMetrics metrics,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (checkRequest, problem) = await body.ReadAsync<CheckRequest>(context.Request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await checker.CheckAsync(checkRequest!.PhoneNumber, checkRequest.Region, context.User.HasScope(ApiScopes.CheckSensitive), cancellationToken);
        var logger = loggers.CreateLogger(typeof(CheckEndpoints));
        metrics.RecordCheck(outcome);
        if (outcome.Rejection is { } reason)
        {
            LogRejected(logger, reason);
            return ProblemTypes.Rejection(reason);
        }

        LogAnswered(logger, outcome.IsExposed, outcome.Breaches.Count);
        return TypedResults.Ok(new CheckResponse(outcome.IsExposed, [.. outcome.Breaches.Select(ExposedBreach.From)]));
    }

    // Only the outcome is logged: never the number, its canonical form or its hash.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Check rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, Core.Normalization.RejectionReason reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Check answered: exposed {Exposed} in {BreachCount} breaches")]
    private static partial void LogAnswered(ILogger logger, bool exposed, int breachCount);
}
